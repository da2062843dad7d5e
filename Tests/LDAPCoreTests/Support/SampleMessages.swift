import NIOCore

@testable import LDAPCore

/// One message of every operation, with and without controls, for round-trip tests.
enum SampleMessages {
    static let result = LDAPResult(
        resultCode: .referral, matchedDN: "dc=example,dc=test", diagnosticMessage: "see elsewhere",
        referral: ["ldap://dc2.example.test/dc=example,dc=test"])

    static let filter = Filter.and([
        .equalityMatch(AttributeValueAssertion("objectClass", "inetOrgPerson")),
        .or([
            .substrings(
                SubstringFilter(
                    attributeDescription: "cn", initial: ByteBuffer(string: "al"), any: [ByteBuffer(string: "i")],
                    final: ByteBuffer(string: "e"))),
            .approxMatch(AttributeValueAssertion("sn", "smith")),
        ]),
        .not(.present("description")),
        .greaterOrEqual(AttributeValueAssertion("uidNumber", "10")),
        .lessOrEqual(AttributeValueAssertion("uidNumber", "99")),
        .extensibleMatch(
            MatchingRuleAssertion(
                matchingRule: "1.2.840.113556.1.4.804", type: "groupType", matchValue: ByteBuffer(string: "-2147483648")
            )),
        .extensibleMatch(
            MatchingRuleAssertion(
                matchingRule: "2.5.13.5", type: "cn", matchValue: ByteBuffer(string: "x"), dnAttributes: true)),
        .or([]),
    ])

    static let operations: [(String, ProtocolOp)] = [
        (
            "simple bind",
            .bindRequest(
                BindRequest(
                    name: "uid=alice,ou=people,dc=example,dc=test",
                    authentication: .simple(SensitiveBytes("alice-password"))))
        ),
        ("anonymous bind", .bindRequest(BindRequest(name: "", authentication: .simple(SensitiveBytes(ByteBuffer()))))),
        (
            "SASL bind",
            .bindRequest(
                BindRequest(
                    name: "",
                    authentication: .sasl(
                        mechanism: "GSS-SPNEGO", credentials: SensitiveBytes(ByteBuffer(bytes: [0x60, 0x82, 0x00])))))
        ),
        (
            "SASL bind, no credentials",
            .bindRequest(BindRequest(name: "", authentication: .sasl(mechanism: "EXTERNAL", credentials: nil)))
        ),
        (
            "bind response",
            .bindResponse(BindResponse(result: LDAPResult(resultCode: .invalidCredentials, diagnosticMessage: "bad")))
        ),
        (
            "bind response, SASL creds",
            .bindResponse(
                BindResponse(
                    result: LDAPResult(resultCode: .saslBindInProgress), serverSaslCreds: SensitiveBytes("token")))
        ),
        ("unbind", .unbindRequest),
        (
            "search",
            .searchRequest(
                SearchRequest(
                    baseObject: "dc=example,dc=test", scope: .singleLevel, derefAliases: .always, sizeLimit: 10,
                    timeLimit: 30, typesOnly: true, filter: filter, attributes: ["cn", "mail", "1.1"]))
        ),
        (
            "entry",
            .searchResultEntry(
                SearchResultEntry(
                    objectName: "uid=alice,ou=people,dc=example,dc=test",
                    attributes: [
                        PartialAttribute("cn", ["Alice", "Alice Smith"]), PartialAttribute("objectGUID", []),
                        PartialAttribute(type: "jpegPhoto", values: [ByteBuffer(bytes: [0xFF, 0xD8, 0x00])]),
                    ]))
        ),
        ("done", .searchResultDone(result)),
        ("reference", .searchResultReference(["ldap://a.example.test/dc=a", "ldap://b.example.test/dc=b"])),
        (
            "modify",
            .modifyRequest(
                ModifyRequest(
                    object: "uid=alice,ou=people,dc=example,dc=test",
                    changes: [
                        .init(operation: .add, modification: PartialAttribute("mail", ["a@x"])),
                        .init(operation: .delete, modification: PartialAttribute("description", [])),
                        .init(operation: .replace, modification: PartialAttribute("sn", ["Smith"])),
                        .init(operation: .increment, modification: PartialAttribute("uidNumber", ["1"])),
                    ]))
        ),
        ("modify response", .modifyResponse(LDAPResult(resultCode: .success))),
        (
            "add",
            .addRequest(
                AddRequest(
                    entry: "uid=new,ou=people,dc=example,dc=test",
                    attributes: [
                        PartialAttribute("objectClass", ["top", "inetOrgPerson"]), PartialAttribute("cn", ["New"]),
                    ]))
        ),
        ("add response", .addResponse(LDAPResult(resultCode: .entryAlreadyExists))),
        ("delete", .delRequest("uid=old,ou=people,dc=example,dc=test")),
        (
            "delete response",
            .delResponse(LDAPResult(resultCode: .noSuchObject, matchedDN: "ou=people,dc=example,dc=test"))
        ),
        (
            "modify DN",
            .modifyDNRequest(
                ModifyDNRequest(entry: "uid=a,ou=people,dc=example,dc=test", newRDN: "uid=b", deleteOldRDN: true))
        ),
        (
            "modify DN with new superior",
            .modifyDNRequest(
                ModifyDNRequest(
                    entry: "uid=a,ou=people,dc=example,dc=test", newRDN: "uid=b", deleteOldRDN: false,
                    newSuperior: "ou=other,dc=example,dc=test"))
        ),
        ("modify DN response", .modifyDNResponse(LDAPResult(resultCode: .success))),
        (
            "compare",
            .compareRequest(
                CompareRequest(
                    entry: "uid=alice,ou=people,dc=example,dc=test",
                    assertion: AttributeValueAssertion("mail", "alice@example.test")))
        ),
        ("compare response", .compareResponse(LDAPResult(resultCode: .compareTrue))),
        ("abandon", .abandonRequest(7)),
        ("StartTLS", .extendedRequest(.startTLS)),
        ("WhoAmI", .extendedRequest(.whoAmI)),
        (
            "password modify",
            .extendedRequest(
                ExtendedRequest(
                    requestName: ExtendedRequest.passwordModifyOID,
                    requestValue: PasswordModifyRequestValue(
                        userIdentity: "uid=alice,ou=people,dc=example,dc=test", oldPassword: SensitiveBytes("old"),
                        newPassword: SensitiveBytes("new")
                    ).encoded()))
        ),
        (
            "extended response",
            .extendedResponse(
                ExtendedResponse(result: LDAPResult(resultCode: .success), responseName: ExtendedRequest.startTLSOID))
        ),
        (
            "WhoAmI response",
            .extendedResponse(
                ExtendedResponse(
                    result: LDAPResult(resultCode: .success),
                    responseValue: ByteBuffer(string: "dn:uid=alice,ou=people,dc=example,dc=test")))
        ),
        (
            "intermediate",
            .intermediateResponse(
                IntermediateResponse(
                    responseName: "1.3.6.1.4.1.4203.1.9.1.4", responseValue: ByteBuffer(bytes: [0x30, 0x00])))
        ),
        ("intermediate, empty", .intermediateResponse(IntermediateResponse())),
    ]

    static let controls: [LDAPControl] = [
        PagedResultsControl(size: 100, cookie: ByteBuffer(bytes: [1, 2, 3])).control(criticality: true),
        DirSyncRequestControl(flags: Int32(bitPattern: 0x8000_0801), maxBytes: 1_048_576, cookie: ByteBuffer())
            .control(),
        AttributeScopedQueryControl(sourceAttribute: "member").control(),
        ManageDsaITControl().control(criticality: false),
        ProxiedAuthorizationControl(authorizationID: "dn:uid=bob,ou=people,dc=example,dc=test").control(),
        LDAPControl(oid: "1.3.6.1.4.1.99999.1", criticality: true, value: ByteBuffer(bytes: [0xDE, 0xAD, 0xBE, 0xEF])),
    ]

    /// Every operation, once without controls and once with all sample controls.
    static var all: [(String, LDAPMessage)] {
        var messages: [(String, LDAPMessage)] = []
        for (index, (name, op)) in operations.enumerated() {
            messages.append((name, LDAPMessage(messageID: Int32(index + 1), protocolOp: op)))
            messages.append(
                (
                    name + " + controls",
                    LDAPMessage(messageID: Int32.max - Int32(index), protocolOp: op, controls: controls)
                ))
        }
        messages.append(("empty controls", LDAPMessage(messageID: 0, protocolOp: .unbindRequest, controls: [])))
        return messages
    }
}

import NIOCore
import Testing

@testable import LDAPCore

@Suite("Credentials never show")
struct RedactionTests {
    static let secret = "Sup3r-s3cret-pw"

    func rendered(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped, "\(value)"]
    }

    @Test("simple bind passwords are redacted in description, debugDescription and dump")
    func simpleBind() {
        let message = LDAPMessage(
            messageID: 1,
            protocolOp: .bindRequest(BindRequest(name: "cn=a", authentication: .simple(SensitiveBytes(Self.secret)))))
        for text in rendered(message) {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains("53 75 70"))  // nor its bytes
        }
        #expect(rendered(message)[0].contains("redacted"))
    }

    @Test("SASL credentials, password modify values and generated passwords are redacted")
    func otherSecrets() {
        let values: [Any] = [
            BindRequest(name: "", authentication: .sasl(mechanism: "PLAIN", credentials: SensitiveBytes(Self.secret))),
            BindResponse(result: LDAPResult(resultCode: .success), serverSaslCreds: SensitiveBytes(Self.secret)),
            ExtendedRequest(
                requestName: ExtendedRequest.passwordModifyOID,
                requestValue: PasswordModifyRequestValue(newPassword: SensitiveBytes(Self.secret)).encoded()),
            PasswordModifyRequestValue(oldPassword: SensitiveBytes(Self.secret)),
            PasswordModifyResponseValue(generatedPassword: SensitiveBytes(Self.secret)),
        ]
        for value in values {
            for text in rendered(value) { #expect(!text.contains(Self.secret), "leaked in \(type(of: value))") }
        }
    }
}

import LDAPCore
import ProxyConfig
import Testing

@Suite("Synchronisation keys of the configuration")
struct SyncConfigTests {
    static let directory = """
        directory:
          servers: "ldaps://dir.example.test"
          base_dn: "dc=example,dc=test"
          bind_dn: "cn=reader,ou=service,dc=example,dc=test"
        """

    func load(_ yaml: String) throws -> ProxyConfiguration {
        try ProxyConfiguration.parse(
            yaml: yaml, baseDirectory: "/tmp", environment: ["LDAP_MFA_PROXY_BIND_PASSWORD": "x"])
    }

    func problems(_ yaml: String) -> [String] {
        do {
            _ = try load(yaml)
            Issue.record("expected problems")
            return []
        } catch let error as ConfigError {
            return error.problems.map { "\($0.keyPath): \($0.message)" }
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    @Test("every attribute row and filter has the reference's default, and sync is off")
    func defaults() throws {
        let sync = try load(Self.directory).sync
        let a = sync.attributes
        #expect(a.uniqueIdentifier == "objectGUID" && a.uniqueIdentifierType == .guid)
        #expect(a.distinguishedName == "distinguishedName" && a.containerName == ["name"])
        #expect(a.securityGroupName == "name" && a.firstName == "givenName" && a.lastName == "sn")
        #expect(a.email == "mail" && a.userGroup == nil && a.description == "description")
        #expect(a.phoneCallLanguage == nil && a.textMessageLanguage == nil)
        #expect(a.mobileAppLanguage == nil && a.oathTokenLanguage == nil)
        #expect(a.businessPhone == "telephoneNumber" && a.homePhone == "homePhone" && a.pager == "pager")
        #expect(a.mobilePhone == "mobile" && a.fax == "facsimileTelephoneNumber" && a.ipPhone == "ipPhone")
        #expect(a.custom == nil && a.phoneExtension == nil)
        #expect("\(sync.filters.container)" == "(|(objectClass=organizationalUnit)(objectClass=container))")
        #expect(
            "\(sync.filters.securityGroup)"
                == "(&(objectCategory=group)(groupType:1.2.840.113556.1.4.804:=-2147483648))")
        #expect("\(sync.filters.user)" == "(&(objectCategory=person)(objectClass=user))")
        #expect(sync.querySizeLimit == 1000 && sync.useAttributeScopedQueries)
        #expect(!sync.enabled && sync.interval == .seconds(3600) && !sync.alwaysFull && !sync.removeUsers)
        #expect(sync.approvalThreshold == 5 && sync.items.isEmpty && sync.notifyCommand == nil)
    }

    @Test("blank values take the defaults; set ones are read")
    func reads() throws {
        let yaml =
            Self.directory + """

                  query_size_limit: 250
                  use_attribute_scoped_queries: false
                  attributes:
                    username: [uid]
                    unique_identifier: entryUUID
                    unique_identifier_type: ascii_byte_array
                    distinguished_name: ""
                    container_name: "ou;name"
                    first_name:
                    extension: telephoneExtension
                  filters:
                    user: (objectClass=inetOrgPerson)
                    container: ""
                sync:
                  enabled: true
                  interval: 15m
                  always_full: yes
                  remove_users: true
                  approval_threshold: 20
                  notify_command: [/usr/bin/logger, -t, sync]
                  items:
                    - container: ou=people,dc=example,dc=test
                    - group: cn=vpn,ou=groups,dc=example,dc=test
                      nested: true
                      on_removal: remove
                """
        let configuration = try load(yaml)
        let sync = configuration.sync
        #expect(configuration.directory.usernameAttributes == ["uid"])
        #expect(
            sync.attributes.uniqueIdentifier == "entryUUID" && sync.attributes.uniqueIdentifierType == .asciiByteArray)
        #expect(sync.attributes.distinguishedName == "distinguishedName" && sync.attributes.firstName == "givenName")
        #expect(
            sync.attributes.containerName == ["ou", "name"] && sync.attributes.phoneExtension == "telephoneExtension")
        #expect("\(sync.filters.user)" == "(objectClass=inetOrgPerson)")
        #expect("\(sync.filters.container)" == "(|(objectClass=organizationalUnit)(objectClass=container))")
        #expect(sync.querySizeLimit == 250 && !sync.useAttributeScopedQueries)
        #expect(sync.enabled && sync.interval == .seconds(900) && sync.alwaysFull && sync.removeUsers)
        #expect(sync.approvalThreshold == 20 && sync.notifyCommand == ["/usr/bin/logger", "-t", "sync"])
        let people = try DistinguishedName(parsing: "ou=people,dc=example,dc=test")
        let vpn = try DistinguishedName(parsing: "cn=vpn,ou=groups,dc=example,dc=test")
        #expect(
            sync.items == [
                .init(source: .container(people), onRemoval: .disable),
                .init(source: .group(vpn, nested: true), onRemoval: .remove),
            ])
    }

    @Test("bad values are problems with their key paths")
    func problems() {
        let yaml =
            Self.directory + """

                  attributes:
                    unique_identifier_type: UUID
                    mobile_phone: "mobile phone"
                    colour: blue
                  filters:
                    user: (objectClass=inetOrgPerson
                sync:
                  enabled: true
                  approval_threshold: 1000
                  items:
                    - container: ou=people,dc=other,dc=test
                    - group: cn=a,dc=example,dc=test
                      container: ou=b,dc=example,dc=test
                    - container: ou=c,dc=example,dc=test
                      nested: true
                    - {}
                    - group: cn=a,dc=example,dc=test
                      on_removal: delete
                """
        let found = problems(yaml)
        for expected in [
            "directory.attributes.unique_identifier_type: unknown type 'UUID'",
            "directory.attributes.mobile_phone: 'mobile phone' is not an attribute name",
            "directory.attributes.colour: unknown key",
            "directory.filters.user: '(objectClass=inetOrgPerson' is not an LDAP filter",
            "sync.approval_threshold: must be between 1 and 999",
            "sync.items[0]: ou=people,dc=other,dc=test is not below directory.base_dn",
            "sync.items[1]: has both container and group",
            "sync.items[2].nested: only a group item has nested members",
            "sync.items[3]: names neither a container nor a group",
            "sync.items[4].on_removal: unknown value 'delete'",
        ] {
            #expect(found.contains { $0.hasPrefix(expected) }, "missing: \(expected) in \(found)")
        }
        #expect(found.filter { $0.hasPrefix("directory.attributes.colour") }.count == 1)
    }

    @Test("synchronisation enabled without items is a problem")
    func enabledWithoutItems() {
        #expect(problems(Self.directory + "\nsync:\n  enabled: true\n").contains { $0.hasPrefix("sync.items:") })
    }

    @Test("the restore-defaults block parses back to the defaults")
    func restoreDefaults() throws {
        let yaml = ProxyConfiguration.Sync.defaultsYAML.replacingOccurrences(
            of: "directory:\n", with: Self.directory + "\n")
        let configuration = try load(yaml)
        #expect(configuration.sync == ProxyConfiguration.Sync.defaults)
        #expect(configuration.directory.usernameAttributes == ["userPrincipalName", "sAMAccountName"])
    }
}

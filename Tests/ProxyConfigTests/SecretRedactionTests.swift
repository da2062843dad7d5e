import Testing

@testable import ProxyConfig

/// Secrets never show in a printed or dumped configuration.
@Suite("Secret redaction")
struct SecretRedactionTests {
    @Test("keeps the bind password and store key out of description and dump")
    func redacted() throws {
        let sandbox = try Sandbox()
        let storeKey = String(repeating: "A", count: 43) + "="
        let configuration = try sandbox.load(
            Sandbox.directory,
            environment: ["LDAP_MFA_PROXY_BIND_PASSWORD": "very-secret-pw", "LDAP_MFA_PROXY_STORE_KEY": storeKey])
        #expect(configuration.directory.bindPassword?.utf8String == "very-secret-pw")
        var dumped = ""
        dump(configuration, to: &dumped)
        let printed = [
            String(describing: configuration), String(reflecting: configuration), "\(configuration)", dumped,
        ]
        for text in printed {
            #expect(!text.contains("very-secret-pw"))
            #expect(!text.contains(storeKey))
            #expect(text.contains("<redacted>"))
        }
        // SecretValue's own field; ByteBuffers elsewhere in the configuration dump a `_storage` of their own.
        #expect(!dumped.contains(" storage:"))
        #expect(Mirror(reflecting: SecretValue("pw")).children.isEmpty)
    }

    @Test("shows a secret as <redacted>")
    func secretValue() {
        let secret = SecretValue("pw")
        #expect(secret.description == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(secret.bytes == Array("pw".utf8))
    }
}

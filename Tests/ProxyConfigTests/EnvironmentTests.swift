import Foundation
import Testing

@testable import ProxyConfig

/// `LDAP_MFA_PROXY__SECTION__KEY` overrides and the secret variables.
@Suite("Environment overrides")
struct EnvironmentTests {
    @Test("lets an override win over the file")
    func overrideWins() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY__LISTEN__LDAP"] = "0.0.0.0:389"
        environment["ldap_mfa_proxy__Directory__Base_DN"] = "dc=other,dc=test"
        let configuration = try sandbox.load(
            Sandbox.directory + "\nlisten:\n  ldap: 127.0.0.1:3890\n", environment: environment)
        #expect(configuration.listen.ldap == ListenAddress(host: "0.0.0.0", port: 389))
        #expect(configuration.directory.baseDN.description == "dc=other,dc=test")
    }

    @Test("adds sections and keys the file does not have, lists included")
    func overrideAdds() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY__MFA__TOTP__DIGITS"] = "8"
        environment["LDAP_MFA_PROXY__DIRECTORY__SERVERS"] = "ldaps://x.example.test;ldaps://y.example.test"
        environment["LDAP_MFA_PROXY__DIRECTORY__ATTRIBUTES__USERNAME"] = "userPrincipalName, sAMAccountName"
        let configuration = try sandbox.load(Sandbox.directory, environment: environment)
        #expect(configuration.mfa.totp.digits == 8)
        #expect(configuration.directory.servers.map(\.host) == ["x.example.test", "y.example.test"])
        #expect(configuration.directory.usernameAttributes == ["userPrincipalName", "sAMAccountName"])
    }

    @Test("turns a listener off with an empty value")
    func emptyTurnsOff() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY__LISTEN__LDAP"] = ""
        let problems = sandbox.problems(Sandbox.directory, environment: environment)
        #expect(problems.map(\.keyPath) == ["listen"])
    }

    @Test("names the variable in a problem with its value, and reports unknown keys it sets")
    func problemsNameVariable() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY__LISTEN__MAX_CONNECTIONS"] = "lots"
        environment["LDAP_MFA_PROXY__LISTEN__MAX_CONECTIONS"] = "5"
        let problems = sandbox.problems(Sandbox.directory, environment: environment)
        #expect(problems.map(\.keyPath) == ["listen.max_connections", "listen.max_conections"])
        #expect(problems.allSatisfy { $0.message.contains("(set by the environment variable LDAP_MFA_PROXY__") })
        #expect(problems.last?.fix == "did you mean 'listen.max_connections'?")
    }

    @Test("reports an override below a key that holds a value")
    func overrideBelowValue() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY__DIRECTORY__BASE_DN__X"] = "1"
        let problems = sandbox.problems(Sandbox.directory, environment: environment)
        #expect(problems.map(\.keyPath) == ["directory.base_dn.x"])
        #expect(problems.first?.message.contains("'directory.base_dn' is not a section") == true)
    }

    @Test("takes the store key from LDAP_MFA_PROXY_STORE_KEY when it is 32 bytes of base64")
    func storeKey() throws {
        let sandbox = try Sandbox()
        let key = [UInt8](repeating: 7, count: 32)
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY_STORE_KEY"] = Data(key).base64EncodedString()
        let configuration = try sandbox.load(Sandbox.directory, environment: environment)
        #expect(configuration.store.encryptionKey == .environment(SecretValue(key)))

        environment["LDAP_MFA_PROXY_STORE_KEY"] = Data(key.prefix(16)).base64EncodedString()
        let problems = sandbox.problems(Sandbox.directory, environment: environment)
        #expect(problems.map(\.keyPath) == ["store.encryption_key_file"])
        #expect(problems.first?.message.contains("LDAP_MFA_PROXY_STORE_KEY") == true)
    }
}

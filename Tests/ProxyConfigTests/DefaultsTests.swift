import Testing

@testable import ProxyConfig

/// What a minimal file gives: every default the reference documents.
@Suite("Defaults")
struct DefaultsTests {
    @Test("fills in every documented default")
    func defaults() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(Sandbox.directory)
        let listen = configuration.listen
        #expect(listen.ldap == ListenAddress(host: "127.0.0.1", port: 3890))
        #expect(listen.ldaps == nil)
        #expect(listen.tls == nil)
        #expect(!listen.offersStartTLS)
        #expect(listen.maxConnections == 10_000)
        #expect(listen.idleTimeout == .seconds(600))
        #expect(listen.maxMessageSize == 1_048_576)
        #expect(listen.anonymousBinds == .relay)

        let directory = configuration.directory
        #expect(directory.bindType == .init(queries: .ssl, authentications: .ssl))
        #expect(directory.servers.map(\.verifyHostname) == [true])
        #expect(directory.servers.map(\.caFile) == [nil])
        #expect(directory.servers.map(\.starttls) == [nil])
        #expect(directory.usernameAttributes == ["uid"])
        #expect(directory.connectTimeout == .seconds(5))
        #expect(directory.operationTimeout == .seconds(10))
        #expect(directory.healthCheckInterval == .seconds(5))
        #expect(directory.quarantineInitial == .seconds(1))
        #expect(directory.quarantineMax == .seconds(60))
        #expect(directory.bindPoolSize == 32)

        #expect(configuration.mfa.provider == .totp)
        #expect(configuration.mfa.otp == .afterDelimiter(","))
        #expect(configuration.mfa.totp == .init(digits: 6, period: .seconds(30), algorithm: .sha1, window: 1))
        #expect(configuration.mfa.failMode == .secure)
        #expect(configuration.mfa.privacyIDEA == nil)
        #expect(configuration.mfa.radius == nil)
        #expect(configuration.mfa.exempt == .init(dns: [], subtrees: [], groups: [], networks: []))
        #expect(configuration.mfa.requiredGroups == [])
        #expect(configuration.mfa.requireUserMatch)
        #expect(configuration.mfa.bindCacheTTL == .zero)
        #expect(
            configuration.mfa.lockout
                == .init(maxFailures: 5, maxFailuresPerAddress: 100, window: .seconds(600), duration: .seconds(900)))
        #expect(configuration.mfa.pushKeyword == "push")
        #expect(configuration.mfa.groupCacheTTL == .seconds(60))
        #expect(configuration.mfa.usernameCacheTTL == .seconds(60))
        #expect(configuration.store.sqlitePath == sandbox.path + "/ldap-mfa-proxy.sqlite")
        #expect(configuration.store.encryptionKey == .file(sandbox.path + "/ldap-mfa-proxy.key"))
        #expect(configuration.log.level == .info)
        #expect(configuration.warnings.isEmpty)
    }

    @Test("reads durations, sizes and choices in their written forms")
    func writtenForms() throws {
        let sandbox = try Sandbox()
        let yaml = """
            listen:
              idle_timeout: 1m30s
              max_message_size: 64KiB
              anonymous_binds: REFUSE
            \(Sandbox.directory)
              connect_timeout: 250ms
              operation_timeout: 20
            log:
              level: debug
            """
        let configuration = try sandbox.load(yaml)
        #expect(configuration.listen.idleTimeout == .seconds(90))
        #expect(configuration.listen.maxMessageSize == 65_536)
        #expect(configuration.listen.anonymousBinds == .refuse)
        #expect(configuration.directory.connectTimeout == .milliseconds(250))
        #expect(configuration.directory.operationTimeout == .seconds(20))
        #expect(configuration.log.level == .debug)
    }
}

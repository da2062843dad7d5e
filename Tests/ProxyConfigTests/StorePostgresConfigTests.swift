import Foundation
import Testing

@testable import ProxyConfig

/// `store.postgres`: the URL, the password from a file or the environment, TLS modes, pool and timeout, and
/// that it excludes `store.sqlite`.
@Suite("store.postgres")
struct StorePostgresConfigTests {
    func yaml(_ postgres: String, extra: String = "") -> String {
        Sandbox.directory + "\nstore:\n\(extra)  postgres:\n" + postgres
    }

    @Test("reads the URL, the password file, the pool size and the connect timeout")
    func full() throws {
        let sandbox = try Sandbox()
        let passwordFile = try sandbox.write("pg.password", "s3cret\n")
        let ca = try sandbox.write("ca.pem", "-----BEGIN CERTIFICATE-----\n")
        let store = try sandbox.load(
            yaml(
                """
                    url: "postgres://mfa@db.example.test:6543/users?sslmode=verify-full"
                    password_file: \(passwordFile)
                    ca_file: \(ca)
                    pool_size: 20
                    connect_timeout: 3s

                """)
        ).store
        let postgres = try #require(store.postgres)
        #expect(postgres.host == "db.example.test" && postgres.port == 6543)
        #expect(postgres.username == "mfa" && postgres.database == "users")
        #expect(postgres.tlsMode == .verifyFull && postgres.caFile == ca)
        #expect(postgres.password?.utf8String == "s3cret")
        #expect(postgres.poolSize == 20 && postgres.connectTimeout == .seconds(3))
        #expect(postgres.displayURL == "postgres://mfa@db.example.test:6543/users?sslmode=verify-full")
        #expect(!"\(store)".contains("s3cret"))
    }

    @Test("defaults: port 5432, database = user, verify-full, no password, 10 connections, 10s")
    func defaults() throws {
        let sandbox = try Sandbox()
        let postgres = try #require(try sandbox.load(yaml("    url: postgres://proxy@10.0.0.5\n")).store.postgres)
        #expect(postgres.port == 5432 && postgres.database == "proxy" && postgres.tlsMode == .verifyFull)
        #expect(postgres.password == nil && postgres.poolSize == 10 && postgres.connectTimeout == .seconds(10))
        #expect(try sandbox.load(Sandbox.directory).store.postgres == nil)
    }

    @Test("the environment's password wins over the file")
    func environmentPassword() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY_STORE_POSTGRES_PASSWORD"] = "from-env"
        let configuration = try sandbox.load(
            yaml("    url: postgres://mfa@127.0.0.1/mfa?sslmode=disable\n"), environment: environment)
        #expect(configuration.store.postgres?.password?.utf8String == "from-env")
    }

    @Test("refuses a second store, a password in the URL or the file, bad URLs and modes, naming the key")
    func problems() throws {
        let sandbox = try Sandbox()
        let cases: [(String, String, String)] = [
            ("    url: postgres://mfa@h/db\n", "  sqlite: users.sqlite\n", "store.sqlite"),
            ("    url: postgres://mfa:pw@h/db\n", "", "store.postgres.url"),
            ("    url: postgres://mfa@h/db\n    password: pw\n", "", "store.postgres.password"),
            ("    url: mysql://mfa@h/db\n", "", "store.postgres.url"),
            ("    url: postgres://h/db\n", "", "store.postgres.url"),
            ("    url: postgres://mfa@h/db?sslmode=allow\n", "", "store.postgres.url"),
            ("    pool_size: 5\n", "", "store.postgres.url"),
            ("    url: postgres://mfa@h/db\n    pool_size: 0\n", "", "store.postgres.pool_size"),
            ("    url: postgres://mfa@h/db\n    ca_file: missing.pem\n", "", "store.postgres.ca_file"),
            ("    url: postgres://mfa@h/db\n    password_file: missing\n", "", "store.postgres.password_file"),
        ]
        for (postgres, extra, key) in cases {
            let found = sandbox.problems(yaml(postgres, extra: extra)).map(\.keyPath)
            #expect(found.contains(key), "\(postgres) -> \(found)")
        }
    }
}

import Foundation

extension ProxyConfiguration.Store {
    /// `store.postgres`: the user store on a PostgreSQL server, shared by every replica (OTP replay state, bind cache,
    /// lockout counters, the synchronisation lease).
    public struct Postgres: Sendable, Equatable {
        /// How the connection is protected (libpq's `sslmode` names).
        public enum TLSMode: String, Sendable, Equatable, CaseIterable {
            /// Plain TCP: only for a server on the same host or a trusted network.
            case disable
            /// TLS; the certificate is checked against `store.postgres.ca_file` when given, else not at all.
            case require
            /// TLS; the certificate must chain to `ca_file` (or the system's roots), any host name.
            case verifyCA = "verify-ca"
            /// TLS; the certificate must chain to `ca_file` (or the system's roots) and name the host.
            case verifyFull = "verify-full"
        }

        /// The server's host name or address (from `store.postgres.url`).
        public var host: String
        /// Default 5432.
        public var port: Int
        public var username: String
        /// Default: the username (as libpq does).
        public var database: String
        /// `sslmode` in the URL; default `verify-full`.
        public var tlsMode: TLSMode
        /// `store.postgres.ca_file`: PEM certificates the server's certificate must chain to.
        public var caFile: String?
        /// From `LDAP_MFA_PROXY_STORE_POSTGRES_PASSWORD`, else `store.postgres.password_file`; nil for none.
        public var password: SecretValue?
        /// `store.postgres.pool_size`: connections per process at most. Default 10.
        public var poolSize: Int
        /// `store.postgres.connect_timeout`: how long to wait for a connection. Default 10s.
        public var connectTimeout: Duration

        public init(
            host: String, port: Int = 5432, username: String, database: String, tlsMode: TLSMode = .verifyFull,
            caFile: String? = nil, password: SecretValue? = nil, poolSize: Int = 10,
            connectTimeout: Duration = .seconds(10)
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.database = database
            self.tlsMode = tlsMode
            self.caFile = caFile
            self.password = password
            self.poolSize = poolSize
            self.connectTimeout = connectTimeout
        }

        /// The URL without a password, for messages.
        public var displayURL: String {
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(username)@\(shownHost):\(port)/\(database)?sslmode=\(tlsMode.rawValue)"
        }

        /// The variable that supplies the password; it wins over `store.postgres.password_file`.
        public static let passwordVariable = "LDAP_MFA_PROXY_STORE_POSTGRES_PASSWORD"

        static let urlFix =
            "write postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full (disable, require, verify-ca or "
            + "verify-full); the password goes in store.postgres.password_file or \(passwordVariable)"

        /// Reads `store.postgres`; nil when the section is absent or empty.
        static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self? {
            guard !section.entries.isEmpty else { return nil }
            let key = section.path("url")
            reader.refuseInlineSecret(
                "password", in: section, noun: "password",
                fix: "put it in a file named by store.postgres.password_file, or set \(passwordVariable)")
            let caFile = reader.filePath("ca_file", in: section, mustBeReadable: true)
            let password = reader.secret(
                ConfigReader.SecretSource(
                    fileKeyPath: section.path("password_file"), variable: passwordVariable, noun: "password"),
                file: reader.filePath("password_file", in: section, mustBeReadable: false), missing: nil)
            let poolSize = reader.integer("pool_size", in: section, range: 1...100) ?? 10
            let timeout = reader.duration("connect_timeout", in: section, maximum: .seconds(300)) ?? .seconds(10)
            guard let (text, node) = reader.scalar("url", in: section, expected: "a postgres:// URL") else {
                reader.problem(key, "store.postgres needs the server's URL", fix: urlFix)
                return nil
            }
            guard var settings = parse(text.trimmingSpaces, key: key, node: node, reader) else { return nil }
            settings.caFile = caFile
            settings.password = password
            settings.poolSize = poolSize
            settings.connectTimeout = timeout
            if caFile != nil && settings.tlsMode == .disable {
                reader.warning(
                    section.path("ca_file"), "sslmode=disable: the CA file is not used",
                    fix: "use sslmode=verify-full in store.postgres.url, or remove ca_file")
            }
            return settings
        }

        /// `postgres://user@host:port/database?sslmode=mode` (`postgresql://` too); a password in it is refused.
        static func parse(_ text: String, key: String, node: ConfigNode, _ reader: ConfigReader) -> Self? {
            guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "postgres" || scheme == "postgresql"
            else {
                reader.problem(key, "'\(text)' is not a postgres:// URL", fix: urlFix, at: node)
                return nil
            }
            if url.password != nil {
                reader.problem(key, "a password written in the URL is refused", fix: urlFix, at: node)
                return nil
            }
            var host = url.host ?? ""
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else {
                reader.problem(key, "the URL names no host", fix: urlFix, at: node)
                return nil
            }
            guard let username = url.user, !username.isEmpty else {
                reader.problem(key, "the URL names no user (postgres://USER@HOST/...)", fix: urlFix, at: node)
                return nil
            }
            let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            var mode = TLSMode.verifyFull
            for item in url.queryItems ?? [] {
                guard item.name == "sslmode" else {
                    reader.problem(key, "the URL parameter '\(item.name)' is not supported", fix: urlFix, at: node)
                    return nil
                }
                guard let value = item.value, let chosen = TLSMode(rawValue: value) else {
                    reader.problem(
                        key, "sslmode '\(item.value ?? "")' is not supported",
                        fix: "use disable, require, verify-ca or verify-full", at: node)
                    return nil
                }
                mode = chosen
            }
            return Self(
                host: host, port: url.port ?? 5432, username: username, database: path.isEmpty ? username : path,
                tlsMode: mode)
        }
    }
}

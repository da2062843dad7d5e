import Foundation

extension ProxyConfiguration {
    /// `store`: the user store (SQLite, or PostgreSQL shared by replicas) and the key its OTP secrets are encrypted
    /// with.
    public struct Store: Sendable, Equatable {
        /// `store.sqlite`: the database file (absolute path), created when absent. Default
        /// `ldap-mfa-proxy.sqlite` beside the configuration file. Unused when ``postgres`` is set.
        public var sqlitePath: String
        /// Where the encryption key comes from: `LDAP_MFA_PROXY_STORE_KEY`, else `store.encryption_key_file`
        /// (default `ldap-mfa-proxy.key` beside the configuration file).
        public var encryptionKey: EncryptionKeySource
        /// `store.postgres`: a PostgreSQL server instead of the SQLite file; nil for SQLite (the default).
        public var postgres: Postgres?

        public init(sqlitePath: String, encryptionKey: EncryptionKeySource, postgres: Postgres? = nil) {
            self.sqlitePath = sqlitePath
            self.encryptionKey = encryptionKey
            self.postgres = postgres
        }
    }
}

extension ProxyConfiguration.Store {
    /// Where the store's encryption key comes from.
    public enum EncryptionKeySource: Sendable, Equatable {
        /// A key file (absolute path); the store creates it with a fresh random key on first use when absent.
        case file(String)
        /// The 32-byte key given by `LDAP_MFA_PROXY_STORE_KEY` (base64).
        case environment(SecretValue)
    }

    /// The variable that supplies the key (base64 of 32 bytes); it wins over `store.encryption_key_file`.
    public static let keyVariable = "LDAP_MFA_PROXY_STORE_KEY"

    /// Reads and checks `store`.
    static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
        let postgres = Postgres.decode(reader.section("postgres", in: section), reader)
        if postgres != nil, let node = reader.node("sqlite", in: section), !node.isNull {
            reader.problem(
                "store.sqlite", "store.sqlite and store.postgres are both set; the store is one or the other",
                fix: "remove store.sqlite to use PostgreSQL, or store.postgres to use the SQLite file", at: node)
        }
        let sqlite =
            postgres == nil
            ? path("sqlite", default: "ldap-mfa-proxy.sqlite", in: section, reader)
            : FileReading.absolute("ldap-mfa-proxy.sqlite", base: reader.baseDirectory)
        let keyFile = path("encryption_key_file", default: "ldap-mfa-proxy.key", in: section, reader)
        guard let encoded = reader.environment[keyVariable] else {
            return Self(sqlitePath: sqlite, encryptionKey: .file(keyFile), postgres: postgres)
        }
        if reader.node("encryption_key_file", in: section) != nil {
            reader.warning(
                "store.encryption_key_file", "\(keyVariable) is set and wins; the file is not used",
                fix: "set only one of them")
        }
        guard let key = Data(base64Encoded: encoded.trimmingSpaces), key.count == 32 else {
            reader.problem(
                "store.encryption_key_file", "\(keyVariable) is not the base64 form of 32 bytes",
                fix: "set it to the output of: openssl rand -base64 32")
            return Self(sqlitePath: sqlite, encryptionKey: .file(keyFile), postgres: postgres)
        }
        return Self(sqlitePath: sqlite, encryptionKey: .environment(SecretValue(Array(key))), postgres: postgres)
    }

    private static func path(
        _ key: String, default name: String, in section: ConfigReader.Section, _ reader: ConfigReader
    ) -> String {
        let path =
            reader.filePath(key, in: section, mustBeReadable: false)
            ?? FileReading.absolute(name, base: reader.baseDirectory)
        if !FileReading.parentFolderExists(of: path) {
            reader.problem(
                section.path(key), "the folder of '\(path)' does not exist",
                fix: "create the folder, or choose a path in an existing one", at: reader.node(key, in: section))
        }
        return path
    }
}

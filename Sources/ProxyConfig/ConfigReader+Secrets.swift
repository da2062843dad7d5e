/// Secrets: never written in the file; read from an environment variable, else from a file.
extension ConfigReader {
    /// Where one secret may come from, and how to talk about it in problems.
    struct SecretSource {
        /// The key of the file, such as `directory.bind_password_file`.
        let fileKeyPath: String
        /// The variable that wins over the file, such as `LDAP_MFA_PROXY_BIND_PASSWORD`.
        let variable: String
        /// What the secret is, for messages: `password`, `shared secret`.
        let noun: String
    }

    /// Refuses an inline secret at `key` (such as `directory.bind_password`), and keeps `key` out of suggestions.
    func refuseInlineSecret(_ key: String, in section: Section, noun: String, fix: String) {
        neverSuggest(key, in: section)
        if let inline = node(key, in: section) {
            problem(section.path(key), "a \(noun) written in the configuration is refused", fix: fix, at: inline)
        }
    }

    /// The secret from `source.variable` when set (which then wins over `file`), else from `file`.
    ///
    /// - Parameter missing: the message and fix when neither is set; nil when the secret is optional.
    func secret(
        _ source: SecretSource, file: String?, missing: (message: String, fix: String)?
    ) -> SecretValue? {
        let key = source.fileKeyPath
        if let value = environment[source.variable] {
            if file != nil {
                warning(key, "\(source.variable) is set and wins; the file is not read", fix: "set only one of them")
            }
            guard !value.isEmpty else {
                problem(key, "\(source.variable) is set but empty", fix: "give it the \(source.noun), or unset it")
                return nil
            }
            return SecretValue(value)
        }
        guard let file else {
            if let missing { problem(key, missing.message, fix: missing.fix) }
            return nil
        }
        switch FileReading.secret(at: file) {
        case .success(let secret):
            return secret
        case .failure(.unreadable(let reason)):
            problem(
                key, "cannot read '\(file)': \(reason)",
                fix: "create the file holding only the \(source.noun) (one trailing line break is ignored) and let "
                    + "the proxy's user read it, or set \(source.variable)")
        case .failure(.empty):
            problem(
                key, "the \(source.noun) file '\(file)' is empty",
                fix: "write the \(source.noun) into it, or set \(source.variable)")
        }
        return nil
    }
}

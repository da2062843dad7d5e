/// The generic environment override: `LDAP_MFA_PROXY__LISTEN__LDAP=0.0.0.0:389` sets `listen.ldap`.
///
/// The prefix is `LDAP_MFA_PROXY__`; double underscores separate the path segments, which are matched in any case
/// (the keys are lower case). The value replaces the file's value, or is added where the file has none, before
/// validation, so it is checked like any other value and problems with it name the variable. The value is
/// text; lists that have a text form take it (`directory.servers` as `"a;b"`, `directory.attributes.username` as
/// `"a,b"`). An empty value is an empty text, which turns `listen.ldap` or `listen.ldaps` off.
enum EnvironmentOverrides {
    /// The prefix of override variables.
    static let prefix = "LDAP_MFA_PROXY__"

    /// Applies every override in `environment` to `root`, in order of variable name.
    static func apply(_ environment: [String: String], to root: inout ConfigNode, reader: ConfigReader) {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard name.uppercased().hasPrefix(prefix) else { continue }
            let segments = name.dropFirst(prefix.count).components(separatedBy: "__").map { $0.lowercased() }
            guard !segments.contains(where: \.isEmpty) else {
                reader.problem(
                    "", "the environment variable \(name) does not name a key",
                    fix: "write the key path with double underscores, such as LDAP_MFA_PROXY__LISTEN__LDAP")
                continue
            }
            let scalar = ConfigNode(value: .scalar(value, isNull: false), origin: .environment(name))
            if let conflict = set(scalar, at: segments[...], in: &root) {
                reader.problem(
                    segments.joined(separator: "."),
                    "the environment variable \(name) cannot set this key: '\(conflict)' is not a section",
                    fix: "name a key inside a section, such as \(prefix)DIRECTORY__BASE_DN")
            }
        }
    }

    /// Sets `value` at `path` under `node`, replacing what was there and adding sections on the way. When a value
    /// on the way is not a section, returns its key path relative to `node` (`""` for `node` itself).
    private static func set(_ value: ConfigNode, at path: ArraySlice<String>, in node: inout ConfigNode) -> String? {
        guard let key = path.first else { return nil }
        if node.isNull {
            node = ConfigNode(value: .mapping([]), origin: node.origin)
        }
        guard case .mapping(var entries) = node.value else { return "" }
        let index = entries.firstIndex { $0.key == key }
        if path.count == 1 {
            if let index { entries[index].value = value } else { entries.append((key, value)) }
        } else {
            var child = index.map { entries[$0].value } ?? ConfigNode(value: .mapping([]), origin: value.origin)
            if let conflict = set(value, at: path.dropFirst(), in: &child) {
                return conflict.isEmpty ? key : "\(key).\(conflict)"
            }
            if let index { entries[index].value = child } else { entries.append((key, child)) }
        }
        node.value = .mapping(entries)
        return nil
    }
}

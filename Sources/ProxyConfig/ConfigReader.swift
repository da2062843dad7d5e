/// Walks a ``ConfigNode`` tree section by section, collecting every problem and warning on the way.
///
/// Decoders ask for keys by name; the reader remembers which keys each section was asked for, so that
/// ``reportUnknownKeys()`` can name every key nobody asked for and suggest the closest known one. Reference type
/// so that decoders can share one collector; it lives only for one load.
final class ConfigReader {
    /// One mapping of the file and its key path (`""` for the top level).
    struct Section {
        let path: String
        let entries: [(key: String, value: ConfigNode)]

        /// The key path of `key` inside this section.
        func path(_ key: String) -> String {
            path.isEmpty ? key : "\(path).\(key)"
        }
    }

    /// Problems that stop the configuration from loading.
    private(set) var problems: [ConfigProblem] = []
    /// Notes that do not.
    private(set) var warnings: [ConfigProblem] = []
    /// The folder relative paths are taken from.
    let baseDirectory: String
    /// The environment, for secrets.
    let environment: [String: String]

    private var sections: [Section] = []
    private var asked: [String: [String]] = [:]
    private var neverSuggested: Set<String> = []

    init(baseDirectory: String, environment: [String: String]) {
        self.baseDirectory = baseDirectory
        self.environment = environment
    }

    /// The top-level section; a document that is not a mapping is a problem.
    func root(_ node: ConfigNode) -> Section {
        guard case .mapping(let entries) = node.value else {
            if !node.isNull {
                problem(
                    "",
                    "the file must be a set of sections (listen:, directory:, mfa:, store:, log:), found "
                        + node.shownAs, fix: "start from one of the examples in Config/", at: node)
            }
            return Section(path: "", entries: [])
        }
        return register(Section(path: "", entries: entries))
    }

    /// The section under `key`; an empty one when it is absent or empty, and a problem when it is not a mapping.
    func section(_ key: String, in parent: Section) -> Section {
        let path = parent.path(key)
        guard let node = node(key, in: parent) else { return Section(path: path, entries: []) }
        return section(node, path: path)
    }

    /// `node` as a section at `path` (used for items of a list, such as `directory.servers[1]`).
    func section(_ node: ConfigNode, path: String) -> Section {
        switch node.value {
        case .mapping(let entries):
            return register(Section(path: path, entries: entries))
        case .scalar(_, isNull: true):
            return Section(path: path, entries: [])
        default:
            problem(
                path, "expected a section (key: value pairs), found \(node.shownAs)",
                fix: "indent the keys of '\(path)' under it", at: node)
            return Section(path: path, entries: [])
        }
    }

    /// The value under `key`, null included, or nil when the key is absent. Records that `key` is known here.
    func node(_ key: String, in section: Section) -> ConfigNode? {
        if !(asked[section.path]?.contains(key) ?? false) {
            asked[section.path, default: []].append(key)
        }
        return section.entries.first { $0.key == key }?.value
    }

    /// Marks `key` as known but never to be suggested for a misspelt key (a refused key such as `bind_password`).
    func neverSuggest(_ key: String, in section: Section) {
        neverSuggested.insert(section.path(key))
    }

    /// Records a problem at `keyPath`; when `node` came from the environment, the message names the variable.
    func problem(_ keyPath: String, _ message: String, fix: String, at node: ConfigNode? = nil) {
        problems.append(ConfigProblem(keyPath: keyPath, message: message + Self.origin(of: node), fix: fix))
    }

    /// Records a non-fatal note at `keyPath`.
    func warning(_ keyPath: String, _ message: String, fix: String, at node: ConfigNode? = nil) {
        warnings.append(ConfigProblem(keyPath: keyPath, message: message + Self.origin(of: node), fix: fix))
    }

    /// Reports every key of every visited section that no decoder asked for, with the closest known key.
    func reportUnknownKeys() {
        for section in sections {
            let known = asked[section.path] ?? []
            for (key, value) in section.entries where !known.contains(key) {
                let keyPath = section.path(key)
                problem(keyPath, "unknown key '\(keyPath)'", fix: suggestion(for: key, in: section), at: value)
            }
        }
    }

    private func suggestion(for key: String, in section: Section) -> String {
        let known = (asked[section.path] ?? []).filter { !neverSuggested.contains(section.path($0)) }
        let lowered = key.lowercased()
        let ranked = known.map { (key: $0, distance: EditDistance.between(lowered, $0)) }
        let closest = ranked.min { $0.distance < $1.distance }
        if let closest, closest.distance <= 1 {
            return "did you mean '\(section.path(closest.key))'?"
        }
        let elsewhere = asked.keys.sorted().filter { $0 != section.path && asked[$0]?.contains(lowered) == true }
        if let path = elsewhere.first {
            let full = path.isEmpty ? lowered : "\(path).\(lowered)"
            return "did you mean '\(full)'? Move it into that section"
        }
        if let closest, closest.distance <= max(2, key.count / 2) {
            return "did you mean '\(section.path(closest.key))'?"
        }
        let list = known.map { "'\($0)'" }.joined(separator: ", ")
        return known.isEmpty ? "remove it" : "remove it or correct its name; known keys here: \(list)"
    }

    private func register(_ section: Section) -> Section {
        sections.append(section)
        return section
    }

    private static func origin(of node: ConfigNode?) -> String {
        guard case .environment(let name)? = node?.origin else { return "" }
        return " (set by the environment variable \(name))"
    }
}

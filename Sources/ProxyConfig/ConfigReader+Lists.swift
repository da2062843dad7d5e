import LDAPCore

/// Lists whose items are checked one by one, so that a problem names the item: `mfa.exempt.dns[1]`.
extension ConfigReader {
    /// One item of a list: its key path (`mfa.radius.servers[1]`), its text, and the node it came from (for a list
    /// written as one text, the whole text's node).
    struct ListItem {
        let path: String
        let text: String
        let node: ConfigNode
    }

    /// The items under `key`, each turned into a value by `item` in list order (which records a problem and
    /// returns nil for an item it refuses, so problems come in list order). The list is a YAML list of texts, or one
    /// text split at any of `separators` (so that an environment variable can set a list). Nil when the key is
    /// absent or null; `""` is an empty list. An empty item in a text (`"a;;b"`) or an item that is not text is a
    /// problem naming its index, and is left out.
    ///
    /// - Parameters:
    ///   - separators: where a text is split; a separator escaped with a backslash is not split at (DNs).
    ///   - fix: how to write an item, for the problems.
    func list<Value>(
        _ key: String, in section: Section, separators: Set<Character>, fix: String,
        item: (ListItem) -> Value?
    ) -> [Value]? {
        guard let node = node(key, in: section), !node.isNull else { return nil }
        let path = section.path(key)
        var values: [Value] = []
        switch node.value {
        case .scalar(let text, _):
            guard !text.trimmingSpaces.isEmpty else { return [] }
            for (index, part) in Self.split(text, at: separators).enumerated() {
                let trimmed = part.trimmingSpaces
                guard !trimmed.isEmpty else {
                    problem("\(path)[\(index)]", "the item is empty", fix: "remove the extra separator", at: node)
                    continue
                }
                if let value = item(ListItem(path: "\(path)[\(index)]", text: trimmed, node: node)) {
                    values.append(value)
                }
            }
        case .sequence(let nodes):
            for (index, child) in nodes.enumerated() {
                guard let text = child.scalar else {
                    problem("\(path)[\(index)]", "expected text, found \(child.shownAs)", fix: fix, at: child)
                    continue
                }
                guard !text.trimmingSpaces.isEmpty else {
                    problem(
                        "\(path)[\(index)]", "the item is empty", fix: "write a value, or remove the item", at: child)
                    continue
                }
                if let value = item(ListItem(path: "\(path)[\(index)]", text: text.trimmingSpaces, node: child)) {
                    values.append(value)
                }
            }
        case .mapping:
            problem(path, "expected a list, found \(node.shownAs)", fix: "write a list such as [a, b]", at: node)
            return nil
        }
        return values
    }

    /// A list of distinguished names, each checked with ``DistinguishedName/init(parsing:)``; the root DN is
    /// refused (an empty item already is), since as a subtree it would exempt every entry. Written as a YAML list, or as one text with `;` between
    /// the DNs. Nil when the key is absent.
    func distinguishedNames(_ key: String, in section: Section) -> [DistinguishedName]? {
        let fix = "write one DN per list item, such as ou=service,dc=example,dc=com"
        return list(key, in: section, separators: [";"], fix: fix) { item in
            guard let name = distinguishedName(item.text, path: item.path, node: item.node) else { return nil }
            guard !name.isRoot else {
                problem(
                    item.path, "the DN is empty, which would match every entry", fix: "write a DN, or remove the item",
                    at: item.node)
                return nil
            }
            return name
        }
    }

    /// `text` parsed as a DN; a problem at `path` when it is not one.
    func distinguishedName(_ text: String, path: String, node: ConfigNode) -> DistinguishedName? {
        do {
            return try DistinguishedName(parsing: text)
        } catch {
            problem(
                path, "'\(text)' is not a distinguished name: \(error.message) (at byte \(error.offset))",
                fix: "write it as RFC 4514 does, such as cn=reader,ou=service,dc=example,dc=com; "
                    + "escape ',', '+', '\"', '\\', '<', '>' and ';' in values with a backslash", at: node)
            return nil
        }
    }

    /// `text` split at every separator that is not escaped with a backslash; empty parts kept.
    static func split(_ text: String, at separators: Set<Character>) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if separators.contains(character) {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}

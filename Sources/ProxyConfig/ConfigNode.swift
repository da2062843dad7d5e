import Yams

/// A YAML value as the configuration reader sees it: scalars as text, mappings in file order, and where each value
/// came from (a line and column of the file, or an environment variable) for messages.
struct ConfigNode: Sendable {
    /// Where a value was written.
    enum Origin: Sendable, Equatable {
        /// In the file, 1-based.
        case file(line: Int, column: Int)
        /// In an environment variable of this name.
        case environment(String)
        /// Made up by the reader (an empty document).
        case none
    }

    /// The shape of a value.
    enum Value: Sendable {
        /// A scalar's text; `isNull` for an empty, `~` or `null` plain scalar.
        case scalar(String, isNull: Bool)
        /// A mapping's entries in file order.
        case mapping([(key: String, value: ConfigNode)])
        /// A sequence's items.
        case sequence([ConfigNode])
    }

    var value: Value
    var origin: Origin

    /// The scalar's text, if this is a non-null scalar.
    var scalar: String? {
        if case .scalar(let text, let isNull) = value, !isNull { return text }
        return nil
    }

    /// Whether this is a null scalar (`key:` with nothing after it, `~`, `null`).
    var isNull: Bool {
        if case .scalar(_, let isNull) = value { return isNull }
        return false
    }

    /// Whether this is a list without items, or a text of only spaces (the text form of an empty list).
    var isEmptyList: Bool {
        switch value {
        case .scalar(let text, let isNull): !isNull && text.trimmingSpaces.isEmpty
        case .sequence(let items): items.isEmpty
        case .mapping: false
        }
    }

    /// How to name this value's kind in a type mismatch: `'many'`, `a section`, `a list`.
    var shownAs: String {
        switch value {
        case .scalar(let text, let isNull): isNull ? "nothing" : "'\(text)'"
        case .mapping: "a section (key: value pairs)"
        case .sequence: "a list"
        }
    }

    /// Parses YAML text into a tree; an empty document is an empty mapping.
    ///
    /// - Throws: ``ConfigError`` with one problem for a syntax error, naming the line and column.
    static func compose(yaml: String) throws(ConfigError) -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(problems: [YAMLSyntax.problem(for: error)])
        } catch {
            throw ConfigError(problems: [
                ConfigProblem(
                    keyPath: "", message: "the file is not valid YAML: \(error)", fix: "correct the YAML syntax")
            ])
        }
        guard let node else { return ConfigNode(value: .mapping([]), origin: .none) }
        do {
            return try ConfigNode(node)
        } catch {
            throw ConfigError(problems: [error.problem])
        }
    }

    init(value: Value, origin: Origin) {
        self.value = value
        self.origin = origin
    }

    private init(_ node: Node) throws(NodeError) {
        let mark = node.mark
        origin = mark.map { .file(line: $0.line, column: $0.column) } ?? .none
        switch node {
        case .scalar(let scalar):
            let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]
            value = .scalar(scalar.string, isNull: scalar.style == .plain && nullSpellings.contains(scalar.string))
        case .mapping(let mapping):
            var entries: [(key: String, value: ConfigNode)] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw NodeError(problem: YAMLSyntax.problem("a key must be plain text", at: key.mark))
                }
                entries.append((keyScalar.string, try ConfigNode(value)))
            }
            value = .mapping(entries)
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for item in sequence {
                items.append(try ConfigNode(item))
            }
            value = .sequence(items)
        case .alias:
            throw NodeError(problem: YAMLSyntax.problem("unresolved alias", at: mark))
        }
    }
}

/// A YAML tree the reader cannot take, such as a key that is a list.
struct NodeError: Error {
    let problem: ConfigProblem
}

/// Turns Yams errors into problems that name the line and column.
enum YAMLSyntax {
    static func problem(for error: YamlError) -> ConfigProblem {
        switch error {
        case .scanner(let context, let text, let mark, _), .parser(let context, let text, let mark, _),
            .composer(let context, let text, let mark, _):
            let detail = context.map { "\(text) (\($0.text) at line \($0.mark.line), column \($0.mark.column))" }
            return problem(detail ?? text, at: mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigProblem(
                keyPath: "",
                message: "YAML error at line \(context.mark.line), column \(context.mark.column): "
                    + "key \(keys) appears more than once in the same section",
                fix: "keep one of them")
        case .reader(let text, let offset, _, _):
            return ConfigProblem(
                keyPath: "", message: "the file is not readable YAML (\(text) at byte \(offset ?? 0))",
                fix: "save the file as UTF-8 text")
        default:
            return ConfigProblem(
                keyPath: "", message: "the file is not valid YAML: \(error)", fix: "correct the YAML syntax")
        }
    }

    static func problem(_ text: String, at mark: Mark?) -> ConfigProblem {
        let place = mark.map { "at line \($0.line), column \($0.column)" } ?? "somewhere"
        return ConfigProblem(
            keyPath: "",
            message: "YAML syntax error \(place): \(text)",
            fix: "correct the YAML there: indent with spaces, write 'key: value', and quote values that "
                + "hold ': ' or ' #'")
    }
}

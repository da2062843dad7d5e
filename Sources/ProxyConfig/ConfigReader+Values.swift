import LDAPCore

/// Typed getters: each returns nil when the key is absent or empty, and records a problem (and returns nil) when
/// the value has the wrong type or is out of range.
extension ConfigReader {
    /// The text under `key`; a problem when it is a section or a list.
    func string(_ key: String, in section: Section) -> String? {
        scalar(key, in: section, expected: "text")?.text
    }

    /// An integer within `range`.
    func integer(_ key: String, in section: Section, range: ClosedRange<Int>) -> Int? {
        guard let (text, node) = scalar(key, in: section, expected: "an integer") else { return nil }
        guard let value = ValueSyntax.integer(text) else {
            problem(
                section.path(key), "expected an integer, found '\(text)'",
                fix: "write a whole number between \(range.lowerBound) and \(range.upperBound)", at: node)
            return nil
        }
        return checked(value, in: range, key: key, section: section, node: node, shown: "\(value)")
    }

    /// A byte count within `range` (`1048576`, `64KiB`, `1MiB`).
    func byteCount(_ key: String, in section: Section, range: ClosedRange<Int>) -> Int? {
        guard let (text, node) = scalar(key, in: section, expected: "a size in bytes") else { return nil }
        guard let value = ValueSyntax.byteCount(text) else {
            problem(
                section.path(key), "expected a size in bytes, found '\(text)'",
                fix: "write a number of bytes, or a number with KiB or MiB, such as 1MiB", at: node)
            return nil
        }
        return checked(value, in: range, key: key, section: section, node: node, shown: "\(value) bytes")
    }

    /// `true` or `false` (`yes`/`no`, `on`/`off` too).
    func boolean(_ key: String, in section: Section) -> Bool? {
        guard let (text, node) = scalar(key, in: section, expected: "true or false") else { return nil }
        guard let value = ValueSyntax.boolean(text) else {
            problem(section.path(key), "expected true or false, found '\(text)'", fix: "write true or false", at: node)
            return nil
        }
        return value
    }

    /// A duration greater than zero (or at least `minimum`, when given) and at most `maximum` (`250ms`, `30s`,
    /// `10m`, `1h`, or bare seconds). With a `minimum` of zero, `0` is accepted (for settings that 0 turns off).
    func duration(
        _ key: String, in section: Section, minimum: Duration? = nil, maximum: Duration = .seconds(86_400)
    ) -> Duration? {
        guard let (text, node) = scalar(key, in: section, expected: "a duration") else { return nil }
        let fix = "write a duration such as 250ms, 30s, 10m or 1h (a bare number is seconds)"
        guard let value = ValueSyntax.duration(text) else {
            problem(section.path(key), "expected a duration, found '\(text)'", fix: fix, at: node)
            return nil
        }
        let most = ValueSyntax.text(of: maximum)
        if let minimum {
            guard value >= minimum, value <= maximum else {
                let least = minimum == .zero ? "0" : ValueSyntax.text(of: minimum)
                problem(
                    section.path(key), "must be from \(least) to \(most), found '\(text)'",
                    fix: "choose a duration from \(least) to \(most), such as 30s", at: node)
                return nil
            }
        } else if value <= .zero || value > maximum {
            problem(
                section.path(key), "must be greater than zero and at most \(most), found '\(text)'", fix: fix,
                at: node)
            return nil
        }
        return value
    }

    /// One of the cases of `T`, matched without regard to case.
    func choice<T: RawRepresentable<String> & CaseIterable>(_ key: String, in section: Section) -> T? {
        guard let (text, node) = scalar(key, in: section, expected: "a name") else { return nil }
        let lowered = text.trimmingSpaces.lowercased()
        if let value = T.allCases.first(where: { $0.rawValue.lowercased() == lowered }) {
            return value
        }
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        problem(section.path(key), "unknown value '\(text)'", fix: "use one of: \(names)", at: node)
        return nil
    }

    /// A list of texts; a single text is split at commas, so an environment variable can set a list.
    func stringList(_ key: String, in section: Section) -> [String]? {
        guard let node = node(key, in: section), !node.isNull else { return nil }
        switch node.value {
        case .scalar(let text, _):
            return text.split(separator: ",").map { String($0).trimmingSpaces }
        case .sequence(let items):
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard let text = item.scalar else {
                    problem(
                        "\(section.path(key))[\(index)]", "expected text, found \(item.shownAs)",
                        fix: "write one name per list item", at: item)
                    continue
                }
                result.append(text.trimmingSpaces)
            }
            return result
        case .mapping:
            problem(
                section.path(key), "expected a list, found \(node.shownAs)",
                fix: "write a list such as [a, b]", at: node)
            return nil
        }
    }

    /// A path, made absolute against ``baseDirectory``; with `mustBeReadable`, a problem when no readable file is
    /// there.
    func filePath(_ key: String, in section: Section, mustBeReadable: Bool) -> String? {
        guard let (text, node) = scalar(key, in: section, expected: "a file path") else { return nil }
        guard !text.trimmingSpaces.isEmpty else {
            problem(section.path(key), "the path is empty", fix: "write the path of the file", at: node)
            return nil
        }
        let path = FileReading.absolute(text.trimmingSpaces, base: baseDirectory)
        if mustBeReadable, let reason = FileReading.unreadableReason(path) {
            problem(
                section.path(key), "cannot read '\(path)': \(reason)",
                fix: "check the path (relative paths start at the configuration file's folder) and its permissions",
                at: node)
        }
        return path
    }

    /// A distinguished name (RFC 4514), checked with ``DistinguishedName/init(parsing:)``.
    func distinguishedName(_ key: String, in section: Section) -> DistinguishedName? {
        guard let (text, node) = scalar(key, in: section, expected: "a distinguished name") else { return nil }
        return distinguishedName(text, path: section.path(key), node: node)
    }

    /// The scalar text under `key` and its node; nil when absent or null; a problem when not a scalar.
    func scalar(_ key: String, in section: Section, expected: String) -> (text: String, node: ConfigNode)? {
        guard let node = node(key, in: section), !node.isNull else { return nil }
        guard let text = node.scalar else {
            problem(
                section.path(key), "expected \(expected), found \(node.shownAs)",
                fix: "write a single value after '\(key):'", at: node)
            return nil
        }
        return (text, node)
    }

    private func checked(
        _ value: Int, in range: ClosedRange<Int>, key: String, section: Section, node: ConfigNode, shown: String
    ) -> Int? {
        guard range.contains(value) else {
            problem(
                section.path(key), "must be between \(range.lowerBound) and \(range.upperBound), found \(shown)",
                fix: "choose a value from \(range.lowerBound) to \(range.upperBound)", at: node)
            return nil
        }
        return value
    }
}

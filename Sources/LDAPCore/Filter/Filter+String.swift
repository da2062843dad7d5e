import NIOCore

extension Filter: CustomStringConvertible, CustomDebugStringConvertible {
    /// Parses the string representation of a search filter (RFC 4515 §3).
    ///
    /// The whole grammar is accepted: `&`, `|` and `!` (and the empty `(&)` and `(|)`, the absolute
    /// true and false filters of RFC 4526 §2), `=`, `~=`, `>=`, `<=`, presence `(cn=*)`, substrings
    /// `(cn=a*b*c)`, and extensible matches in every form, `(cn:dn:2.5.13.5:=John)`,
    /// `(:dn:2.4.6.8.10:=Dino)`, `(groupType:1.2.840.113556.1.4.804:=2)`. Attribute descriptions
    /// and matching rules must follow RFC 4512 §1.4 and §2.5 (a name or a numeric OID, then
    /// `;option`s); they are kept as written.
    ///
    /// Values are UTF-8 text with the escapes of RFC 4515 §3: `\XX`, two hexadecimal digits in either
    /// case, stands for one arbitrary byte (so `(objectGUID=\01\ff...)` holds binary data). `(`, `)`,
    /// `\`, NUL, and `*` outside a substring filter must be escaped. Note that `\2c` yields a plain
    /// comma in the assertion value: a DN value that needs an escaped comma is written `\5c2c`.
    ///
    /// Choices a reader should know:
    /// - A single comparison may omit its parentheses, as `ldapsearch` allows: `cn=alice` is
    ///   `(cn=alice)`. `&`, `|` and `!` always need them.
    /// - No whitespace is allowed outside values, and nothing may follow the filter.
    /// - An empty middle component of a substring filter, as in `(cn=a**b)`, is refused; the empty
    ///   first and last components of `(cn=*a*)` mean "no initial" and "no final".
    /// - `maxDepth` counts filters on the deepest path, leaf included, exactly as
    ///   ``init(from:maxDepth:)`` does for BER: `(cn=a)` has depth 1, `(!(cn=a))` depth 2. The parser
    ///   itself never recurses, whatever the input, but keep the limit small: the tree it returns is
    ///   compared, hashed and freed recursively.
    ///
    /// - Throws: ``FilterParseError`` with the byte offset of the first problem.
    public init(parsing string: String, maxDepth: Int = Filter.defaultMaxDepth) throws(FilterParseError) {
        var parser = FilterStringParser(Array(string.utf8), maxDepth: maxDepth)
        self = try parser.parse()
    }

    /// The filter in RFC 4515 §3 form, always parenthesised, e.g. `(&(objectClass=user)(cn=J*))`.
    ///
    /// In values, `*`, `(`, `)`, `\`, NUL and every byte outside printable ASCII are written as `\xx`
    /// with lowercase hex (RFC 4515 §3 allows any byte to be escaped), so binary and non-ASCII
    /// values print safely: `Lučić` prints as `Lu\c4\8di\c4\87`. `Filter(parsing: f.description)`
    /// equals `f` for every filter whose attribute descriptions and matching rules are valid and
    /// whose substring filters have non-empty components (which includes every parsed filter), with
    /// one exception the grammar cannot express: a matching rule named `dn` without dnAttributes.
    /// Bytes of other attribute descriptions that the grammar forbids are escaped too, which keeps
    /// the text printable and makes it fail to parse rather than parse as something else.
    public var description: String {
        var out: [UInt8] = []
        var work: [DescriptionStep] = [.filter(self)]
        // An explicit work list instead of recursion, so that no filter can exhaust the stack here.
        while let step = work.popLast() {
            switch step {
            case .close:
                out.append(UInt8(ascii: ")"))
            case .filter(let filter):
                filter.appendDescription(to: &out, work: &work)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The same text as ``description``.
    public var debugDescription: String { description }

    private enum DescriptionStep {
        case filter(Filter)
        case close
    }

    /// Writes this filter, or only its opening for `&`, `|` and `!`, whose rest goes on `work`.
    private func appendDescription(to out: inout [UInt8], work: inout [DescriptionStep]) {
        switch self {
        case .and(let filters), .or(let filters):
            let opening = if case .and = self { "(&" } else { "(|" }
            out.append(contentsOf: opening.utf8)
            work.append(.close)
            work.append(contentsOf: filters.reversed().map { .filter($0) })
        case .not(let filter):
            out.append(contentsOf: "(!".utf8)
            work.append(.close)
            work.append(.filter(filter))
        case .equalityMatch(let ava): Self.appendComparison(ava, "=", to: &out)
        case .greaterOrEqual(let ava): Self.appendComparison(ava, ">=", to: &out)
        case .lessOrEqual(let ava): Self.appendComparison(ava, "<=", to: &out)
        case .approxMatch(let ava): Self.appendComparison(ava, "~=", to: &out)
        case .present(let attribute):
            out.append(UInt8(ascii: "("))
            Self.appendName(attribute, allowingOptions: true, to: &out)
            out.append(contentsOf: "=*)".utf8)
        case .substrings(let substrings):
            out.append(UInt8(ascii: "("))
            Self.appendName(substrings.attributeDescription, allowingOptions: true, to: &out)
            out.append(UInt8(ascii: "="))
            if let initial = substrings.initial { Self.appendValue(initial, to: &out) }
            out.append(UInt8(ascii: "*"))
            for value in substrings.any {
                Self.appendValue(value, to: &out)
                out.append(UInt8(ascii: "*"))
            }
            if let final = substrings.final { Self.appendValue(final, to: &out) }
            out.append(UInt8(ascii: ")"))
        case .extensibleMatch(let assertion):
            out.append(UInt8(ascii: "("))
            if let type = assertion.type { Self.appendName(type, allowingOptions: true, to: &out) }
            if assertion.dnAttributes { out.append(contentsOf: ":dn".utf8) }
            if let rule = assertion.matchingRule {
                out.append(UInt8(ascii: ":"))
                Self.appendName(rule, allowingOptions: false, to: &out)
            }
            out.append(contentsOf: ":=".utf8)
            Self.appendValue(assertion.matchValue, to: &out)
            out.append(UInt8(ascii: ")"))
        }
    }

    private static func appendComparison(_ ava: AttributeValueAssertion, _ type: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "("))
        appendName(ava.attributeDescription, allowingOptions: true, to: &out)
        out.append(contentsOf: type.utf8)
        appendValue(ava.assertionValue, to: &out)
        out.append(UInt8(ascii: ")"))
    }

    /// Writes an attribute description or matching rule, escaping bytes its grammar never holds.
    private static func appendName(_ name: String, allowingOptions: Bool, to out: inout [UInt8]) {
        for byte in name.utf8 {
            if FilterGrammar.isNameByte(byte) || (allowingOptions && byte == UInt8(ascii: ";")) {
                out.append(byte)
            } else {
                appendEscape(byte, to: &out)
            }
        }
    }

    /// Writes an assertion value as `valueencoding` (RFC 4515 §3).
    private static func appendValue(_ value: ByteBuffer, to out: inout [UInt8]) {
        for byte in value.readableBytesView {
            switch byte {
            case UInt8(ascii: "*"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                appendEscape(byte, to: &out)
            case 0x20...0x7E:
                out.append(byte)
            default:
                appendEscape(byte, to: &out)
            }
        }
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        out.append(UInt8(ascii: "\\"))
        out.append(digits.utf8Start[Int(byte >> 4)])
        out.append(digits.utf8Start[Int(byte & 0x0F)])
    }
}

/// Character classes and productions of RFC 4512 §1.4 used by the filter grammar.
enum FilterGrammar {
    static func isAlpha(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `keychar = ALPHA / DIGIT / HYPHEN`.
    static func isKeychar(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "-") }

    /// A byte of a `descr` or a `numericoid`.
    static func isNameByte(_ byte: UInt8) -> Bool { isKeychar(byte) || byte == UInt8(ascii: ".") }

    static func hexValue(_ byte: UInt8?) -> UInt8? {
        guard let byte else { return nil }
        if isDigit(byte) { return byte - UInt8(ascii: "0") }
        let lower = byte | 0x20
        if lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") { return lower - UInt8(ascii: "a") + 10 }
        return nil
    }

    /// The offset of the first byte of `bytes[range]` that breaks `oid = descr / numericoid`, where
    /// `descr = ALPHA *keychar` and `numericoid = number 1*(DOT number)` with no leading zeros;
    /// `nil` when it is an `oid`.
    static func oidError(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard let first = range.first else { return range.lowerBound }
        if isAlpha(bytes[first]) {
            return range.dropFirst().first { !isKeychar(bytes[$0]) }
        }
        var index = first
        var dots = 0
        while true {
            guard index < range.upperBound, isDigit(bytes[index]) else { return index }
            if bytes[index] == UInt8(ascii: "0"), index + 1 < range.upperBound, isDigit(bytes[index + 1]) {
                return index + 1
            }
            while index < range.upperBound, isDigit(bytes[index]) { index += 1 }
            if index == range.upperBound { return dots > 0 ? nil : index }
            guard bytes[index] == UInt8(ascii: ".") else { return index }
            dots += 1
            index += 1
        }
    }

    /// The offset of the first byte of `bytes[range]` that breaks `attributedescription =
    /// attributetype options` (RFC 4512 §2.5); `nil` when it is one.
    static func attributeDescriptionError(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        let typeEnd = range.first { bytes[$0] == UInt8(ascii: ";") } ?? range.upperBound
        if let error = oidError(bytes, range.lowerBound..<typeEnd) { return error }
        var index = typeEnd
        while index < range.upperBound {
            index += 1  // the ";"
            let optionStart = index
            while index < range.upperBound, isKeychar(bytes[index]) { index += 1 }
            if index == optionStart || (index < range.upperBound && bytes[index] != UInt8(ascii: ";")) {
                return index
            }
        }
        return nil
    }
}

import NIOCore

/// Parses the RFC 4515 §3 grammar from UTF-8 bytes.
///
/// `&`, `|` and `!` are handled with an explicit stack of open filters rather than recursion, so
/// no input, however deeply nested, can exhaust the call stack; the depth limit is checked at each
/// `(` before anything is pushed.
struct FilterStringParser {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private var index = 0

    /// An `&`, `|` or `!` whose `)` has not been read yet.
    private struct OpenFilter {
        var operation: UInt8
        var open: Int
        var children: [Filter] = []
    }

    init(_ bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parse() throws(FilterParseError) -> Filter {
        guard let first = bytes.first else { throw .emptyFilter(at: 0) }
        let filter = first == .leftParen ? try parseParenthesized() : try parseBareItem()
        guard index == bytes.count else { throw .trailingBytes(at: index) }
        return filter
    }

    private func peek(at offset: Int? = nil) -> UInt8? {
        let offset = offset ?? index
        return offset < bytes.count ? bytes[offset] : nil
    }

    /// The error for input that ends early: an unclosed `(` when there is one.
    private func ended(_ open: Int?, otherwise error: FilterParseError) -> FilterParseError {
        guard let open else { return error }
        return .unclosed(openedAt: open, end: bytes.count)
    }

    /// `cn=alice` without parentheses, the leniency `ldapsearch` offers.
    private mutating func parseBareItem() throws(FilterParseError) -> Filter {
        switch bytes[0] {
        case .ampersand, .verticalBar, .exclamationMark:
            throw .unexpected(at: 0, expected: "'(' before '&', '|' or '!'; only a comparison may omit it")
        case .rightParen:
            throw .init(.unbalancedParentheses, at: 0, "')' closes no '('")
        default:
            guard maxDepth >= 1 else { throw .nestingTooDeep(at: 0, limit: maxDepth) }
            return try parseItem(open: nil)
        }
    }

    /// `filter = LPAREN filtercomp RPAREN` (RFC 4515 §3), starting at the `(` under `index`.
    private mutating func parseParenthesized() throws(FilterParseError) -> Filter {
        var stack: [OpenFilter] = []
        while true {
            // `index` is at the "(" of a new filter, nested in every filter of `stack`.
            let open = index
            guard stack.count < maxDepth else { throw .nestingTooDeep(at: open, limit: maxDepth) }
            index += 1
            var completed: Filter?
            switch peek() {
            case nil:
                throw .unclosed(openedAt: open, end: bytes.count)
            case .ampersand, .verticalBar, .exclamationMark:
                stack.append(OpenFilter(operation: bytes[index], open: open))
                index += 1
            case .rightParen:
                throw .emptyFilter(at: index)
            default:
                let item = try parseItem(open: open)
                // parseItem stops at the ")" or at the end of the input.
                guard peek() == .rightParen else { throw .unclosed(openedAt: open, end: bytes.count) }
                index += 1
                completed = item
            }
            // Add what was completed to its parent, and close parents for as long as ")" follows.
            while true {
                if let filter = completed {
                    guard !stack.isEmpty else { return filter }
                    stack[stack.count - 1].children.append(filter)
                    completed = nil
                }
                let top = stack.count - 1
                let isNot = stack[top].operation == .exclamationMark
                let isEmpty = stack[top].children.isEmpty
                switch peek() {
                case nil:
                    throw .unclosed(openedAt: stack[top].open, end: bytes.count)
                case .rightParen where isNot && isEmpty:
                    throw .unexpected(at: index, expected: "'(' to start the filter that '!' negates")
                case .rightParen:
                    let filter = stack.removeLast()
                    switch filter.operation {
                    case .ampersand: completed = .and(filter.children)
                    case .verticalBar: completed = .or(filter.children)
                    default: completed = .not(filter.children[0])
                    }
                    index += 1
                case .leftParen where !isNot || isEmpty:
                    break
                default:
                    let expected = isNot ? (isEmpty ? "'('" : "')': '!' negates one filter") : "'(' or ')'"
                    throw .unexpected(at: index, expected: expected)
                }
                if completed == nil { break }
            }
        }
    }

    /// `item = simple / present / substring / extensible` (RFC 4515 §3), from `index` up to the
    /// `)` or the end of the input. `open` is the offset of its `(`, `nil` for a bare comparison.
    private mutating func parseItem(open: Int?) throws(FilterParseError) -> Filter {
        let attributeStart = index
        while let byte = peek(), FilterGrammar.isNameByte(byte) || byte == .semicolon { index += 1 }
        let attributeRange = attributeStart..<index
        guard let byte = peek() else { throw ended(open, otherwise: .missingFilterType(at: index)) }
        switch byte {
        case .equals, .colon:
            break
        case .tilde, .greaterThan, .lessThan:
            guard let next = peek(at: index + 1) else {
                throw ended(open, otherwise: .missingFilterType(at: index))
            }
            guard next == .equals else { throw .missingFilterType(at: index) }
        case _ where attributeRange.isEmpty:
            let expected = open == nil ? "'(' or an attribute description" : "'&', '|', '!' or an attribute description"
            throw .unexpected(at: index, expected: expected)
        case .rightParen:
            throw .missingFilterType(at: index)
        default:
            throw .invalidAttribute(at: index)
        }
        if attributeRange.isEmpty && byte != .colon { throw .missingAttribute(at: index) }
        if !attributeRange.isEmpty, let error = FilterGrammar.attributeDescriptionError(bytes, attributeRange) {
            throw .invalidAttribute(at: error)
        }
        let attribute = String(decoding: bytes[attributeRange], as: UTF8.self)
        index += byte == .equals || byte == .colon ? 1 : 2
        switch byte {
        case .equals:
            return try parseEqualityValue(attribute)
        case .colon:
            return try parseExtensible(
                type: attributeRange.isEmpty ? nil : attribute, colon: attributeRange.upperBound, open: open)
        default:
            let ava = AttributeValueAssertion(
                attributeDescription: attribute,
                assertionValue: ByteBuffer(bytes: try readValue(wildcards: false).parts[0]))
            switch byte {
            case .tilde: return .approxMatch(ava)
            case .greaterThan: return .greaterOrEqual(ava)
            default: return .lessOrEqual(ava)
            }
        }
    }

    /// The value after `=`: an equality, a presence (`*` alone) or a substring filter.
    private mutating func parseEqualityValue(_ attribute: String) throws(FilterParseError) -> Filter {
        let (parts, stars) = try readValue(wildcards: true)
        if parts.count == 1 {
            return .equalityMatch(
                AttributeValueAssertion(attributeDescription: attribute, assertionValue: ByteBuffer(bytes: parts[0])))
        }
        if parts.count == 2 && parts[0].isEmpty && parts[1].isEmpty { return .present(attribute) }
        var substrings = SubstringFilter(attributeDescription: attribute)
        if let initial = parts.first, !initial.isEmpty { substrings.initial = ByteBuffer(bytes: initial) }
        if let final = parts.last, !final.isEmpty { substrings.final = ByteBuffer(bytes: final) }
        for part in 1..<(parts.count - 1) {
            // The component between stars[part - 1] and stars[part].
            guard !parts[part].isEmpty else { throw .emptySubstring(at: stars[part]) }
            substrings.any.append(ByteBuffer(bytes: parts[part]))
        }
        return .substrings(substrings)
    }

    /// `extensible` (RFC 4515 §3) after the attribute: `[:dn] [:rule] :=value`. `colon` is the
    /// offset of the first `:`.
    private mutating func parseExtensible(type: String?, colon: Int, open: Int?) throws(FilterParseError) -> Filter {
        var colon = colon
        var dnAttributes = false
        var rule: String?
        while peek(at: colon + 1) != .equals {
            let start = colon + 1
            var end = start
            while let byte = peek(at: end), FilterGrammar.isNameByte(byte) { end += 1 }
            guard let next = peek(at: end) else {
                throw ended(open, otherwise: .invalidExtensible(at: end, "expected ':=' and a value"))
            }
            guard next == .colon, end > start else {
                let expected = end > start ? "':' after 'dn' or the matching rule" : "'dn', a matching rule or '='"
                throw .invalidExtensible(at: end, "expected \(expected) (RFC 4515 §3)")
            }
            let isDN =
                end - start == 2 && bytes[start] | 0x20 == UInt8(ascii: "d")
                && bytes[start + 1] | 0x20 == UInt8(ascii: "n")
            if isDN && !dnAttributes && rule == nil {
                dnAttributes = true
            } else if rule == nil {
                if let error = FilterGrammar.oidError(bytes, start..<end) {
                    throw .invalidExtensible(at: error, "a matching rule is a name or a numeric OID (RFC 4512 §1.4)")
                }
                rule = String(decoding: bytes[start..<end], as: UTF8.self)
            } else {
                throw .invalidExtensible(at: start, "only ':=' and a value may follow the matching rule")
            }
            colon = end
        }
        guard type != nil || rule != nil else {
            throw .invalidExtensible(at: colon, "an extensible match needs an attribute type, a matching rule or both")
        }
        index = colon + 2
        let value = try readValue(wildcards: false).parts[0]
        return .extensibleMatch(
            MatchingRuleAssertion(
                matchingRule: rule, type: type, matchValue: ByteBuffer(bytes: value), dnAttributes: dnAttributes))
    }

    /// Reads `valueencoding` (RFC 4515 §3) up to the `)` or the end of the input. With `wildcards`,
    /// unescaped `*`s split it into `parts`, and `stars` holds their offsets.
    private mutating func readValue(wildcards: Bool) throws(FilterParseError) -> (parts: [[UInt8]], stars: [Int]) {
        var parts: [[UInt8]] = [[]]
        var stars: [Int] = []
        while let byte = peek(), byte != .rightParen {
            switch byte {
            case .backslash:
                guard let high = FilterGrammar.hexValue(peek(at: index + 1)),
                    let low = FilterGrammar.hexValue(peek(at: index + 2))
                else { throw .invalidEscape(at: index) }
                parts[parts.count - 1].append(high << 4 | low)
                index += 3
            case .asterisk where wildcards:
                stars.append(index)
                parts.append([])
                index += 1
            case .asterisk: throw .unescaped("'*'", at: index, as: "\\2a")
            case .leftParen: throw .unescaped("'('", at: index, as: "\\28")
            case 0: throw .unescaped("NUL", at: index, as: "\\00")
            default:
                parts[parts.count - 1].append(byte)
                index += 1
            }
        }
        return (parts, stars)
    }
}

extension UInt8 {
    fileprivate static let leftParen = UInt8(ascii: "(")
    fileprivate static let rightParen = UInt8(ascii: ")")
    fileprivate static let ampersand = UInt8(ascii: "&")
    fileprivate static let verticalBar = UInt8(ascii: "|")
    fileprivate static let exclamationMark = UInt8(ascii: "!")
    fileprivate static let equals = UInt8(ascii: "=")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let semicolon = UInt8(ascii: ";")
    fileprivate static let tilde = UInt8(ascii: "~")
    fileprivate static let greaterThan = UInt8(ascii: ">")
    fileprivate static let lessThan = UInt8(ascii: "<")
    fileprivate static let asterisk = UInt8(ascii: "*")
    fileprivate static let backslash = UInt8(ascii: "\\")
}

import NIOCore

extension Filter {
    /// Reads a Filter (RFC 4511 §4.5.1.7), refusing nesting deeper than `maxDepth` filters.
    public init(from reader: inout BERReader, maxDepth: Int = Filter.defaultMaxDepth) throws(LDAPDecodingError) {
        self = try Self.read(from: &reader, remainingDepth: maxDepth, limit: maxDepth)
    }

    static func read(from reader: inout BERReader, remainingDepth: Int, limit: Int) throws(LDAPDecodingError) -> Filter
    {
        guard remainingDepth > 0 else { throw .nestingTooDeep(limit: limit) }
        guard let tag = reader.nextTag else { throw .truncated("Filter") }
        switch tag {
        case 0xA0, 0xA1:
            var set = try reader.readAnyConstructed("Filter.and/or").reader
            var elements: [Filter] = []
            while !set.isAtEnd {
                elements.append(try read(from: &set, remainingDepth: remainingDepth - 1, limit: limit))
            }
            return tag == 0xA0 ? .and(elements) : .or(elements)
        case 0xA2:
            var inner = try reader.readConstructed(.contextConstructed(2), "Filter.not")
            let filter = try read(from: &inner, remainingDepth: remainingDepth - 1, limit: limit)
            try inner.finish("Filter.not")
            return .not(filter)
        case 0xA3: return .equalityMatch(try AttributeValueAssertion(from: &reader, tag: .contextConstructed(3)))
        case 0xA4: return .substrings(try SubstringFilter(from: &reader))
        case 0xA5: return .greaterOrEqual(try AttributeValueAssertion(from: &reader, tag: .contextConstructed(5)))
        case 0xA6: return .lessOrEqual(try AttributeValueAssertion(from: &reader, tag: .contextConstructed(6)))
        case 0x87: return .present(try reader.readString(.context(7), "Filter.present"))
        case 0xA8: return .approxMatch(try AttributeValueAssertion(from: &reader, tag: .contextConstructed(8)))
        case 0xA9: return .extensibleMatch(try MatchingRuleAssertion(from: &reader))
        default:
            throw LDAPDecodingError.unexpectedTag(
                expected: .contextConstructed(0), found: tag, in: "Filter (no such choice)")
        }
    }

    /// Writes this filter's BER encoding.
    public func write(to writer: inout BERWriter) {
        switch self {
        case .and(let filters), .or(let filters):
            let tag: BERTag = if case .and = self { .contextConstructed(0) } else { .contextConstructed(1) }
            writer.writeConstructed(tag) { w in
                for filter in filters { filter.write(to: &w) }
            }
        case .not(let filter):
            writer.writeConstructed(.contextConstructed(2)) { w in filter.write(to: &w) }
        case .equalityMatch(let ava): ava.write(to: &writer, tag: .contextConstructed(3))
        case .substrings(let substrings): substrings.write(to: &writer)
        case .greaterOrEqual(let ava): ava.write(to: &writer, tag: .contextConstructed(5))
        case .lessOrEqual(let ava): ava.write(to: &writer, tag: .contextConstructed(6))
        case .present(let attribute): writer.writeString(attribute, tag: .context(7))
        case .approxMatch(let ava): ava.write(to: &writer, tag: .contextConstructed(8))
        case .extensibleMatch(let assertion): assertion.write(to: &writer)
        }
    }
}

extension AttributeValueAssertion {
    /// Reads `AttributeValueAssertion` under `tag` (RFC 4511 §4.1.8).
    public init(from reader: inout BERReader, tag: BERTag = .sequence) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(tag, "AttributeValueAssertion")
        attributeDescription = try sequence.readString("AttributeValueAssertion.attributeDesc")
        assertionValue = try sequence.readOctetString("AttributeValueAssertion.assertionValue")
        try sequence.finish("AttributeValueAssertion")
    }

    public func write(to writer: inout BERWriter, tag: BERTag = .sequence) {
        writer.writeConstructed(tag) { w in
            w.writeString(attributeDescription)
            w.writeOctetString(assertionValue)
        }
    }
}

extension SubstringFilter {
    /// Reads `[4] SubstringFilter`, enforcing the order initial, any*, final (RFC 4511 §4.5.1.7.2).
    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(.contextConstructed(4), "SubstringFilter")
        attributeDescription = try sequence.readString("SubstringFilter.type")
        var substrings = try sequence.readConstructed(.sequence, "SubstringFilter.substrings")
        try sequence.finish("SubstringFilter")
        initial = nil
        any = []
        final = nil
        var count = 0
        while !substrings.isAtEnd {
            let (tag, value) = try substrings.readAnyElement("SubstringFilter.substrings")
            switch tag {
            case 0x80 where count == 0: initial = value
            case 0x81 where final == nil: any.append(value)
            case 0x82 where final == nil: final = value
            default:
                throw .invalidValue("SubstringFilter: substring choice 0x\(hex(tag)) out of order or unknown")
            }
            count += 1
        }
        guard count > 0 else { throw .invalidValue("SubstringFilter: substrings must not be empty") }
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(.contextConstructed(4)) { w in
            w.writeString(attributeDescription)
            w.writeConstructed(.sequence) { s in
                if let initial { s.writeOctetString(initial, tag: .context(0)) }
                for value in any { s.writeOctetString(value, tag: .context(1)) }
                if let final { s.writeOctetString(final, tag: .context(2)) }
            }
        }
    }
}

extension MatchingRuleAssertion {
    /// Reads `[9] MatchingRuleAssertion` (RFC 4511 §4.5.1.7.7): at least one of matchingRule and
    /// type must be present.
    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(.contextConstructed(9), "MatchingRuleAssertion")
        matchingRule = try sequence.readOptionalElement(.context(1), "MatchingRuleAssertion.matchingRule").map {
            (bytes) throws(LDAPDecodingError) in try BERReader.utf8String(bytes, "MatchingRuleAssertion.matchingRule")
        }
        type = try sequence.readOptionalElement(.context(2), "MatchingRuleAssertion.type").map {
            (bytes) throws(LDAPDecodingError) in try BERReader.utf8String(bytes, "MatchingRuleAssertion.type")
        }
        matchValue = try sequence.readOctetString(.context(3), "MatchingRuleAssertion.matchValue")
        dnAttributes = false
        if sequence.nextTag == 0x84 {
            dnAttributes = try sequence.readBoolean(.context(4), "MatchingRuleAssertion.dnAttributes")
            encodesDefaultDNAttributes = !dnAttributes
        }
        try sequence.finish("MatchingRuleAssertion")
        guard matchingRule != nil || type != nil else {
            throw .invalidValue("MatchingRuleAssertion: neither matchingRule nor type is present")
        }
        if matchingRule?.isEmpty == true || type?.isEmpty == true {
            throw .invalidValue("MatchingRuleAssertion: an empty matchingRule or type (RFC 4511 §4.5.1.7.7)")
        }
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(.contextConstructed(9)) { w in
            if let matchingRule { w.writeString(matchingRule, tag: .context(1)) }
            if let type { w.writeString(type, tag: .context(2)) }
            w.writeOctetString(matchValue, tag: .context(3))
            if dnAttributes || encodesDefaultDNAttributes { w.writeBoolean(dnAttributes, tag: .context(4)) }
        }
    }
}

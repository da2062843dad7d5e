import NIOCore
import Testing

@testable import LDAPCore

// Shorthands for the expected values below.
private func value(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
private func value(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
private func ava(_ attribute: String, _ text: String) -> AttributeValueAssertion {
    AttributeValueAssertion(attribute, text)
}
private func equal(_ attribute: String, _ text: String) -> Filter { .equalityMatch(ava(attribute, text)) }
private func extensible(_ type: String?, _ rule: String?, dn: Bool = false, _ text: String) -> Filter {
    .extensibleMatch(MatchingRuleAssertion(matchingRule: rule, type: type, matchValue: value(text), dnAttributes: dn))
}

/// Parsing and printing the RFC 4515 string form of search filters.
@Suite("Filter string representation")
struct FilterStringTests {
    struct RoundTrip: Sendable, CustomTestStringConvertible {
        var input: String
        var filter: Filter
        /// The canonical form `description` must print, when it differs from `input`.
        var canonical: String?
        init(_ input: String, _ filter: Filter, canonical: String? = nil) {
            self.input = input
            self.filter = filter
            self.canonical = canonical
        }
        var testDescription: String { input.debugDescription }
    }

    /// Every example of RFC 4515 §4, in order.
    static let rfc4515Examples: [RoundTrip] = [
        .init("(cn=Babs Jensen)", equal("cn", "Babs Jensen")),
        .init("(!(cn=Tim Howes))", .not(equal("cn", "Tim Howes"))),
        .init(
            "(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))",
            .and([
                equal("objectClass", "Person"),
                .or([
                    equal("sn", "Jensen"),
                    .substrings(SubstringFilter(attributeDescription: "cn", initial: value("Babs J"))),
                ]),
            ])),
        .init(
            "(o=univ*of*mich*)",
            .substrings(
                SubstringFilter(attributeDescription: "o", initial: value("univ"), any: [value("of"), value("mich")]))),
        .init("(seeAlso=)", equal("seeAlso", "")),
        .init("(cn:caseExactMatch:=Fred Flintstone)", extensible("cn", "caseExactMatch", "Fred Flintstone")),
        .init("(cn:=Betty Rubble)", extensible("cn", nil, "Betty Rubble")),
        .init("(sn:dn:2.4.6.8.10:=Barney Rubble)", extensible("sn", "2.4.6.8.10", dn: true, "Barney Rubble")),
        .init("(o:dn:=Ace Industry)", extensible("o", nil, dn: true, "Ace Industry")),
        .init("(:1.2.3:=Wilma Flintstone)", extensible(nil, "1.2.3", "Wilma Flintstone")),
        .init(
            "(:DN:2.4.6.8.10:=Dino)", extensible(nil, "2.4.6.8.10", dn: true, "Dino"),
            canonical: "(:dn:2.4.6.8.10:=Dino)"),
        .init(
            #"(o=Parens R Us \28for all your parenthetical needs\29)"#,
            equal("o", "Parens R Us (for all your parenthetical needs)")),
        .init(
            #"(cn=*\2A*)"#, .substrings(SubstringFilter(attributeDescription: "cn", any: [value("*")])),
            canonical: #"(cn=*\2a*)"#),
        .init(#"(filename=C:\5cMyFile)"#, equal("filename", #"C:\MyFile"#)),
        .init(
            #"(bin=\00\00\00\04)"#,
            .equalityMatch(AttributeValueAssertion(attributeDescription: "bin", assertionValue: value([0, 0, 0, 4])))),
        .init(#"(sn=Lu\c4\8di\c4\87)"#, equal("sn", "Lučić")),
        .init(
            #"(1.3.6.1.4.1.1466.0=\04\02\48\69)"#,
            .equalityMatch(
                AttributeValueAssertion(
                    attributeDescription: "1.3.6.1.4.1.1466.0", assertionValue: value([4, 2, 0x48, 0x69]))),
            canonical: #"(1.3.6.1.4.1.1466.0=\04\02Hi)"#),
    ]

    /// Every other choice and form, Active Directory's matching rules, and escapes.
    static let otherForms: [RoundTrip] = [
        .init("(cn~=Jensen)", .approxMatch(ava("cn", "Jensen"))),
        .init("(uSNChanged>=4096)", .greaterOrEqual(ava("uSNChanged", "4096"))),
        .init("(badPwdCount<=2)", .lessOrEqual(ava("badPwdCount", "2"))),
        .init("(objectClass=*)", .present("objectClass")),
        .init("(cn;lang-en=*)", .present("cn;lang-en")),
        .init("(cn;lang-en;x-opt=Jim)", equal("cn;lang-en;x-opt", "Jim")),
        .init("(2.5.4.3=Jim)", equal("2.5.4.3", "Jim")),
        .init("(cn=a*)", .substrings(SubstringFilter(attributeDescription: "cn", initial: value("a")))),
        .init("(cn=*a)", .substrings(SubstringFilter(attributeDescription: "cn", final: value("a")))),
        .init("(cn=*a*b*)", .substrings(SubstringFilter(attributeDescription: "cn", any: [value("a"), value("b")]))),
        .init(
            "(cn=a*b)", .substrings(SubstringFilter(attributeDescription: "cn", initial: value("a"), final: value("b")))
        ),
        .init(
            "(cn=a*b*c*d)",
            .substrings(
                SubstringFilter(
                    attributeDescription: "cn", initial: value("a"), any: [value("b"), value("c")], final: value("d")))),
        .init(#"(cn=\2a)"#, equal("cn", "*")),
        .init("(&)", .and([])),
        .init("(|)", .or([])),
        .init("(!(&))", .not(.and([]))),
        .init("(&(|)(!(cn=a)))", .and([.or([]), .not(equal("cn", "a"))])),
        .init("(cn:dn:2.5.13.5:=John)", extensible("cn", "2.5.13.5", dn: true, "John")),
        .init("(:dn:2.4.6.8.10:=Dino)", extensible(nil, "2.4.6.8.10", dn: true, "Dino")),
        .init("(:1.2.3:=x)", extensible(nil, "1.2.3", "x")),
        .init("(cn:DN:=x)", extensible("cn", nil, dn: true, "x"), canonical: "(cn:dn:=x)"),
        .init("(cn:dn:dn:=x)", extensible("cn", "dn", dn: true, "x")),
        .init(
            "(cn;lang-de:dn:caseIgnoreMatch:=Straße)", extensible("cn;lang-de", "caseIgnoreMatch", dn: true, "Straße"),
            canonical: #"(cn;lang-de:dn:caseIgnoreMatch:=Stra\c3\9fe)"#),
        .init("(cn:=)", extensible("cn", nil, "")),
        .init(
            "(groupType:1.2.840.113556.1.4.804:=-2147483648)",
            extensible("groupType", "1.2.840.113556.1.4.804", "-2147483648")),
        .init(
            "(userAccountControl:1.2.840.113556.1.4.803:=2)",
            extensible("userAccountControl", "1.2.840.113556.1.4.803", "2")),
        // The filter escape \2c is a plain comma in the value, so it prints as one.
        .init(
            #"(member:1.2.840.113556.1.4.1941:=CN=Jane\2cOU=x,DC=y)"#,
            extensible("member", "1.2.840.113556.1.4.1941", "CN=Jane,OU=x,DC=y"),
            canonical: "(member:1.2.840.113556.1.4.1941:=CN=Jane,OU=x,DC=y)"),
        .init(
            #"(member:1.2.840.113556.1.4.1941:=CN=Doe\5c2c Jane,DC=y)"#,
            extensible("member", "1.2.840.113556.1.4.1941", #"CN=Doe\2c Jane,DC=y"#),
            canonical: #"(member:1.2.840.113556.1.4.1941:=CN=Doe\5c2c Jane,DC=y)"#),
        .init(
            #"(objectGUID=\01\02\FF\fe\00\80\7f\0a)"#,
            .equalityMatch(
                AttributeValueAssertion(
                    attributeDescription: "objectGUID", assertionValue: value([1, 2, 0xFF, 0xFE, 0, 0x80, 0x7F, 0x0A]))),
            canonical: #"(objectGUID=\01\02\ff\fe\00\80\7f\0a)"#),
        .init(
            #"(cn=\2a\28\29\5c\00)"#,
            .equalityMatch(
                AttributeValueAssertion(attributeDescription: "cn", assertionValue: value([0x2A, 0x28, 0x29, 0x5C, 0])))
        ),
        .init("(sn=Lučić)", equal("sn", "Lučić"), canonical: #"(sn=Lu\c4\8di\c4\87)"#),
        .init("(cn= a=b:c~d>e<f&g|h! )", equal("cn", " a=b:c~d>e<f&g|h! ")),
        .init("cn=alice", equal("cn", "alice"), canonical: "(cn=alice)"),
        .init("cn=*", .present("cn"), canonical: "(cn=*)"),
        .init("cn:dn:=x", extensible("cn", nil, dn: true, "x"), canonical: "(cn:dn:=x)"),
    ]

    @Test("parses every RFC 4515 §4 example and prints it canonically", arguments: rfc4515Examples)
    func rfcExamples(_ example: RoundTrip) throws {
        try checkRoundTrip(example)
    }

    @Test("parses every choice, AD extensible matches and escapes, and prints them canonically", arguments: otherForms)
    func otherChoices(_ example: RoundTrip) throws {
        try checkRoundTrip(example)
    }

    private func checkRoundTrip(_ example: RoundTrip) throws {
        #expect(try Filter(parsing: example.input) == example.filter)
        #expect(example.filter.description == example.canonical ?? example.input)
        #expect(try Filter(parsing: example.filter.description) == example.filter)
    }

    @Test("parses raw UTF-8 and its \\XX escapes to the same bytes")
    func utf8Escapes() throws {
        let escaped = try Filter(parsing: #"(sn=Lu\c4\8di\c4\87)"#)
        #expect(escaped == (try Filter(parsing: "(sn=Lučić)")))
        guard case .equalityMatch(let assertion) = escaped else {
            Issue.record("not an equality match: \(escaped)")
            return
        }
        #expect(Array(assertion.assertionValue.readableBytesView) == Array("Lučić".utf8))
    }

    @Test("escapes special, control and non-ASCII bytes of values as lowercase hex")
    func escapesValues() {
        let bytes: [UInt8] = [0x2A, 0x28, 0x29, 0x5C, 0x00, 0x01, 0x0A, 0x1F, 0x7F, 0x80, 0xFF, 0x41, 0x20, 0x7E]
        let filter = Filter.equalityMatch(
            AttributeValueAssertion(attributeDescription: "cn", assertionValue: value(bytes)))
        #expect(filter.description == #"(cn=\2a\28\29\5c\00\01\0a\1f\7f\80\ffA ~)"#)
        #expect(filter.debugDescription == filter.description)
        #expect(String(describing: filter) == filter.description)
    }

    @Test("prints forbidden bytes of attribute descriptions escaped, so that they fail to parse")
    func escapesAttributeDescriptions() {
        let filters: [Filter] = [
            .present("a(b)\n"),
            equal("cn=x", "y"),
            extensible("cn", "rule:x", "y"),
            extensible("c n", nil, "y"),
        ]
        #expect(
            filters.map(\.description) == [#"(a\28b\29\0a=*)"#, #"(cn\3dx=y)"#, #"(cn:rule\3ax:=y)"#, #"(c\20n:=y)"#])
        for filter in filters {
            #expect(throws: FilterParseError.self) { try Filter(parsing: filter.description) }
        }
    }

    @Test("error descriptions give the offset and kind but never quote the input")
    func errorText() {
        do {
            _ = try Filter(parsing: #"(userPassword=secret\zz)"#)
            Issue.record("parsed")
        } catch {
            #expect(error.kind == .invalidEscape)
            #expect(error.offset == 20)
            #expect(error.description.contains("byte 20"))
            #expect(!error.description.contains("secret"))
        }
    }
}

/// Every class of malformed filter string is refused with the byte offset of the problem.
@Suite("Filter string rejections")
struct FilterStringRejectionTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var input: String
        var kind: FilterParseError.Kind
        var offset: Int
        init(_ input: String, _ kind: FilterParseError.Kind, at offset: Int) {
            self.input = input
            self.kind = kind
            self.offset = offset
        }
        var testDescription: String { "\(input.debugDescription) -> \(kind) at \(offset)" }
    }

    static let fixtures: [Fixture] = [
        .init("", .emptyFilter, at: 0),
        .init("()", .emptyFilter, at: 1),
        .init("(&(cn=a)())", .emptyFilter, at: 9),
        .init("(", .unbalancedParentheses, at: 1),
        .init("(cn=a", .unbalancedParentheses, at: 5),
        .init("(cn", .unbalancedParentheses, at: 3),
        .init("(&(cn=a)", .unbalancedParentheses, at: 8),
        .init("(|(cn=a)(!(sn=b))", .unbalancedParentheses, at: 17),
        .init("(cn:dn", .unbalancedParentheses, at: 6),
        .init(")", .unbalancedParentheses, at: 0),
        .init("((cn=a))", .unexpectedCharacter, at: 1),
        .init("(&(cn=a)x)", .unexpectedCharacter, at: 8),
        .init("(&cn=a)", .unexpectedCharacter, at: 2),
        .init("(& (cn=a))", .unexpectedCharacter, at: 2),
        .init("(!(cn=a)(sn=b))", .unexpectedCharacter, at: 8),
        .init("(!)", .unexpectedCharacter, at: 2),
        .init("( cn=a)", .unexpectedCharacter, at: 1),
        .init("&(cn=a)", .unexpectedCharacter, at: 0),
        .init("(=a)", .missingAttribute, at: 1),
        .init("(>=a)", .missingAttribute, at: 1),
        .init("(~=a)", .missingAttribute, at: 1),
        .init("(cn)", .missingFilterType, at: 3),
        .init("(cn~a)", .missingFilterType, at: 3),
        .init("(cn!=a)", .invalidAttributeDescription, at: 3),
        .init("cn", .missingFilterType, at: 2),
        .init("(c n=a)", .invalidAttributeDescription, at: 2),
        .init("(cn_x=a)", .invalidAttributeDescription, at: 3),
        .init("(1cn=a)", .invalidAttributeDescription, at: 2),
        .init("(-cn=a)", .invalidAttributeDescription, at: 1),
        .init("(1.=a)", .invalidAttributeDescription, at: 3),
        .init("(1.02=a)", .invalidAttributeDescription, at: 4),
        .init("(2=a)", .invalidAttributeDescription, at: 2),
        .init("(cn.x=a)", .invalidAttributeDescription, at: 3),
        .init("(cn;=a)", .invalidAttributeDescription, at: 4),
        .init("(cn;lang_en=a)", .invalidAttributeDescription, at: 8),
        .init("(ö=a)", .unexpectedCharacter, at: 1),
        .init(#"(cn=a\)"#, .invalidEscape, at: 5),
        .init(#"(cn=a\4)"#, .invalidEscape, at: 5),
        .init(#"(cn=a\4g)"#, .invalidEscape, at: 5),
        .init(#"(cn=a\"#, .invalidEscape, at: 5),
        .init(#"(cn=\*)"#, .invalidEscape, at: 4),
        .init("(cn=a(b)", .unescapedCharacter, at: 5),
        .init("(cn=a\u{0}b)", .unescapedCharacter, at: 5),
        .init("(cn>=a*)", .unescapedCharacter, at: 6),
        .init("(cn<=*)", .unescapedCharacter, at: 5),
        .init("(cn~=*a)", .unescapedCharacter, at: 5),
        .init("(cn:=*)", .unescapedCharacter, at: 5),
        .init("(cn=a**b)", .invalidSubstring, at: 6),
        .init("(cn=**)", .invalidSubstring, at: 5),
        .init("(cn=*a**)", .invalidSubstring, at: 7),
        .init("(:=x)", .invalidExtensibleMatch, at: 1),
        .init("(:dn:=x)", .invalidExtensibleMatch, at: 4),
        .init("(cn:)", .invalidExtensibleMatch, at: 4),
        .init("(cn::=x)", .invalidExtensibleMatch, at: 4),
        .init("(cn:1.2.:=x)", .invalidExtensibleMatch, at: 8),
        .init("(cn:1rule:=x)", .invalidExtensibleMatch, at: 5),
        .init("(cn:2.5.13.5:dn:=x)", .invalidExtensibleMatch, at: 13),
        .init("(cn:a_b:=x)", .invalidExtensibleMatch, at: 5),
        .init("(cn:dn=x)", .invalidExtensibleMatch, at: 6),
        .init("cn:dn", .invalidExtensibleMatch, at: 5),
        .init(
            String(repeating: "(!", count: 20) + "(cn=a)" + String(repeating: ")", count: 20), .nestingTooDeep, at: 40),
        .init("(cn=a))", .trailingBytes, at: 6),
        .init("(cn=a)(sn=b)", .trailingBytes, at: 6),
        .init("(cn=a) ", .trailingBytes, at: 6),
        .init("(&)x", .trailingBytes, at: 3),
        .init("cn=a)", .trailingBytes, at: 4),
    ]

    @Test("refuses a malformed filter with the offset of the problem", arguments: fixtures)
    func rejects(_ fixture: Fixture) {
        #expect {
            try Filter(parsing: fixture.input)
        } throws: { error in
            guard let error = error as? FilterParseError else { return false }
            return error.kind == fixture.kind && error.offset == fixture.offset
        }
    }

    static func nested(_ count: Int, _ operation: String = "!") -> String {
        String(repeating: "(\(operation)", count: count - 1) + "(cn=a)" + String(repeating: ")", count: count - 1)
    }

    @Test("accepts exactly maxDepth filters on a path, leaf included, and refuses one more")
    func depthLimit() throws {
        #expect(throws: Never.self) { try Filter(parsing: Self.nested(Filter.defaultMaxDepth)) }
        #expect(throws: FilterParseError.self) { try Filter(parsing: Self.nested(Filter.defaultMaxDepth + 1)) }
        #expect(throws: Never.self) { try Filter(parsing: "(&(|(cn=a)))", maxDepth: 3) }
        #expect(throws: FilterParseError.nestingTooDeep(at: 4, limit: 2)) {
            try Filter(parsing: "(&(|(cn=a)))", maxDepth: 2)
        }
        #expect(throws: FilterParseError.nestingTooDeep(at: 0, limit: 0)) { try Filter(parsing: "(cn=a)", maxDepth: 0) }
        #expect(throws: FilterParseError.nestingTooDeep(at: 0, limit: 0)) { try Filter(parsing: "cn=a", maxDepth: 0) }
    }

    @Test("the string and BER depth limits agree", arguments: 1...24)
    func depthAgreesWithBER(depth: Int) throws {
        let string = Self.nested(depth, depth.isMultiple(of: 2) ? "&" : "!")
        let parsed = try Filter(parsing: string, maxDepth: 100)
        var writer = BERWriter()
        parsed.write(to: &writer)
        var reader = BERReader(writer.buffer, maxDepth: 100)
        let decodes = (try? Filter(from: &reader)) != nil
        let parses = (try? Filter(parsing: string)) != nil
        #expect(decodes == parses)
        #expect(parses == (depth <= Filter.defaultMaxDepth))
    }

    @Test("refuses 100 KB of nesting cleanly, whatever the limit", arguments: ["(", "(&", "(!", "(|(cn=a)"])
    func hugeNesting(unit: String) {
        let input = String(repeating: unit, count: 100_000 / unit.utf8.count)
        for maxDepth in [Filter.defaultMaxDepth, Int.max] {
            #expect(throws: FilterParseError.self) { try Filter(parsing: input, maxDepth: maxDepth) }
        }
    }
}

/// Seeded random filters, for round-trip properties of the string and BER forms.
struct RandomFilterGenerator {
    /// SplitMix64: a small, seeded generator so that every run sees the same filters.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let attributes = [
        "cn", "objectClass", "cn;lang-en", "x-attr;binary;lang-de", "2.5.4.3", "1.3.6.1.4.1.1466.0", "sAMAccountName",
        "member", "a", "A1-b",
    ]
    static let rules = ["caseExactMatch", "2.5.13.5", "1.2.840.113556.1.4.1941", "1.2.840.113556.1.4.803", "x-Rule-2"]
    /// Bytes a value draws from: the ones that need escaping, ASCII, UTF-8 and binary.
    static let valueBytes: [UInt8] = Array("*()\\\0 =:~<>&|!a".utf8) + [0x01, 0x0A, 0x7F, 0x80, 0xC4, 0x8D, 0xFF]

    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(state: seed) }

    mutating func value(nonEmpty: Bool = false) -> ByteBuffer {
        let count = Int.random(in: (nonEmpty ? 1 : 0)...6, using: &random)
        return ByteBuffer(bytes: (0..<count).map { _ in Self.valueBytes.randomElement(using: &random)! })
    }

    mutating func attribute() -> String { Self.attributes.randomElement(using: &random)! }

    /// A filter at most `depth` filters deep.
    mutating func filter(depth: Int) -> Filter {
        let choice = Int.random(in: 0..<(depth > 1 ? 11 : 8), using: &random)
        switch choice {
        case 0:
            return .equalityMatch(AttributeValueAssertion(attributeDescription: attribute(), assertionValue: value()))
        case 1:
            return .greaterOrEqual(AttributeValueAssertion(attributeDescription: attribute(), assertionValue: value()))
        case 2: return .lessOrEqual(AttributeValueAssertion(attributeDescription: attribute(), assertionValue: value()))
        case 3: return .approxMatch(AttributeValueAssertion(attributeDescription: attribute(), assertionValue: value()))
        case 4: return .present(attribute())
        case 5:
            var substrings = SubstringFilter(attributeDescription: attribute())
            repeat {
                substrings.initial = Bool.random(using: &random) ? value(nonEmpty: true) : nil
                substrings.any = (0..<Int.random(in: 0...3, using: &random)).map { _ in value(nonEmpty: true) }
                substrings.final = Bool.random(using: &random) ? value(nonEmpty: true) : nil
            } while substrings.initial == nil && substrings.any.isEmpty && substrings.final == nil
            return .substrings(substrings)
        case 6, 7:
            let hasType = Bool.random(using: &random)
            let rule = !hasType || Bool.random(using: &random) ? Self.rules.randomElement(using: &random) : nil
            return .extensibleMatch(
                MatchingRuleAssertion(
                    matchingRule: rule, type: hasType ? attribute() : nil, matchValue: value(),
                    dnAttributes: Bool.random(using: &random)))
        case 8: return .not(filter(depth: depth - 1))
        default:
            let children = (0..<Int.random(in: 0...3, using: &random)).map { _ in filter(depth: depth - 1) }
            return choice == 9 ? .and(children) : .or(children)
        }
    }

    /// The depth of `filter`, counted as `maxDepth` counts it.
    static func depth(of filter: Filter) -> Int {
        switch filter {
        case .and(let children), .or(let children): 1 + (children.map(depth(of:)).max() ?? 0)
        case .not(let child): 1 + depth(of: child)
        default: 1
        }
    }
}

@Suite("Filter string random round trips")
struct FilterStringRandomTests {
    @Test("2000 seeded random filters of depth up to 5 print and parse back to themselves")
    func randomRoundTrips() throws {
        var generator = RandomFilterGenerator(seed: 0x4C44_4150_4649_4C54)
        var deepest = 0
        for _ in 0..<2000 {
            let filter = generator.filter(depth: 5)
            deepest = max(deepest, RandomFilterGenerator.depth(of: filter))
            let text = filter.description
            #expect(text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(text)")
            #expect(try Filter(parsing: text, maxDepth: 5) == filter, "\(text)")
        }
        #expect(deepest == 5)
    }

    @Test("5000 mutated filter strings never trap, and whatever parses prints back to itself")
    func mutatedStrings() {
        let pieces = [
            "(", ")", "(&", "(|", "(!", "(cn=a)", "cn", "=", "~=", ">=", "<=", "*", ":", ":dn", ":1.2", ":=", ";x", "a",
            "\\", "2a", "\u{0}", " ", "é",
        ]
        var generator = RandomFilterGenerator(seed: 7)
        var parsed = 0
        for _ in 0..<5000 {
            // A valid filter's text with up to three pieces inserted, bytes deleted or bytes replaced.
            var bytes = Array(generator.filter(depth: 3).description.utf8)
            for _ in 0..<Int.random(in: 0...3, using: &generator.random) {
                let position = Int.random(in: 0..<bytes.count, using: &generator.random)
                let piece = Array(pieces.randomElement(using: &generator.random)!.utf8)
                switch Int.random(in: 0..<3, using: &generator.random) {
                case 0: bytes.insert(contentsOf: piece, at: position)
                case 1: bytes.remove(at: position)
                default: bytes.replaceSubrange(position...position, with: piece)
                }
                if bytes.isEmpty { break }
            }
            let input = String(decoding: bytes, as: UTF8.self)
            do {
                let filter = try Filter(parsing: input)
                parsed += 1
                #expect(try Filter(parsing: filter.description) == filter, "\(input)")
            } catch {
                #expect(error.offset >= 0 && error.offset <= input.utf8.count, "\(input): \(error)")
            }
        }
        #expect(parsed > 1000 && parsed < 4000, "\(parsed) parsed")
    }
}

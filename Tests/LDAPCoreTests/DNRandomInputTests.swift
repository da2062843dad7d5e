import Testing

@testable import LDAPCore

/// Property-style tests over seeded random input, and inputs large enough to show quadratic behaviour.
@Suite("Distinguished name random and large inputs")
struct DistinguishedNameRandomInputTests {
    /// SplitMix64: a small, seeded generator so that every run sees the same inputs.
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

    static let types = ["cn", "CN", " ou ", "dc", "uid", "2.5.4.3", "OID.2.5.4.11", "x-1"]
    static let valuePieces = [
        "a", "Z", " ", "é", "中", "=", "#", "\\,", "\\+", "\\;", "\\\"", "\\<", "\\>", "\\=", "\\\\", "\\ ", "\\#",
        "\\2C", "\\e4\\B8\\ad", "\\00", "\t",
    ]
    static let separators = [",", ", ", " ;", "+", " + "]
    /// Anything, to break otherwise well-formed input.
    static let noise = ["=", ",", "+", ";", "\\", "#", "\"", "<", ">", "\u{0}", "0", "\\4", "#0", ".", "-", "OID."]

    /// A string that is likely to be, or nearly be, a DN: RDNs built from the pieces above, with some noise.
    static func nearDN(using generator: inout SplitMix64) -> String {
        var pieces: [String] = []
        for index in 0..<Int.random(in: 0...4, using: &generator) {
            if index > 0 {
                pieces.append(separators.randomElement(using: &generator) ?? ",")
            }
            pieces.append(types.randomElement(using: &generator) ?? "cn")
            pieces.append(Bool.random(using: &generator) ? "=" : " = ")
            if Int.random(in: 0..<6, using: &generator) == 0 {
                pieces.append(["#04024869", "#0C03616263", "#3000"].randomElement(using: &generator) ?? "#00")
            } else {
                for _ in 0..<Int.random(in: 0...5, using: &generator) {
                    pieces.append(valuePieces.randomElement(using: &generator) ?? "a")
                }
            }
        }
        if Int.random(in: 0..<3, using: &generator) == 0, !pieces.isEmpty {
            let position = Int.random(in: 0...pieces.count, using: &generator)
            pieces.insert(noise.randomElement(using: &generator) ?? "=", at: position)
        }
        return pieces.joined()
    }

    /// Checks the properties that must hold for any input: no trap, an error offset inside the input, and for a
    /// parsed DN a string form that parses back to the same DN and a normalised form that is a fixed point.
    /// Returns whether the input parsed.
    static func checkProperties(of parse: () throws(DNParseError) -> DistinguishedName, length: Int) -> Bool {
        let dn: DistinguishedName
        do {
            dn = try parse()
        } catch {
            #expect(error.offset >= 0 && error.offset <= length, "\(error)")
            return false
        }
        let reparsed = try? DistinguishedName(parsing: dn.description)
        #expect(reparsed == dn, "\(dn.description.debugDescription)")
        #expect(reparsed?.isEquivalent(to: dn) == true)
        let normalized = dn.normalized
        #expect((try? DistinguishedName(parsing: normalized.description))?.normalized == normalized)
        #expect(dn.isWithin(subtree: dn) && (dn.parent.map { dn.isDirectChild(of: $0) } ?? true))
        return true
    }

    @Test("never traps on 500 random near-DN strings, and what parses round-trips")
    func randomStrings() {
        var generator = SplitMix64(state: 0x4C44_4150)
        var parsed = 0
        for _ in 0..<500 {
            let input = Self.nearDN(using: &generator)
            if Self.checkProperties(
                of: { () throws(DNParseError) in try DistinguishedName(parsing: input) }, length: input.utf8.count)
            {
                parsed += 1
            }
        }
        #expect(parsed >= 250, "too few random inputs parsed (\(parsed)) for the round trip to mean much")
    }

    @Test("never traps on 500 random byte strings")
    func randomBytes() {
        var generator = SplitMix64(state: 0xD15E_A5E5)
        let alphabet: [UInt8] = Array("cn=,+; \\#\"<>04aF".utf8) + [0x00, 0x09, 0x80, 0xC3, 0xA9, 0xE4, 0xFF]
        for _ in 0..<500 {
            let count = Int.random(in: 0...32, using: &generator)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &generator)
                    ? alphabet.randomElement(using: &generator) ?? 0 : UInt8.random(in: 0...255, using: &generator)
            }
            _ = Self.checkProperties(
                of: { () throws(DNParseError) in try DistinguishedName(parsingUTF8: bytes) }, length: bytes.count)
        }
    }

    @Test("writes any 500 random DNs built in code so that they parse back unchanged")
    func randomBuiltDNs() throws {
        var generator = SplitMix64(state: 0x0520_4514)
        let characters: [Character] = [
            " ", "#", "=", ",", "+", ";", "\\", "\"", "<", ">", "\u{0}", "\n", "a", "Z", "é", "中", "😀",
        ]
        let types = ["cn", "ou", "dc", "2.5.4.3", "x-y1"]
        for _ in 0..<500 {
            let rdns = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                let attributes = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                    let type = types.randomElement(using: &generator) ?? "cn"
                    if Int.random(in: 0..<5, using: &generator) == 0 {
                        let bytes = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                            UInt8.random(in: 0...255, using: &generator)
                        }
                        return AttributeTypeAndValue(type: type, value: .berEncoded(bytes))
                    }
                    let value = String(
                        (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                            characters.randomElement(using: &generator) ?? "a"
                        })
                    return AttributeTypeAndValue(type: type, value: value)
                }
                return RelativeDistinguishedName(nonEmpty: attributes)
            }
            let dn = DistinguishedName(rdns: rdns)
            #expect(try DistinguishedName(parsing: dn.description) == dn, "\(dn.description.debugDescription)")
        }
    }

    // Hostile sizes: the parser answers them. No time is asserted (house rule: speed lives in benchmarks).
    @Test("rejects 64 KiB of commas at offset 0")
    func manyCommas() {
        let error = #expect(throws: DNParseError.self) {
            try DistinguishedName(parsing: String(repeating: ",", count: 65_536))
        }
        #expect(error?.kind == .emptyAttributeType)
        #expect(error?.offset == 0)
    }

    @Test("handles 64 KiB of backslashes")
    func manyBackslashes() throws {
        do {
            let even = "cn=" + String(repeating: "\\", count: 65_536)
            let dn = try DistinguishedName(parsing: even)
            #expect(dn.rdns.first?.attributes.first?.value == .string(String(repeating: "\\", count: 32_768)))
            #expect(dn.description == even)
            let odd = "cn=" + String(repeating: "\\", count: 65_535)
            let error = #expect(throws: DNParseError.self) { try DistinguishedName(parsing: odd) }
            #expect(error?.kind == .unterminatedEscape)
            #expect(error?.offset == 3 + 65_534)
            #expect(throws: DNParseError.self) {
                try DistinguishedName(parsing: String(repeating: "\\", count: 65_536))
            }
        }
    }

    @Test("handles a DN of 13 000 RDNs and a value of 64 KiB of spaces")
    func manyRDNs() throws {
        do {
            let dn = try DistinguishedName(parsing: String(repeating: "cn=A,", count: 13_000) + "dc=x")
            #expect(dn.rdns.count == 13_001)
            #expect(dn.isWithin(subtree: try DistinguishedName(parsing: "DC=X")))
            #expect(try DistinguishedName(parsing: dn.description) == dn)
            let spaces = try DistinguishedName(parsing: "cn=" + String(repeating: " ", count: 65_536) + "+uid=x")
            #expect(spaces.rdns.first?.attributes.first?.value == .string(""))
            #expect(
                try DistinguishedName(parsing: String(repeating: "cn=a+", count: 13_000) + "cn=b").normalized.rdns.count
                    == 1)
        }
    }
}

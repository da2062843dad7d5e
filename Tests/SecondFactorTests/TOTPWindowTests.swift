import Testing

@testable import SecondFactor

@Suite("Matching a code within the window")
struct TOTPWindowTests {
    static let secret = Array("12345678901234567890".utf8)
    /// Inside step 41152263 (RFC 6238 Appendix B's 1234567890), 10 seconds from its start.
    static let now: Int64 = 1_234_567_890
    static let currentStep = TOTP.step(at: now, period: 30)

    func code(step: Int64, _ parameters: TOTPParameters = .standard) -> String {
        TOTP.code(secret: Self.secret, counter: UInt64(step), parameters: parameters)
    }

    @Test("the current step's code matches and reports its step")
    func current() {
        #expect(
            TOTP.matchingStep(code: code(step: Self.currentStep), secret: Self.secret, time: Self.now)
                == Self.currentStep)
    }

    @Test("with window 1, t-1 and t+1 are accepted and t-2 and t+2 refused")
    func windowEdges() {
        for offset: Int64 in [-1, 1] {
            let step = Self.currentStep + offset
            #expect(TOTP.matchingStep(code: code(step: step), secret: Self.secret, time: Self.now) == step)
        }
        for offset: Int64 in [-2, 2] {
            #expect(
                TOTP.matchingStep(code: code(step: Self.currentStep + offset), secret: Self.secret, time: Self.now)
                    == nil)
        }
    }

    @Test("with window 0 only the current step is accepted")
    func windowZero() throws {
        let strict = try TOTPParameters(window: 0)
        #expect(
            TOTP.matchingStep(
                code: code(step: Self.currentStep - 1), secret: Self.secret, time: Self.now,
                parameters: strict) == nil)
        #expect(
            TOTP.matchingStep(
                code: code(step: Self.currentStep), secret: Self.secret, time: Self.now,
                parameters: strict) == Self.currentStep)
    }

    @Test("with window 2, t-2 is accepted and t-3 refused")
    func windowTwo() throws {
        let wide = try TOTPParameters(window: 2)
        #expect(
            TOTP.matchingStep(
                code: code(step: Self.currentStep - 2), secret: Self.secret, time: Self.now,
                parameters: wide) == Self.currentStep - 2)
        #expect(
            TOTP.matchingStep(
                code: code(step: Self.currentStep - 3), secret: Self.secret, time: Self.now,
                parameters: wide) == nil)
    }

    @Test("the step boundary is at a multiple of the period")
    func boundary() throws {
        let start = Self.currentStep * 30
        let codeNow = code(step: Self.currentStep)
        let strict = try TOTPParameters(window: 0)
        #expect(TOTP.matchingStep(code: codeNow, secret: Self.secret, time: start, parameters: strict) != nil)
        #expect(TOTP.matchingStep(code: codeNow, secret: Self.secret, time: start + 29, parameters: strict) != nil)
        #expect(TOTP.matchingStep(code: codeNow, secret: Self.secret, time: start + 30, parameters: strict) == nil)
        #expect(TOTP.matchingStep(code: codeNow, secret: Self.secret, time: start - 1, parameters: strict) == nil)
    }

    @Test(
        "codes of the wrong length or with non-digits never match",
        arguments: [
            "", "12345", "1234567", "12345a",
            " 123456", "１２３４５６", "-12345",
        ])
    func malformed(typed: String) {
        #expect(TOTP.matchingStep(code: typed, secret: Self.secret, time: Self.now) == nil)
        #expect(!TOTP.isWellFormed(code: typed, digits: 6))
    }

    @Test("a code made with another algorithm or length does not match")
    func otherParameters() throws {
        let sha256 = try TOTPParameters(algorithm: .sha256)
        let sha256Code = code(step: Self.currentStep, sha256)
        #expect(TOTP.matchingStep(code: sha256Code, secret: Self.secret, time: Self.now, parameters: sha256) != nil)
        if sha256Code != code(step: Self.currentStep) {
            #expect(TOTP.matchingStep(code: sha256Code, secret: Self.secret, time: Self.now) == nil)
        }
        let eight = code(step: Self.currentStep, try TOTPParameters(digits: 8))
        #expect(TOTP.matchingStep(code: eight, secret: Self.secret, time: Self.now) == nil)
    }

    @Test("steps before 1970 are never matched")
    func negativeSteps() {
        #expect(TOTP.matchingStep(code: code(step: 0), secret: Self.secret, time: 5) == 0)
        #expect(TOTP.matchingStep(code: code(step: 0), secret: Self.secret, time: -40) == nil)
    }

    @Test("parameters outside their ranges are refused with the offending value")
    func parameterRanges() throws {
        for (digits, period, window) in [(5, 30, 1), (9, 30, 1), (6, 0, 1), (6, 601, 1), (6, 30, -1), (6, 30, 11)] {
            #expect(throws: SecondFactorError.self) {
                try TOTPParameters(digits: digits, period: period, window: window)
            }
        }
        do {
            _ = try TOTPParameters(digits: 4)
            Issue.record("4 digits accepted")
        } catch {
            #expect(error.kind == .invalidParameters)
            #expect(error.description.contains("4"))
        }
        #expect(TOTPParameters.standard == (try TOTPParameters()))
    }

    @Test("algorithm names are parsed leniently")
    func algorithmNames() {
        #expect(TOTPParameters.Algorithm(name: "sha1") == .sha1)
        #expect(TOTPParameters.Algorithm(name: "SHA-256") == .sha256)
        #expect(TOTPParameters.Algorithm(name: "Sha512") == .sha512)
        #expect(TOTPParameters.Algorithm(name: "md5") == nil)
    }
}

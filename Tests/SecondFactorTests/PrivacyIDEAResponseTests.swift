import Testing

@testable import SecondFactor

@Suite("privacyIDEA answers")
struct PrivacyIDEAResponseTests {
    func parse(_ json: String, status: UInt = 200) throws -> PrivacyIDEAResponse {
        try PrivacyIDEAResponse(httpStatus: status, body: Array(json.utf8))
    }

    @Test("an accepted check is accepted")
    func accepted() throws {
        let response = try parse(PrivacyIDEAFixtures.accept)
        #expect(response.status && response.value == true && response.authentication == "ACCEPT")
        #expect(response.validateDecision(redacting: "123456") == .accepted)
    }

    @Test("a wrong code is rejected with privacyIDEA's message")
    func wrongCode() throws {
        let decision = try parse(PrivacyIDEAFixtures.wrongCode).validateDecision(redacting: "000000")
        #expect(decision == .rejected(reason: "privacyIDEA: wrong otp value"))
    }

    @Test("a user without tokens is rejected")
    func noToken() throws {
        let decision = try parse(PrivacyIDEAFixtures.noToken).validateDecision(redacting: "000000")
        #expect(decision == .rejected(reason: "privacyIDEA: The user has no tokens assigned"))
    }

    @Test("an unknown user (error 904) is a rejection, not an outage")
    func unknownUser() throws {
        let response = try parse(PrivacyIDEAFixtures.unknownUser, status: 400)
        #expect(!response.status && response.errorCode == 904)
        #expect(
            response.validateDecision(redacting: "000000")
                == .rejected(reason: "privacyIDEA: ERR904: User <nobody@example> does not exist."))
    }

    @Test(
        "a server-side failure is an outage",
        arguments: [PrivacyIDEAFixtures.resolverDown, PrivacyIDEAFixtures.internalError])
    func serverFailure(json: String) throws {
        let decision = try parse(json, status: 400).validateDecision(redacting: "123456")
        guard case .failed(let reason) = decision else {
            Issue.record("expected .failed, got \(decision)")
            return
        }
        #expect(reason.hasPrefix("privacyIDEA error 907:") || reason.hasPrefix("privacyIDEA error -500:"))
    }

    @Test("a push trigger is an out-of-band challenge with its transaction")
    func pushChallenge() throws {
        let response = try parse(PrivacyIDEAFixtures.pushChallenge)
        #expect(response.challenges == [.init(tokenType: "push", clientMode: "poll")])
        #expect(
            response.validateDecision(redacting: "")
                == .challenge(transactionID: "17300552231067049194", outOfBand: true))
    }

    @Test("a TOTP challenge is not out of band")
    func totpChallenge() throws {
        let decision = try parse(PrivacyIDEAFixtures.totpChallenge).validateDecision(redacting: "")
        #expect(decision == .challenge(transactionID: "14815386219555398736", outOfBand: false))
    }

    @Test("polls read as pending, answered and refused")
    func polls() throws {
        #expect(try parse(PrivacyIDEAFixtures.pollPending).pollState() == .pending)
        #expect(try parse(PrivacyIDEAFixtures.pollAccepted).pollState() == .answered)
        #expect(try parse(PrivacyIDEAFixtures.pollDeclined).pollState() == .refused(status: "declined"))
        #expect(try parse(PrivacyIDEAFixtures.resolverDown).pollState() != .pending)
    }

    @Test("finalising a push reads the verdict")
    func finalising() throws {
        #expect(try parse(PrivacyIDEAFixtures.pushFinalised).validateDecision(redacting: "") == .accepted)
        #expect(
            try parse(PrivacyIDEAFixtures.declinedFinalised).validateDecision(redacting: "")
                == .rejected(reason: "privacyIDEA: Response did not match the challenge."))
    }

    @Test("a body that is not privacyIDEA JSON is a bad response")
    func notJSON() {
        for body in ["<html>502 Bad Gateway</html>", "", "{\"result\": {}}", "[1, 2]"] {
            do {
                _ = try parse(body, status: 502)
                Issue.record("parsed \(body)")
            } catch let error as PrivacyIDEAError {
                #expect(error.code == .badResponse)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("a code echoed by the server never reaches a reason")
    func redaction() throws {
        let echo = """
            {"result": {"status": true, "value": false}, "detail": {"message": "code 482913 is\\u0007 wrong"}}
            """
        let decision = try parse(echo).validateDecision(redacting: "482913")
        #expect(decision == .rejected(reason: "privacyIDEA: code <redacted> is wrong"))
        let error = """
            {"result": {"status": false, "error": {"code": 905, "message": "bad pass 482913"}}}
            """
        #expect(
            try parse(error).validateDecision(redacting: "482913")
                == .failed(reason: "privacyIDEA error 905: bad pass <redacted>"))
    }

    @Test("result.value of another type is ignored, not fatal")
    func otherValueTypes() throws {
        let response = try parse(#"{"result": {"status": true, "value": {"tokens": []}}, "detail": null}"#)
        #expect(response.value == nil && response.status)
    }
}

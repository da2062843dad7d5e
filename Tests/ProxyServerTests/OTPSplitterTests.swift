import LDAPCore
import Testing

@testable import ProxyServer

@Suite("OTP splitter")
struct OTPSplitterTests {
    func split(_ splitter: OTPSplitter, _ text: String) -> (String, String)? {
        guard let (password, code) = splitter.split(SensitiveBytes(text)) else { return nil }
        return (String(buffer: password.bytes), code)
    }

    @Test("takes the code after the last delimiter, so passwords may contain it")
    func delimiter() {
        #expect(split(.delimiter(","), "pass,word,123456").map { [$0.0, $0.1] } == ["pass,word", "123456"])
        #expect(split(.delimiter(","), "password") == nil)
        #expect(split(.delimiter(","), ",123456") == nil)
        #expect(split(.delimiter(","), "password,") == nil)
        #expect(split(.delimiter("::"), "pw::1").map { [$0.0, $0.1] } == ["pw", "1"])
    }

    @Test("takes a fixed number of trailing digits")
    func trailingDigits() {
        #expect(split(.trailingDigits(6), "secret123456").map { [$0.0, $0.1] } == ["secret", "123456"])
        #expect(split(.trailingDigits(6), "secret12345a") == nil)
        #expect(split(.trailingDigits(6), "123456") == nil)
    }
}

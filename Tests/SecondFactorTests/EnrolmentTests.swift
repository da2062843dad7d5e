import Testing

@testable import SecondFactor

@Suite("New secrets and otpauth URIs")
struct EnrolmentTests {
    @Test("generated secrets have the requested size and differ each time")
    func generate() {
        let first = TOTP.generateSecret()
        let second = TOTP.generateSecret()
        #expect(first.count == 20)
        #expect(TOTP.generateSecret(byteCount: 32).count == 32)
        #expect(first != second)
        #expect(Set(first).count > 1)
    }

    @Test("the URI holds the label, unpadded base32 secret, issuer and parameters")
    func standardURI() {
        let secret = Array("12345678901234567890".utf8)
        let uri = TOTP.otpauthURI(secret: secret, account: "alice")
        #expect(
            uri == "otpauth://totp/ldap-mfa-proxy:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=ldap-mfa-proxy&algorithm=SHA1&digits=6&period=30")
    }

    @Test("issuer and account are percent-encoded; the separator colon stays literal")
    func percentEncoding() throws {
        let parameters = try TOTPParameters(digits: 8, period: 60, algorithm: .sha256)
        let uri = TOTP.otpauthURI(
            secret: [0xFF], account: "jane doe@corp.example", issuer: "ACME Co: VPN&Mail", parameters: parameters)
        #expect(
            uri == "otpauth://totp/ACME%20Co%3A%20VPN%26Mail:jane%20doe@corp.example?secret=74"
                + "&issuer=ACME%20Co%3A%20VPN%26Mail&algorithm=SHA256&digits=8&period=60")
    }

    @Test("non-ASCII names are encoded as UTF-8 bytes")
    func unicode() {
        let uri = TOTP.otpauthURI(secret: [0], account: "josé", issuer: "Zürich")
        #expect(uri.hasPrefix("otpauth://totp/Z%C3%BCrich:jos%C3%A9?secret=AA&issuer=Z%C3%BCrich&"))
    }

    @Test("the URI's secret decodes back to the secret")
    func secretRoundTrip() throws {
        let secret = TOTP.generateSecret()
        let uri = TOTP.otpauthURI(secret: secret, account: "bob")
        let query = try #require(uri.split(separator: "?").last)
        let field = try #require(query.split(separator: "&").first { $0.hasPrefix("secret=") })
        #expect(try Base32.decode(String(field.dropFirst("secret=".count))) == secret)
    }
}

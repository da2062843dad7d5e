import Crypto

/// The `tls-server-end-point` channel binding (RFC 5929 §4): the hash of the server's TLS
/// certificate, which ties a GSS-SPNEGO bind over LDAPS or StartTLS to that TLS connection
/// (Active Directory's "LDAP channel binding", `LdapEnforceChannelBinding`).
enum ChannelBinding {
    /// `tls-server-end-point:` followed by the certificate's hash (RFC 5929 §4.1): the hash of its
    /// signature algorithm, SHA-256 when that is MD5 or SHA-1 (or unknown).
    static func tlsServerEndPoint(certificate der: [UInt8]) -> [UInt8] {
        let digest: [UInt8] =
            switch signatureHash(of: der) {
            case .sha384: Array(SHA384.hash(data: der))
            case .sha512: Array(SHA512.hash(data: der))
            case .sha256: Array(SHA256.hash(data: der))
            }
        return Array("tls-server-end-point:".utf8) + digest
    }

    enum Hash: Equatable { case sha256, sha384, sha512 }

    /// The hash of the certificate's `signatureAlgorithm` (RFC 5280 §4.1.1.2).
    static func signatureHash(of der: [UInt8]) -> Hash {
        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm SEQUENCE { OID, ... }, ... }
        guard let certificate = element(der, at: 0), certificate.tag == 0x30,
            let tbs = element(der, at: certificate.contentStart),
            let algorithm = element(der, at: tbs.end), algorithm.tag == 0x30,
            let oid = element(der, at: algorithm.contentStart), oid.tag == 0x06
        else { return .sha256 }
        let value = Array(der[oid.contentStart..<oid.end])
        switch value {
        case sha384WithRSA, ecdsaWithSHA384: return .sha384
        case sha512WithRSA, ecdsaWithSHA512: return .sha512
        default: return .sha256
        }
    }

    static let sha384WithRSA: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C]
    static let sha512WithRSA: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0D]
    static let ecdsaWithSHA384: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03]
    static let ecdsaWithSHA512: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04]

    /// One DER TLV at `offset`: its tag, where its content starts and where it ends.
    static func element(_ der: [UInt8], at offset: Int) -> (tag: UInt8, contentStart: Int, end: Int)? {
        guard offset + 2 <= der.count else { return nil }
        let tag = der[offset]
        var index = offset + 1
        var length = Int(der[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count >= 1, count <= 4, index + count <= der.count else { return nil }
            length = der[index..<index + count].reduce(0) { $0 << 8 | Int($1) }
            index += count
        }
        guard index + length <= der.count else { return nil }
        return (tag, index, index + length)
    }
}

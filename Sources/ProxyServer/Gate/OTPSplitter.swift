import LDAPCore
import NIOCore

/// Takes the one-time code off the end of the password a client sent (the way Duo's and
/// privacyIDEA's LDAP proxies accept "password,123456" or "password123456").
public enum OTPSplitter: Sendable, Hashable {
    /// The code follows the last occurrence of this delimiter.
    case delimiter(String)
    /// The code is this many trailing ASCII digits.
    case trailingDigits(Int)

    /// The directory password and the code, or `nil` when no code can be found.
    public func split(_ secret: SensitiveBytes) -> (password: SensitiveBytes, code: String)? {
        let bytes = Array(secret.bytes.readableBytesView)
        switch self {
        case .delimiter(let delimiter):
            let mark = Array(delimiter.utf8)
            guard !mark.isEmpty, bytes.count > mark.count else { return nil }
            var index = bytes.count - mark.count
            while index >= 0 {
                if bytes[index..<index + mark.count].elementsEqual(mark) {
                    let password = bytes[..<index]
                    let code = bytes[(index + mark.count)...]
                    guard !password.isEmpty, !code.isEmpty else { return nil }
                    return (SensitiveBytes(ByteBuffer(bytes: password)), String(decoding: code, as: UTF8.self))
                }
                index -= 1
            }
            return nil
        case .trailingDigits(let count):
            guard count > 0, bytes.count > count else { return nil }
            let code = bytes[(bytes.count - count)...]
            guard code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return (
                SensitiveBytes(ByteBuffer(bytes: bytes[..<(bytes.count - count)])),
                String(decoding: code, as: UTF8.self)
            )
        }
    }
}

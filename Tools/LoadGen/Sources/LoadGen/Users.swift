import Foundation

/// One account the generator binds as.
struct LoadUser {
    var dn: [UInt8]
    var password: [UInt8]
    /// The raw TOTP key; when set, the current code is appended to the password.
    var secret: [UInt8]?
    /// The bind PDU without a code, encoded once at start.
    var encoded: (bytes: [UInt8], idOffset: Int)
}

enum UserSource {
    /// Reads `DN<TAB>PASSWORD[<TAB>BASE32-TOTP-SECRET]` lines; `#` starts a comment line.
    static func file(_ path: String) throws -> [LoadUser] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var users: [LoadUser] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { throw LoadGenError("\(path):\(number + 1): expected DN<TAB>PASSWORD") }
            var secret: [UInt8]?
            if fields.count >= 3, !fields[2].isEmpty {
                guard let key = TOTP.base32Decode(fields[2]) else {
                    throw LoadGenError("\(path):\(number + 1): the TOTP secret is not base32")
                }
                secret = key
            }
            users.append(make(dn: fields[0], password: fields[1], secret: secret))
        }
        guard !users.isEmpty else { throw LoadGenError("\(path) holds no users") }
        return users
    }

    /// Users from printf patterns over first...last, e.g. `uid=user%04d,ou=people,dc=example,dc=test`.
    static func pattern(dn: String, password: String, secret: String?, range: ClosedRange<Int>) throws -> [LoadUser] {
        try range.map { n in
            var key: [UInt8]?
            if let secret {
                guard let decoded = TOTP.base32Decode(String(format: secret, n)) else {
                    throw LoadGenError("--secret-pattern does not give base32 for \(n)")
                }
                key = decoded
            }
            return make(dn: String(format: dn, n), password: String(format: password, n), secret: key)
        }
    }

    static func make(dn: String, password: String, secret: [UInt8]?) -> LoadUser {
        LoadUser(
            dn: Array(dn.utf8), password: Array(password.utf8), secret: secret,
            encoded: BER.simpleBind(dn: Array(dn.utf8), password: Array(password.utf8)))
    }
}

/// Hands out users in rotation. A user with a TOTP secret is handed out at most once per time step
/// (the proxy refuses a code step it has already seen), whether its bind then succeeds or not.
final class UserPool {
    let users: [LoadUser]
    let period: Int64
    let digits: Int
    let delimiter: [UInt8]
    private var lastStep: [Int64]
    private var cursor = 0

    init(users: [LoadUser], period: Int64, digits: Int, delimiter: String) {
        self.users = users
        self.period = period
        self.digits = digits
        self.delimiter = Array(delimiter.utf8)
        lastStep = Array(repeating: .min, count: users.count)
    }

    var currentStep: Int64 { Int64(Date().timeIntervalSince1970) / period }

    /// Seconds until the next step begins.
    var secondsToNextStep: Double {
        let now = Date().timeIntervalSince1970
        return Double(period) - now.truncatingRemainder(dividingBy: Double(period))
    }

    /// The next user free in this step, or nil when every TOTP user has had its turn.
    func next() -> Int? {
        let step = currentStep
        for _ in 0..<users.count {
            let index = cursor
            cursor = cursor + 1 == users.count ? 0 : cursor + 1
            if users[index].secret == nil { return index }
            if lastStep[index] < step {
                lastStep[index] = step
                return index
            }
        }
        return nil
    }

    /// How a bind goes wrong on purpose.
    enum Wrong { case none, wrongCode, noCode }

    /// The bind PDU for `index`: pre-encoded for a user without a secret, else encoded now with the
    /// current code (or a wrong one, or none) appended after the delimiter.
    func pdu(_ index: Int, wrong: Wrong) -> (bytes: [UInt8], idOffset: Int) {
        let user = users[index]
        guard let secret = user.secret else { return user.encoded }
        let step = currentStep
        var code = TOTP.code(secret: secret, step: step, digits: digits)
        switch wrong {
        case .none: break
        case .noCode: return user.encoded
        case .wrongCode:
            // A code none of the steps the proxy may accept (window up to 10) would produce.
            let valid = Set((-10...10).map { TOTP.code(secret: secret, step: step + Int64($0), digits: digits) })
            var candidate = (Int(code)! + 1) % Int(pow(10, Double(digits)))
            while valid.contains(Self.pad(candidate, digits)) { candidate = (candidate + 7919) % 1_000_000 }
            code = Self.pad(candidate, digits)
        }
        return BER.simpleBind(dn: user.dn, password: user.password + delimiter + Array(code.utf8))
    }

    private static func pad(_ value: Int, _ digits: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

struct LoadGenError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

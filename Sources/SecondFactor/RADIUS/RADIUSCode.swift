/// The Code field of a RADIUS packet (RFC 2865 §3, §4; RFC 5997 for Status-Server).
///
/// A struct rather than an enum so that a packet with any code can be decoded and shown.
struct RADIUSCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt8
    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// RFC 2865 §4.1.
    static let accessRequest = RADIUSCode(rawValue: 1)
    /// RFC 2865 §4.2.
    static let accessAccept = RADIUSCode(rawValue: 2)
    /// RFC 2865 §4.3.
    static let accessReject = RADIUSCode(rawValue: 3)
    /// RFC 2866 §4.1.
    static let accountingRequest = RADIUSCode(rawValue: 4)
    /// RFC 2866 §4.2.
    static let accountingResponse = RADIUSCode(rawValue: 5)
    /// RFC 2865 §4.4.
    static let accessChallenge = RADIUSCode(rawValue: 11)
    /// RFC 5997 §3.
    static let statusServer = RADIUSCode(rawValue: 12)

    /// True for the three answers to an Access-Request (RFC 2865 §4.2-4.4).
    var isAccessResponse: Bool { self == .accessAccept || self == .accessReject || self == .accessChallenge }

    var description: String {
        switch self {
        case .accessRequest: "Access-Request"
        case .accessAccept: "Access-Accept"
        case .accessReject: "Access-Reject"
        case .accountingRequest: "Accounting-Request"
        case .accountingResponse: "Accounting-Response"
        case .accessChallenge: "Access-Challenge"
        case .statusServer: "Status-Server"
        default: "code \(rawValue)"
        }
    }
}

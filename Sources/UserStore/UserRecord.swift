import Foundation

/// What the store tells about a user: never the secret.
public struct UserRecord: Sendable, Hashable {
    /// The name as last enrolled, with its original case (lookups ignore case).
    public var username: String
    /// True when the user has a TOTP secret.
    public var enrolled: Bool
    /// When the user's row was first created.
    public var createdAt: Date
    /// When a code of this user was last accepted, if ever since enrolment.
    public var lastUsedAt: Date?

    public init(username: String, enrolled: Bool, createdAt: Date, lastUsedAt: Date?) {
        self.username = username
        self.enrolled = enrolled
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

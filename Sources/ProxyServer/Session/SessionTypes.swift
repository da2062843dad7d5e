import LDAPCore
import NIOCore

/// What a finished bind gate decided (see `BindGate`).
public enum GateDecision: Sendable {
    /// The bind succeeds: `response` is the directory's BindResponse (relayed to the client with
    /// the client's message ID); `identity` is the bind to replay on the client's dedicated
    /// connection, `nil` for anonymous.
    case allow(response: LDAPMessage, identity: BindRequest?)
    /// The bind fails with this result.
    case deny(LDAPResult)
}

/// Session-level settings.
public struct SessionConfiguration: Sendable {
    /// Close a connection with nothing pending after this long without traffic.
    public var idleTimeout: TimeAmount
    /// Operations a client may send while its bind is pending before it is disconnected.
    public var maxHeldWhileBinding: Int
    /// Relay anonymous binds (RFC 4513 §5.1.1) or refuse them with inappropriateAuthentication.
    public var relayAnonymousBinds: Bool
    /// Whether the listener can offer StartTLS (a certificate is configured).
    public var startTLSAvailable: Bool
    /// Relayed requests a connection may have awaiting the directory's answer (queued while its
    /// directory connection opens, or sent and not finally answered); one more is answered
    /// `busy (51)` without being relayed. slapd's `olcConnMaxPendingAuth` default, 1000.
    public var maxOutstanding: Int

    public init(
        idleTimeout: TimeAmount = .minutes(10), maxHeldWhileBinding: Int = 32, relayAnonymousBinds: Bool = true,
        startTLSAvailable: Bool = false, maxOutstanding: Int = 1000
    ) {
        self.idleTimeout = idleTimeout
        self.maxHeldWhileBinding = maxHeldWhileBinding
        self.relayAnonymousBinds = relayAnonymousBinds
        self.startTLSAvailable = startTLSAvailable
        self.maxOutstanding = maxOutstanding
    }
}

/// What the session asks its channel handler to do.
public enum SessionAction: Sendable, Equatable {
    /// Send a message the proxy built to the client.
    case send(LDAPMessage)
    /// Send bytes the directory produced to the client, untouched.
    case relayToClient(LDAPFrame)
    /// Run the bind gate for this request; report back with `gateCompleted`.
    case startGate(messageID: Int32, request: BindRequest, controls: [LDAPControl]?)
    /// Open the client's dedicated upstream connection bound as `bind` (nil: anonymous); report
    /// back with `upstreamOpened` or `upstreamOpenFailed`.
    case openUpstream(bind: BindRequest?)
    /// Send a client frame to the dedicated upstream connection, untouched.
    case relayToUpstream(LDAPFrame)
    /// Close the dedicated upstream connection (abandoning what is outstanding on it).
    case closeUpstream
    /// Send the StartTLS success response, then put TLS in front of the connection.
    case startTLS(response: LDAPMessage)
    /// Send an optional Notice of Disconnection, then close the client connection.
    case disconnect(notice: LDAPMessage?)
    /// Record the audit event of a bind the session refused itself (no gate ran).
    case auditRefusedBind(name: String, rule: String, result: ResultCode)

    public static func == (lhs: SessionAction, rhs: SessionAction) -> Bool {
        switch (lhs, rhs) {
        case (.send(let a), .send(let b)): a == b
        case (.relayToClient(let a), .relayToClient(let b)): a == b
        case (.startGate(let a, let b, let c), .startGate(let d, let e, let f)): a == d && b == e && c == f
        case (.openUpstream(let a), .openUpstream(let b)): a == b
        case (.relayToUpstream(let a), .relayToUpstream(let b)): a == b
        case (.closeUpstream, .closeUpstream): true
        case (.startTLS(let a), .startTLS(let b)): a == b
        case (.disconnect(let a), .disconnect(let b)): a == b
        case (.auditRefusedBind(let a, let b, let c), .auditRefusedBind(let d, let e, let f)):
            a == d && b == e && c == f
        default: false
        }
    }
}

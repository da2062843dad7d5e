import Foundation

/// How ``RADIUSProvider`` reaches its servers (`mfa.radius.*` in the configuration).
///
/// `description` and `dump()` never show the secret.
public struct RADIUSSettings: Sendable, CustomStringConvertible, CustomReflectable {
    /// One RADIUS server: host name or IP address, and the authentication port (1812 by default).
    public struct Server: Hashable, Sendable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int = 1812) {
            self.host = host
            self.port = port
        }

        /// Parses `host:port`, `host`, `[v6]:port`, `[v6]` or a bare IPv6 address (port 1812 when absent).
        public init(parsing text: String) throws(RADIUSError) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            var host = trimmed
            var port = 1812
            if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
                host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                let rest = trimmed[trimmed.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()) else {
                        throw RADIUSError(.invalidSettings, "bad server address \"\(text)\"")
                    }
                    port = value
                }
            } else if trimmed.filter({ $0 == ":" }).count == 1, let colon = trimmed.firstIndex(of: ":") {
                host = String(trimmed[..<colon])
                guard let value = Int(trimmed[trimmed.index(after: colon)...]) else {
                    throw RADIUSError(.invalidSettings, "bad port in server address \"\(text)\"")
                }
                port = value
            }
            guard !host.isEmpty, (1...65535).contains(port) else {
                throw RADIUSError(.invalidSettings, "bad server address \"\(text)\"")
            }
            self.init(host: host, port: port)
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// What goes into User-Password.
    public enum SendMode: Hashable, Sendable {
        /// Only the one-time code: the directory already checked the password (the default).
        case code
        /// The directory password followed by the code, for servers that check both.
        case passwordAndCode
    }

    /// Tried in order: the next one only when the previous did not answer.
    public var servers: [Server]
    /// The shared secret (RFC 2865 §3), from `mfa.radius.secret_file`.
    public var secret: [UInt8]
    /// How long to wait for an answer to each transmission.
    public var timeout: Duration
    /// How many times one Access-Request is sent to one server, the first time included (RFC 2865 §2.5
    /// retransmissions), before the next server is tried. A dead server costs `timeout * retries`.
    public var retries: Int
    /// What User-Password carries.
    public var send: SendMode
    /// NAS-Identifier (RFC 2865 §5.32): lets the server tell this proxy's requests apart.
    public var nasIdentifier: String

    public init(
        servers: [Server], secret: [UInt8], timeout: Duration = .seconds(2), retries: Int = 3,
        send: SendMode = .code, nasIdentifier: String = "ldap-mfa-proxy"
    ) {
        self.servers = servers
        self.secret = secret
        self.timeout = timeout
        self.retries = retries
        self.send = send
        self.nasIdentifier = nasIdentifier
    }

    /// Throws `invalidSettings` when these settings cannot work.
    public func validate() throws(RADIUSError) {
        guard !servers.isEmpty else { throw RADIUSError(.invalidSettings, "no RADIUS server") }
        for server in servers where server.host.isEmpty || !(1...65535).contains(server.port) {
            throw RADIUSError(.invalidSettings, "bad server \(server)")
        }
        guard !secret.isEmpty else { throw RADIUSError(.invalidSettings, "the shared secret is empty") }
        guard timeout > .zero else { throw RADIUSError(.invalidSettings, "timeout must be positive") }
        guard (1...10).contains(retries) else { throw RADIUSError(.invalidSettings, "retries must be 1...10") }
        guard (1...RADIUSAttribute.maximumValueLength).contains(nasIdentifier.utf8.count) else {
            throw RADIUSError(.invalidSettings, "NAS-Identifier must be 1...253 octets")
        }
    }

    public var description: String {
        "RADIUSSettings(servers: \(servers), secret: <redacted>, timeout: \(timeout), retries: \(retries), "
            + "send: \(send), nasIdentifier: \(nasIdentifier))"
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "servers": servers, "secret": "<redacted>", "timeout": timeout, "retries": retries, "send": send,
                "nasIdentifier": nasIdentifier,
            ],
            displayStyle: .struct)
    }
}

/// A host and a port, as `listen.ldap` and `listen.ldaps` take them: `127.0.0.1:3890`, `0.0.0.0:389`,
/// `[::1]:636`, `[::]:389`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP address, without brackets (`::1`).
    public var host: String
    /// The TCP port, 1...65535.
    public var port: Int

    /// An address of `host` (without brackets) and `port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with an IPv6 address in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// The host-and-port syntax shared by listen addresses and server URLs.
enum HostPort {
    /// Splits `host`, `host:port`, `[v6]` or `[v6]:port`; the message says what is wrong otherwise.
    static func split(_ text: String) -> Result<(host: String, port: Int?), HostPortError> {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure("an IPv6 address lacks its ']'") }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return .failure("expected ':port' after ']'") }
                portText = rest.dropFirst()
            }
            guard host.contains(":"), host.allSatisfy({ $0.isHexDigit || ":.%".contains($0) || $0.isLetter })
            else { return .failure("'\(host)' is not an IPv6 address") }
        } else {
            let colons = text.filter { $0 == ":" }.count
            guard colons <= 1 else { return .failure("an IPv6 address must be written in brackets, as [::1]:389") }
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            portText = parts.count > 1 ? parts[1] : nil
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else {
                return .failure("'\(host)' is not a host name or IP address")
            }
        }
        guard !host.isEmpty else { return .failure("the host is missing") }
        guard let portText else { return .success((String(host), nil)) }
        guard portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber), let port = Int(portText),
            (1...65535).contains(port)
        else {
            return .failure("the port '\(portText)' is not a number from 1 to 65535")
        }
        return .success((String(host), port))
    }
}

/// What is wrong with a host and port, for a message.
struct HostPortError: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    let message: String

    init(stringLiteral value: String) {
        self.message = value
    }

    init(stringInterpolation: DefaultStringInterpolation) {
        self.message = String(stringInterpolation: stringInterpolation)
    }
}

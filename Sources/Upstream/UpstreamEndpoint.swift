import NIOCore
import NIOSSL

/// One directory server as the proxy reaches it: where, and how the connection is secured.
///
/// The Configuration target turns `directory.servers` and the bind types into these; the
/// Upstream target knows nothing of YAML.
public struct UpstreamEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The URL as the administrator wrote it, for messages.
    public var label: String

    public init(host: String, port: Int, label: String? = nil) {
        self.host = host
        self.port = port
        self.label = label ?? "\(host):\(port)"
    }

    public var description: String { label }
}

/// How a connection to a directory is protected.
public enum ConnectionSecurity: Sendable, Hashable {
    /// Cleartext LDAP.
    case plain
    /// TLS from the first byte (LDAPS).
    case ldaps(TLSSettings)
    /// Cleartext, upgraded by the StartTLS extended operation (RFC 4511 §4.14) before anything else.
    case startTLS(TLSSettings)

    public var tls: TLSSettings? {
        switch self {
        case .plain: nil
        case .ldaps(let tls), .startTLS(let tls): tls
        }
    }
}

/// How the directory's certificate is verified.
public struct TLSSettings: Sendable, Hashable {
    /// PEM file of trusted CAs; `nil` uses the system's roots.
    public var caFile: String?
    /// Check the certificate names the host (or IP address) connected to (RFC 6125).
    public var verifyHostname: Bool
    public var minimumVersion: TLSVersion

    public init(caFile: String? = nil, verifyHostname: Bool = true, minimumVersion: TLSVersion = .tlsv12) {
        self.caFile = caFile
        self.verifyHostname = verifyHostname
        self.minimumVersion = minimumVersion
    }

    /// A client TLS context for these settings. Loading the CA file happens here, once.
    public func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = minimumVersion
        if let caFile {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        }
        configuration.certificateVerification = verifyHostname ? .fullVerification : .noHostnameVerification
        return try NIOSSLContext(configuration: configuration)
    }
}

extension UpstreamEndpoint {
    /// The name to send as SNI and verify against: `nil` for an IP address, which NIOSSL then
    /// checks against the certificate's IP SAN entries.
    var serverNameForTLS: String? {
        if (try? SocketAddress(ipAddress: host, port: port)) != nil { return nil }
        return host
    }
}

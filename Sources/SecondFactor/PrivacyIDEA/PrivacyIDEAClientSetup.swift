import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Checked settings turned into what the HTTP client needs: the normalised base URL and a client
/// configuration with TLS (trusting `caFile`), timeouts, no redirects and no connection retries.
struct PrivacyIDEAClientSetup {
    /// The base URL without a trailing slash.
    let baseURL: String
    let configuration: HTTPClient.Configuration

    init(settings: PrivacyIDEASettings) throws(PrivacyIDEAError) {
        baseURL = try Self.checkedBaseURL(settings.url)
        for (name, value) in [
            ("pushTimeout", settings.pushTimeout), ("pollInterval", settings.pollInterval),
            ("requestTimeout", settings.requestTimeout),
        ] where value <= .zero {
            throw PrivacyIDEAError(.invalidSettings, "\(name) must be positive, not \(value)")
        }

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = settings.verifyHostname ? .fullVerification : .noHostnameVerification
        if let caFile = settings.caFile {
            tls.trustRoots = .certificates(try Self.loadCertificates(caFile))
        }

        let timeout = PrivacyIDEAHTTP.timeAmount(settings.requestTimeout)
        // async-http-client opens at most 8 connections per host by default and queues the rest: with a
        // check taking 160-335 ms in privacyIDEA, that capped checks near 30/s, and 8 slow ones held every
        // other bind (BENCHMARKS.md, "Memory"). Connections open only as checks need them.
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(55), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.maximumConnections)
        // A refused connection or a failed handshake is an answer (privacyIDEA is unavailable); retrying
        // it until the connect timeout would only make the bind wait longer for the same outcome.
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            // A redirect would send the code to wherever the Location header points.
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeout, read: timeout),
            connectionPool: pool,
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        self.configuration = configuration
    }

    /// The most HTTP connections to the privacyIDEA server at once (async-http-client's soft limit per host).
    static let maximumConnections = 64

    /// `scheme://host[:port][/path]` with scheme `http` or `https`, no query, no fragment, no user info.
    static func checkedBaseURL(_ url: String) throws(PrivacyIDEAError) -> String {
        var base = url.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        let lower = base.lowercased()
        guard let schemeEnd = lower.range(of: "://"),
            ["http", "https"].contains(String(lower[..<schemeEnd.lowerBound]))
        else {
            throw PrivacyIDEAError(.invalidSettings, "url must start with http:// or https://: \(url)")
        }
        let rest = base[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !authority.contains("@"), !rest.contains("?"), !rest.contains("#"),
            !rest.contains(" ")
        else {
            throw PrivacyIDEAError(.invalidSettings, "url must be scheme://host[:port][/path]: \(url)")
        }
        return base
    }

    /// Every certificate in a PEM file; the file must hold at least one.
    static func loadCertificates(_ path: String) throws(PrivacyIDEAError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw PrivacyIDEAError(.invalidSettings, "cannot read CA file \(path): \(error)")
        }
        guard !certificates.isEmpty else {
            throw PrivacyIDEAError(.invalidSettings, "CA file \(path) holds no PEM certificate")
        }
        return certificates
    }
}

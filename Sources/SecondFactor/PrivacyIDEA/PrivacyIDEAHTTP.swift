import AsyncHTTPClient
import NIOCore
import NIOSSL

/// The provider's side of the wire: form-encoded POSTs and GETs against one privacyIDEA base URL over a
/// shared `HTTPClient` (connection pool, TLS kept warm), each bounded by `requestTimeout` from the first
/// byte to the last. Waiting is asynchronous throughout: no thread is held while a request is in flight.
struct PrivacyIDEAHTTP: Sendable {
    /// Answers larger than this are not privacyIDEA answers to the endpoints used here.
    static let maximumBodySize = 256 * 1024

    let client: HTTPClient
    let baseURL: String
    let requestTimeout: Duration
    /// The trusted CA file, named in certificate errors.
    let caFile: String?

    /// `POST base + path` with an `application/x-www-form-urlencoded` body.
    func post(_ path: String, form: [(String, String)]) async throws(PrivacyIDEAError) -> PrivacyIDEAResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: Self.formEncode(form)))
        return try await exchange(request)
    }

    /// `GET base + path?query`.
    func get(_ path: String, query: [(String, String)]) async throws(PrivacyIDEAError) -> PrivacyIDEAResponse {
        var request = HTTPClientRequest(url: baseURL + path + "?" + Self.formEncode(query))
        request.method = .GET
        return try await exchange(request)
    }

    private func exchange(_ request: HTTPClientRequest) async throws(PrivacyIDEAError) -> PrivacyIDEAResponse {
        var request = request
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ldap-mfa-proxy")
        let (status, body): (UInt, ByteBuffer)
        do {
            (status, body) = try await withTimeout { [client, request, requestTimeout] in
                let deadline = NIODeadline.now() + PrivacyIDEAHTTP.timeAmount(requestTimeout)
                let response = try await client.execute(request, deadline: deadline)
                let body = try await response.body.collect(upTo: PrivacyIDEAHTTP.maximumBodySize)
                return (response.status.code, body)
            }
        } catch {
            throw classify(error)
        }
        return try PrivacyIDEAResponse(httpStatus: status, body: body.readableBytesView)
    }

    /// Runs `operation`, cancelling it and throwing `timedOut` once `requestTimeout` has passed.
    private func withTimeout<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let timeout = requestTimeout
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw PrivacyIDEAError(.timedOut, "no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    /// Turns whatever the HTTP stack threw into a `PrivacyIDEAError` with a readable cause.
    func classify(_ error: any Error) -> PrivacyIDEAError {
        switch error {
        case let error as PrivacyIDEAError:
            return error
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            return PrivacyIDEAError(.tls, "the server certificate does not name the host of \(baseURL) (\(error))")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            let text = String(describing: error)
            if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
                let trusted = caFile.map { "the CA in \($0)" } ?? "the system's trusted CAs"
                return PrivacyIDEAError(.tls, "the server certificate is not signed by \(trusted) (\(text))")
            }
            return PrivacyIDEAError(.tls, "TLS handshake with \(baseURL) failed: \(text)")
        case let error as HTTPClientError
        where [.deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout].contains(error):
            return PrivacyIDEAError(.timedOut, "no answer from \(baseURL) within \(requestTimeout) (\(error))")
        case is CancellationError:
            return PrivacyIDEAError(.unreachable, "the request to \(baseURL) was cancelled")
        default:
            return PrivacyIDEAError(.unreachable, "cannot reach \(baseURL): \(error)")
        }
    }

    /// `application/x-www-form-urlencoded`: every byte except RFC 3986 unreserved ones percent-encoded.
    static func formEncode(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A `Duration` as NIO's `TimeAmount` (nanosecond precision).
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

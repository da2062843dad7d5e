/// Where and how `PrivacyIDEAProvider` reaches privacyIDEA (`mfa.privacyidea.*` in the configuration).
///
/// The provider checks the values when it is created and throws a `PrivacyIDEAError` for a URL it
/// cannot use, a CA file it cannot read, or a duration that is not positive.
public struct PrivacyIDEASettings: Sendable, Hashable {
    /// The base URL of the privacyIDEA server, e.g. `https://mfa.example.test` or
    /// `http://127.0.0.1:5001`; a path prefix is kept (`https://host/pi` calls `https://host/pi/validate/check`).
    public var url: String
    /// The privacyIDEA realm sent with every check; `nil` uses the server's default realm.
    public var realm: String?
    /// A PEM file with the certificate authorities to trust for an `https` URL; `nil` trusts the system roots.
    public var caFile: String?
    /// Whether the server certificate must name the URL's host (IP SAN or DNS name). Turn off only for a
    /// server whose certificate is trusted through `caFile` but issued for another name.
    public var verifyHostname: Bool
    /// How long a push waits for the user to approve it on the phone before the bind is refused.
    public var pushTimeout: Duration
    /// How often a waiting push asks privacyIDEA whether it has been answered. Every parked push costs one
    /// request per interval, so a shorter interval answers faster and loads privacyIDEA more.
    public var pollInterval: Duration
    /// The longest any one HTTP exchange may take, connecting included; a slower answer counts as
    /// privacyIDEA being unavailable.
    public var requestTimeout: Duration

    /// Creates settings with the documented defaults: push timeout 60 s (clients are told to wait 30-60 s),
    /// poll interval 1 s, request timeout 10 s, hostname verification on.
    public init(
        url: String, realm: String? = nil, caFile: String? = nil, verifyHostname: Bool = true,
        pushTimeout: Duration = .seconds(60), pollInterval: Duration = .seconds(1),
        requestTimeout: Duration = .seconds(10)
    ) {
        self.url = url
        self.realm = realm
        self.caFile = caFile
        self.verifyHostname = verifyHostname
        self.pushTimeout = pushTimeout
        self.pollInterval = pollInterval
        self.requestTimeout = requestTimeout
    }
}

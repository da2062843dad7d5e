// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets over the LDAP codec (issue 2) and the session state machine (issue 8). A package of
/// its own, so that a normal build of the proxy never builds them; `scripts/fuzz.sh` builds and runs them
/// with the sanitizer flags they need.
let package = Package(
    name: "ldap-mfa-proxy-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "ldap-mfa-proxy", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Holds only `LLVMFuzzerTestOneInput`: libFuzzer supplies `main`.
        .executableTarget(
            name: "FuzzCodec",
            dependencies: [
                .product(name: "LDAPCore", package: "ldap-mfa-proxy"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // Holds only `LLVMFuzzerTestOneInput` and its harness: libFuzzer supplies `main`.
        .executableTarget(
            name: "FuzzSession",
            dependencies: [
                .product(name: "LDAPCore", package: "ldap-mfa-proxy"),
                .product(name: "ProxyServer", package: "ldap-mfa-proxy"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
    ]
)

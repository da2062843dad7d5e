// swift-tools-version:6.0
import PackageDescription

/// Module boundaries follow ../shared/DESIGN.md: arrows point down only
/// (LDAPCore <- LDAPNIO <- Upstream <- ProxyServer <- App <- executable).
let package = Package(
    name: "ldap-mfa-proxy",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ldap-mfa-proxy", targets: ["ldap-mfa-proxy"]),
        .library(name: "LDAPCore", targets: ["LDAPCore"]),
        .library(name: "LDAPNIO", targets: ["LDAPNIO"]),
        // For the session state machine fuzzer in Fuzz/ (issue 8).
        .library(name: "ProxyServer", targets: ["ProxyServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(name: "LDAPCore", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(
            name: "LDAPNIO",
            dependencies: [
                "LDAPCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .systemLibrary(name: "CGSSAPI", pkgConfig: "krb5-gssapi", providers: [.apt(["libkrb5-dev"])]),
        .target(
            name: "Upstream",
            dependencies: [
                "LDAPNIO", "CGSSAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        .target(
            name: "SecondFactor",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "UserStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "DirectorySync",
            dependencies: [
                "LDAPCore", "Upstream", "UserStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(
            name: "ProxyConfig",
            dependencies: [
                "LDAPCore",
                .product(name: "Yams", package: "Yams"),
            ]),
        .target(
            name: "ProxyServer",
            dependencies: [
                "LDAPNIO", "Upstream", "SecondFactor",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "App",
            dependencies: [
                "ProxyConfig", "ProxyServer", "Upstream", "SecondFactor", "UserStore", "QRCode", "DirectorySync",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "ldap-mfa-proxy",
            dependencies: [
                "App", "QRCode", "ProxyConfig", "LDAPCore", "SecondFactor", "UserStore", "DirectorySync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(name: "QRCode"),
        // Helpers the test targets share (ports for the servers they start); not a test target itself.
        .target(
            name: "TestSupport", dependencies: [.product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            path: "Tests/TestSupport"),
        .testTarget(name: "LDAPCoreTests", dependencies: ["LDAPCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ProxyConfigTests", dependencies: ["ProxyConfig"]),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(
            name: "UserStoreTests",
            dependencies: ["UserStore", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "DirectorySyncTests",
            dependencies: [
                "DirectorySync", "ProxyConfig", "Upstream", "UserStore", "LDAPCore", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(name: "SecondFactorTests", dependencies: ["SecondFactor", "TestSupport"]),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode"]),
        .testTarget(
            name: "UpstreamTests",
            dependencies: ["Upstream", .product(name: "NIOEmbedded", package: "swift-nio")]),
        .testTarget(
            name: "ProxyServerTests",
            dependencies: ["ProxyServer", .product(name: "NIOEmbedded", package: "swift-nio")]),
        .testTarget(
            name: "LDAPNIOTests",
            dependencies: ["LDAPNIO", .product(name: "NIOEmbedded", package: "swift-nio")]),
    ]
)

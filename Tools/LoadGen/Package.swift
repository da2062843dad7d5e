// swift-tools-version: 6.0
// The load generator of issue 8: its own package, so the proxy's build and CI never build it.
// Build: cd Tools/LoadGen && nice swift build -c release   (binary: .build/release/ldap-loadgen)
import PackageDescription

let package = Package(
    name: "LoadGen",
    products: [.executable(name: "ldap-loadgen", targets: ["LoadGen"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", exact: "0.2.0"),
    ],
    targets: [
        .executableTarget(
            name: "LoadGen",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        )
    ],
    // The event-loop-confined state of the generator is not Sendable by design (one loop owns it).
    swiftLanguageModes: [.v5]
)

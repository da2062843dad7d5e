// swift-tools-version:6.1
import PackageDescription

/// Benchmarks (issue 2), in a package of their own so that a normal build of the proxy never builds
/// the benchmark tooling. Run from this folder:
///
///     swift package --allow-writing-to-package-directory benchmark --target CodecBenchmarks
///
/// Figures and the exact command used for them are in ../BENCHMARKS.md.
let package = Package(
    name: "ldap-mfa-proxy-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "ldap-mfa-proxy", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Only for the cross-check against a general BER parser.
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "LDAPCore", package: "ldap-mfa-proxy"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")])
    ]
)

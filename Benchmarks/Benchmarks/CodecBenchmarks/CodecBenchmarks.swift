import Benchmark
import LDAPCore
import NIOCore
import SwiftASN1

/// Decode and encode rates of the LDAP codec (issue 2). Each benchmark iteration is 1,000
/// operations (`scalingFactor: .kilo`), so the figures read per operation: one message decoded or
/// encoded, or one pass of the frame parser over a buffer of 100 BindRequests.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    for sample in Sample.all {
        let bytes = sample.message.encoded()
        precondition((try? LDAPMessage(decoding: bytes)) == sample.message, "\(sample.name) does not round-trip")

        Benchmark("\(sample.name) decode") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try LDAPMessage(decoding: bytes))
            }
        }
        Benchmark("\(sample.name) encode") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(sample.message.encoded())
            }
        }
        // The same bytes through a general BER parser, as a cross-check of the figures above. It
        // builds an untyped node tree and needs `[UInt8]`; the copy out of the ByteBuffer is not timed.
        let array = Array(bytes.readableBytesView)
        precondition((try? BER.parse(array)) != nil, "swift-asn1 rejects \(sample.name)")
        Benchmark("\(sample.name) swift-asn1 BER.parse") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try BER.parse(array))
            }
        }
    }

    // Framing alone: split a stream of 100 BindRequests into frames (header peeks and one walk of
    // each message's element structure, no decoding), as the channel handler does on every read.
    var writer = BERWriter()
    for messageID in 1...100 {
        var message = Sample.bind.message
        message.messageID = Int32(messageID)
        message.write(to: &writer)
    }
    let stream = writer.buffer
    let parser = LDAPFrameParser(limits: LDAPFrameLimits())
    Benchmark("Frame parse 100 BindRequests") { benchmark in
        for _ in benchmark.scaledIterations {
            var buffer = stream
            var frames = 0
            while let frame = try parser.nextFrame(from: &buffer) {
                blackHole(frame)
                frames += 1
            }
            precondition(frames == 100)
        }
    }
}

/// The messages measured.
struct Sample: Sendable {
    var name: String
    var message: LDAPMessage

    static let all = [bind, entry, search]

    /// A simple BindRequest, as a client sends it with a password (and OTP) to the proxy.
    static let bind = Sample(
        name: "BindRequest",
        message: LDAPMessage(
            messageID: 1,
            protocolOp: .bindRequest(
                BindRequest(
                    name: "uid=alice,ou=people,dc=example,dc=test",
                    authentication: .simple(SensitiveBytes("correct-horse-battery-staple123456"))))))

    /// A SearchResultEntry with 10 attributes (14 values), the shape of a user entry.
    static let entry = Sample(
        name: "SearchResultEntry",
        message: LDAPMessage(
            messageID: 2,
            protocolOp: .searchResultEntry(
                SearchResultEntry(
                    objectName: "uid=alice,ou=people,dc=example,dc=test",
                    attributes: [
                        PartialAttribute("objectClass", ["top", "person", "organizationalPerson", "inetOrgPerson"]),
                        PartialAttribute("uid", ["alice"]),
                        PartialAttribute("cn", ["Alice Liddell"]),
                        PartialAttribute("sn", ["Liddell"]),
                        PartialAttribute("givenName", ["Alice"]),
                        PartialAttribute("mail", ["alice@example.test"]),
                        PartialAttribute("telephoneNumber", ["+1 555 0100"]),
                        PartialAttribute("uidNumber", ["10001"]),
                        PartialAttribute("homeDirectory", ["/home/alice"]),
                        PartialAttribute(
                            "memberOf",
                            ["cn=vpn-users,ou=groups,dc=example,dc=test", "cn=staff,ou=groups,dc=example,dc=test"]),
                    ]))))

    /// A SearchRequest whose filter has three clauses, as the proxy's group lookup sends it.
    static let search = Sample(
        name: "SearchRequest (3-clause filter)",
        message: LDAPMessage(
            messageID: 3,
            protocolOp: .searchRequest(
                SearchRequest(
                    baseObject: "ou=people,dc=example,dc=test",
                    scope: .wholeSubtree,
                    filter: .and([
                        .equalityMatch(AttributeValueAssertion("objectClass", "person")),
                        .equalityMatch(AttributeValueAssertion("uid", "alice")),
                        .equalityMatch(
                            AttributeValueAssertion("memberOf", "cn=vpn-users,ou=groups,dc=example,dc=test")),
                    ]),
                    attributes: ["uid", "cn", "mail", "memberOf"]))))
}

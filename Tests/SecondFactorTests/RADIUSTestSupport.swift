import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

@testable import SecondFactor

/// Hex fixtures for the RADIUS tests ("01 00 00 38 ..."; spaces and newlines ignored).
enum RADIUSHex {
    static func bytes(_ text: String) -> [UInt8] {
        let digits = Array(text.filter(\.isHexDigit))
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...($0 + 1)]), radix: 16)! }
    }

    static func string(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

/// Builds responses the way a RADIUS server does, with knobs to get them wrong.
enum RADIUSResponder {
    /// A response to `request`: Message-Authenticator first (when `signed`), computed over the packet with
    /// the Request Authenticator (RFC 3579 §3.2), then the Response Authenticator (RFC 2865 §3).
    static func response(
        _ code: RADIUSCode, to request: RADIUSPacket, attributes: [RADIUSAttribute] = [], secret: [UInt8],
        signed: Bool = true, identifier: UInt8? = nil
    ) -> [UInt8] {
        var packet = RADIUSPacket(
            code: code, identifier: identifier ?? request.identifier, authenticator: request.authenticator,
            attributes: (signed ? [RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16))] : [])
                + attributes)
        if signed {
            packet.attributes[0].value = try! RADIUSCrypto.messageAuthenticator(
                of: packet, authenticator: request.authenticator, secret: secret)
        }
        let bytes = try! packet.encoded()
        packet.authenticator = RADIUSCrypto.responseAuthenticator(
            of: bytes, requestAuthenticator: request.authenticator, secret: secret)
        return try! packet.encoded()
    }

    /// The clear-text User-Password of a request, as the server sees it.
    static func password(of request: RADIUSPacket, secret: [UInt8]) -> String? {
        guard let hidden = request.value(of: .userPassword),
            let clear = RADIUSCrypto.revealPassword(hidden, secret: secret, requestAuthenticator: request.authenticator)
        else { return nil }
        return String(decoding: clear, as: UTF8.self)
    }
}

/// An in-process UDP RADIUS server for unit tests: every datagram is decoded and handed to `respond`,
/// whose datagrams go back to the sender. Keeps what it received.
final class RADIUSFakeServer: Sendable {
    typealias Respond = @Sendable (_ request: RADIUSPacket, _ count: Int) -> [[UInt8]]

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let respond: Respond
        let received: NIOLockedValueBox<[[UInt8]]>

        init(respond: @escaping Respond, received: NIOLockedValueBox<[[UInt8]]>) {
            self.respond = respond
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let bytes = Array(envelope.data.readableBytesView)
            let count = received.withLockedValue {
                $0.append(bytes)
                return $0.count
            }
            guard let request = try? RADIUSPacket(decoding: bytes) else { return }
            for datagram in respond(request, count) {
                let buffer = context.channel.allocator.buffer(bytes: datagram)
                context.writeAndFlush(
                    wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)),
                    promise: nil)
            }
        }
    }

    private let channel: any Channel
    private let receivedBox: NIOLockedValueBox<[[UInt8]]>
    /// The port it listens on, on 127.0.0.1.
    let port: Int

    private init(channel: any Channel, received: NIOLockedValueBox<[[UInt8]]>) {
        self.channel = channel
        self.receivedBox = received
        self.port = channel.localAddress!.port!
    }

    /// A server on 127.0.0.1 and an ephemeral port; `respond` nil makes a black hole that never answers.
    static func start(respond: Respond? = nil) async throws -> RADIUSFakeServer {
        let received = NIOLockedValueBox<[[UInt8]]>([])
        let respond = respond ?? { _, _ in [] }
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(respond: respond, received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RADIUSFakeServer(channel: channel, received: received)
    }

    /// Every datagram received so far, in order.
    var received: [[UInt8]] { receivedBox.withLockedValue { $0 } }

    /// The decoded requests received so far.
    var requests: [RADIUSPacket] { received.compactMap { try? RADIUSPacket(decoding: $0) } }

    var server: RADIUSSettings.Server { RADIUSSettings.Server(host: "127.0.0.1", port: port) }

    func stop() async {
        try? await channel.close()
    }
}

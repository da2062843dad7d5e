import Testing

@testable import SecondFactor

@Suite("RADIUS packet encoding and decoding")
struct RADIUSPacketTests {
    /// RFC 2865 §7.1 "User Telnet to Specified Host": the Access-Request for nemo / arctangent, secret xyzzy5461.
    static let rfcRequest = RADIUSHex.bytes(
        """
        01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb
        98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d
        93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8
        01 10 05 06 00 00 00 03
        """)
    /// RFC 2865 §7.1: the Access-Accept answering it.
    static let rfcAccept = RADIUSHex.bytes(
        """
        02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf
        9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00
        0e 06 c0 a8 01 03
        """)

    @Test("decodes the RFC 2865 §7.1 Access-Request")
    func decodesRFCRequest() throws {
        let packet = try RADIUSPacket(decoding: Self.rfcRequest)
        #expect(packet.code == .accessRequest)
        #expect(packet.identifier == 0)
        #expect(packet.authenticator == Array(Self.rfcRequest[4..<20]))
        #expect(packet.attributes.map(\.type) == [.userName, .userPassword, .nasIPAddress, .nasPort])
        #expect(packet.value(of: .userName) == Array("nemo".utf8))
        #expect(packet.value(of: .nasIPAddress) == [192, 168, 1, 16])
        #expect(packet.value(of: .state) == nil)
    }

    @Test("re-encodes both RFC 2865 §7.1 packets byte for byte")
    func roundTrips() throws {
        for bytes in [Self.rfcRequest, Self.rfcAccept] {
            #expect(try RADIUSPacket(decoding: bytes).encoded() == bytes)
        }
    }

    @Test("ignores octets past the Length field as padding (RFC 2865 §3)")
    func ignoresPadding() throws {
        let packet = try RADIUSPacket(decoding: Self.rfcAccept + [0, 0, 0xff])
        #expect(try packet.encoded() == Self.rfcAccept)
    }

    @Test("keeps repeated attributes in order")
    func repeatedAttributes() throws {
        let packet = RADIUSPacket(
            code: .accessChallenge, identifier: 9, authenticator: [UInt8](repeating: 1, count: 16),
            attributes: [RADIUSAttribute(.replyMessage, text: "a"), RADIUSAttribute(.replyMessage, text: "b")])
        let decoded = try RADIUSPacket(decoding: packet.encoded())
        #expect(decoded == packet)
        #expect(decoded.values(of: .replyMessage) == [[0x61], [0x62]])
    }

    @Test(
        "refuses malformed datagrams",
        arguments: [
            ("shorter than the header", Array(rfcAccept.prefix(19))),
            ("Length under 20", [2, 0, 0, 19] + [UInt8](repeating: 0, count: 16)),
            ("Length over 4096", [2, 0, 0x10, 0x01] + [UInt8](repeating: 0, count: 4097)),
            ("Length past the datagram", Array(rfcAccept.dropLast())),
            ("attribute length 0", [2, 0, 0, 22] + [UInt8](repeating: 0, count: 16) + [18, 0]),
            ("attribute length 1", [2, 0, 0, 22] + [UInt8](repeating: 0, count: 16) + [18, 1]),
            ("attribute past Length", [2, 0, 0, 23] + [UInt8](repeating: 0, count: 16) + [18, 9, 0x61]),
            ("half an attribute header", [2, 0, 0, 21] + [UInt8](repeating: 0, count: 16) + [18]),
        ] as [(String, [UInt8])])
    func refusesMalformed(_ name: String, _ bytes: [UInt8]) {
        #expect(throws: RADIUSError.self) { try RADIUSPacket(decoding: bytes) }
        do {
            _ = try RADIUSPacket(decoding: bytes)
        } catch {
            #expect(error.code == .malformedPacket, "\(name)")
        }
    }

    @Test("never traps on truncations, corruptions and random bytes")
    func neverTraps() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...Self.rfcRequest.count {
            _ = try? RADIUSPacket(decoding: Array(Self.rfcRequest.prefix(length)))
        }
        for _ in 0..<2000 {
            var bytes = Self.rfcRequest
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? RADIUSPacket(decoding: bytes)
            let noise = (0..<Int.random(in: 0...80, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? RADIUSPacket(decoding: noise)
            _ = RADIUSResponseCheck(identifier: 0, requestAuthenticator: [], secret: []).validate(noise)
        }
    }

    @Test("refuses to encode a value over 253 octets or a packet over 4096")
    func encodingLimits() throws {
        let authenticator = [UInt8](repeating: 0, count: 16)
        let fits = RADIUSPacket(
            code: .accessRequest, identifier: 1, authenticator: authenticator,
            attributes: [RADIUSAttribute(.replyMessage, [UInt8](repeating: 0x61, count: 253))])
        #expect(try fits.encoded().count == 20 + 255)

        var tooLong = fits
        tooLong.attributes[0].value.append(0x61)
        #expect(throws: RADIUSError.self) { try tooLong.encoded() }

        var tooBig = fits
        tooBig.attributes = Array(repeating: fits.attributes[0], count: 17)
        do {
            _ = try tooBig.encoded()
            Issue.record("a 4355-octet packet was encoded")
        } catch {
            #expect(error.code == .packetTooLong)
        }
    }

    @Test("describes a packet without attribute values")
    func descriptionHidesValues() throws {
        let packet = try RADIUSPacket(decoding: Self.rfcRequest)
        #expect(!packet.description.contains("nemo"))
        #expect(packet.description.contains("Access-Request id 0"))
    }
}

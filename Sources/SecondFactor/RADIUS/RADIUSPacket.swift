/// A RADIUS packet (RFC 2865 §3): Code, Identifier, Length, a 16-octet Authenticator, attributes.
///
/// A plain value: encoding and decoding know nothing about secrets. Building a request with hidden
/// password and authenticators is ``RADIUSAccessRequest``'s job; checking a response is
/// ``RADIUSResponseCheck``'s. `description` shows attribute types and lengths, never values.
struct RADIUSPacket: Hashable, Sendable, CustomStringConvertible {
    /// Code, Identifier, Length and Authenticator.
    static let headerLength = 20
    /// RFC 2865 §3: "The maximum length is 4096."
    static let maximumLength = 4096
    /// The Authenticator field's length (RFC 2865 §3).
    static let authenticatorLength = 16

    var code: RADIUSCode
    var identifier: UInt8
    /// The Request Authenticator (random) or Response Authenticator (an MD5 digest).
    var authenticator: [UInt8]
    /// In packet order; the same type may appear several times (Reply-Message).
    var attributes: [RADIUSAttribute]

    init(code: RADIUSCode, identifier: UInt8, authenticator: [UInt8], attributes: [RADIUSAttribute] = []) {
        self.code = code
        self.identifier = identifier
        self.authenticator = authenticator
        self.attributes = attributes
    }

    /// The first value of an attribute type, if present.
    func value(of type: RADIUSAttributeType) -> [UInt8]? {
        attributes.first { $0.type == type }?.value
    }

    /// Every value of an attribute type, in packet order.
    func values(of type: RADIUSAttributeType) -> [[UInt8]] {
        attributes.filter { $0.type == type }.map(\.value)
    }

    var description: String {
        "\(code) id \(identifier) [\(attributes.map(\.description).joined(separator: ", "))]"
    }
}

extension RADIUSPacket {
    /// The wire form (RFC 2865 §3, §5).
    ///
    /// - Throws: `valueTooLong` for a value over 253 octets, `packetTooLong` past 4096 octets,
    ///   `malformedPacket` for an Authenticator that is not 16 octets.
    func encoded() throws(RADIUSError) -> [UInt8] {
        guard authenticator.count == Self.authenticatorLength else {
            throw RADIUSError(.malformedPacket, "authenticator must be 16 octets, not \(authenticator.count)")
        }
        var length = Self.headerLength
        for attribute in attributes {
            guard attribute.value.count <= RADIUSAttribute.maximumValueLength else {
                throw RADIUSError(.valueTooLong, "\(attribute.type) value of \(attribute.value.count) octets (max 253)")
            }
            length += 2 + attribute.value.count
        }
        guard length <= Self.maximumLength else {
            throw RADIUSError(.packetTooLong, "\(length) octets (max 4096)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        bytes += [code.rawValue, identifier, UInt8(length >> 8), UInt8(length & 0xff)]
        bytes += authenticator
        for attribute in attributes {
            bytes += [attribute.type.rawValue, UInt8(2 + attribute.value.count)]
            bytes += attribute.value
        }
        return bytes
    }

    /// Decodes one datagram (RFC 2865 §3).
    ///
    /// Octets past the Length field are padding and ignored; a datagram shorter than its Length, a
    /// Length outside 20...4096, or an attribute whose Length is under 2 or runs past the packet is
    /// malformed ("silently discarded" by the caller). Never traps on any input.
    init(decoding datagram: [UInt8]) throws(RADIUSError) {
        guard datagram.count >= Self.headerLength else {
            throw RADIUSError(.malformedPacket, "\(datagram.count) octets, shorter than the 20-octet header")
        }
        let length = Int(datagram[2]) << 8 | Int(datagram[3])
        guard length >= Self.headerLength, length <= Self.maximumLength else {
            throw RADIUSError(.malformedPacket, "Length field \(length) outside 20...4096")
        }
        guard length <= datagram.count else {
            throw RADIUSError(.malformedPacket, "Length field \(length) but only \(datagram.count) octets received")
        }
        var attributes: [RADIUSAttribute] = []
        var offset = Self.headerLength
        while offset < length {
            guard offset + 2 <= length else {
                throw RADIUSError(.malformedPacket, "truncated attribute header at offset \(offset)")
            }
            let attributeLength = Int(datagram[offset + 1])
            guard attributeLength >= 2, offset + attributeLength <= length else {
                throw RADIUSError(.malformedPacket, "attribute length \(attributeLength) at offset \(offset)")
            }
            let type = RADIUSAttributeType(rawValue: datagram[offset])
            attributes.append(RADIUSAttribute(type, Array(datagram[(offset + 2)..<(offset + attributeLength)])))
            offset += attributeLength
        }
        self.init(
            code: RADIUSCode(rawValue: datagram[0]), identifier: datagram[1],
            authenticator: Array(datagram[4..<Self.headerLength]), attributes: attributes)
    }
}

import NIOCore

/// `PartialAttribute ::= SEQUENCE { type AttributeDescription, vals SET OF value }` and
/// `Attribute` (the same with at least one value) (RFC 4511 §4.1.7).
public struct PartialAttribute: Hashable, Sendable {
    public var type: String
    public var values: [ByteBuffer]

    public init(type: String, values: [ByteBuffer]) {
        self.type = type
        self.values = values
    }

    public init(_ type: String, _ values: [String]) {
        self.init(type: type, values: values.map { ByteBuffer(string: $0) })
    }

    /// Reads one PartialAttribute; `requireValues` enforces `Attribute`'s SIZE(1..MAX).
    public init(from reader: inout BERReader, requireValues: Bool = false) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(.sequence, "PartialAttribute")
        type = try sequence.readString("PartialAttribute.type")
        var set = try sequence.readConstructed(.set, "PartialAttribute.vals")
        var values: [ByteBuffer] = []
        while !set.isAtEnd { values.append(try set.readOctetString("PartialAttribute.vals")) }
        try sequence.finish("PartialAttribute")
        if requireValues && values.isEmpty { throw .invalidValue("Attribute \(type): vals must not be empty") }
        self.values = values
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(.sequence) { w in
            w.writeString(type)
            w.writeConstructed(.set) { set in
                for value in values { set.writeOctetString(value) }
            }
        }
    }

    static func readList(from reader: inout BERReader, _ what: String, requireValues: Bool) throws(LDAPDecodingError)
        -> [PartialAttribute]
    {
        var list = try reader.readConstructed(.sequence, what)
        var attributes: [PartialAttribute] = []
        while !list.isAtEnd { attributes.append(try PartialAttribute(from: &list, requireValues: requireValues)) }
        return attributes
    }

    static func writeList(_ attributes: [PartialAttribute], to writer: inout BERWriter) {
        writer.writeConstructed(.sequence) { w in
            for attribute in attributes { attribute.write(to: &w) }
        }
    }
}

/// `SearchResultEntry ::= [APPLICATION 4]` (RFC 4511 §4.5.2).
public struct SearchResultEntry: Hashable, Sendable {
    public var objectName: String
    public var attributes: [PartialAttribute]

    public init(objectName: String, attributes: [PartialAttribute]) {
        self.objectName = objectName
        self.attributes = attributes
    }

    static let tag = BERTag.applicationConstructed(4)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "SearchResultEntry")
        objectName = try sequence.readString("SearchResultEntry.objectName")
        attributes = try PartialAttribute.readList(
            from: &sequence, "SearchResultEntry.attributes", requireValues: false)
        try sequence.finish("SearchResultEntry")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            w.writeString(objectName)
            PartialAttribute.writeList(attributes, to: &w)
        }
    }

    /// The values of the first attribute named `type` (ASCII case-insensitive, options included).
    public func values(of type: String) -> [ByteBuffer]? {
        attributes.first { asciiCaseInsensitiveEquals($0.type, type) }?.values
    }
}

import NIOCore

/// `ModifyRequest ::= [APPLICATION 6]` (RFC 4511 §4.6).
public struct ModifyRequest: Hashable, Sendable {
    public var object: String
    public var changes: [Change]

    /// One change: an operation and the attribute it applies to.
    public struct Change: Hashable, Sendable {
        public var operation: Operation
        public var modification: PartialAttribute
        public init(operation: Operation, modification: PartialAttribute) {
            self.operation = operation
            self.modification = modification
        }
    }

    /// add (0), delete (1), replace (2) (RFC 4511 §4.6), increment (3) (RFC 4525).
    public struct Operation: RawRepresentable, Hashable, Sendable {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let add = Operation(rawValue: 0)
        public static let delete = Operation(rawValue: 1)
        public static let replace = Operation(rawValue: 2)
        public static let increment = Operation(rawValue: 3)
    }

    public init(object: String, changes: [Change]) {
        self.object = object
        self.changes = changes
    }

    static let tag = BERTag.applicationConstructed(6)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "ModifyRequest")
        object = try sequence.readString("ModifyRequest.object")
        var list = try sequence.readConstructed(.sequence, "ModifyRequest.changes")
        var changes: [Change] = []
        while !list.isAtEnd {
            var change = try list.readConstructed(.sequence, "ModifyRequest.change")
            let operation = Operation(rawValue: try change.readEnumerated("ModifyRequest.change.operation"))
            guard (0...3).contains(operation.rawValue) else {
                throw .invalidValue("ModifyRequest.change.operation: \(operation.rawValue)")
            }
            let modification = try PartialAttribute(from: &change)
            try change.finish("ModifyRequest.change")
            changes.append(Change(operation: operation, modification: modification))
        }
        self.changes = changes
        try sequence.finish("ModifyRequest")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            w.writeString(object)
            w.writeConstructed(.sequence) { list in
                for change in changes {
                    list.writeConstructed(.sequence) { c in
                        c.writeEnumerated(change.operation.rawValue)
                        change.modification.write(to: &c)
                    }
                }
            }
        }
    }
}

/// `AddRequest ::= [APPLICATION 8]` (RFC 4511 §4.7).
public struct AddRequest: Hashable, Sendable {
    public var entry: String
    public var attributes: [PartialAttribute]

    public init(entry: String, attributes: [PartialAttribute]) {
        self.entry = entry
        self.attributes = attributes
    }

    static let tag = BERTag.applicationConstructed(8)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "AddRequest")
        entry = try sequence.readString("AddRequest.entry")
        attributes = try PartialAttribute.readList(from: &sequence, "AddRequest.attributes", requireValues: true)
        try sequence.finish("AddRequest")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            w.writeString(entry)
            PartialAttribute.writeList(attributes, to: &w)
        }
    }
}

/// `ModifyDNRequest ::= [APPLICATION 12]` (RFC 4511 §4.9).
public struct ModifyDNRequest: Hashable, Sendable {
    public var entry: String
    public var newRDN: String
    public var deleteOldRDN: Bool
    public var newSuperior: String?

    public init(entry: String, newRDN: String, deleteOldRDN: Bool, newSuperior: String? = nil) {
        self.entry = entry
        self.newRDN = newRDN
        self.deleteOldRDN = deleteOldRDN
        self.newSuperior = newSuperior
    }

    static let tag = BERTag.applicationConstructed(12)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "ModifyDNRequest")
        entry = try sequence.readString("ModifyDNRequest.entry")
        newRDN = try sequence.readString("ModifyDNRequest.newrdn")
        deleteOldRDN = try sequence.readBoolean("ModifyDNRequest.deleteoldrdn")
        newSuperior = try sequence.readOptionalElement(.context(0), "ModifyDNRequest.newSuperior").map {
            (bytes) throws(LDAPDecodingError) in try BERReader.utf8String(bytes, "ModifyDNRequest.newSuperior")
        }
        try sequence.finish("ModifyDNRequest")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            w.writeString(entry)
            w.writeString(newRDN)
            w.writeBoolean(deleteOldRDN)
            if let newSuperior { w.writeString(newSuperior, tag: .context(0)) }
        }
    }
}

/// `CompareRequest ::= [APPLICATION 14]` (RFC 4511 §4.10).
public struct CompareRequest: Hashable, Sendable {
    public var entry: String
    public var assertion: AttributeValueAssertion

    public init(entry: String, assertion: AttributeValueAssertion) {
        self.entry = entry
        self.assertion = assertion
    }

    static let tag = BERTag.applicationConstructed(14)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "CompareRequest")
        entry = try sequence.readString("CompareRequest.entry")
        assertion = try AttributeValueAssertion(from: &sequence)
        try sequence.finish("CompareRequest")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            w.writeString(entry)
            assertion.write(to: &w)
        }
    }
}

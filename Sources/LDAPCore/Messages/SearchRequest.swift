import NIOCore

/// `SearchRequest ::= [APPLICATION 3]` (RFC 4511 §4.5.1).
public struct SearchRequest: Hashable, Sendable {
    public var baseObject: String
    public var scope: Scope
    public var derefAliases: DerefAliases
    /// 0 means no client-requested limit (RFC 4511 §4.5.1.4).
    public var sizeLimit: Int
    /// Seconds; 0 means no client-requested limit (RFC 4511 §4.5.1.5).
    public var timeLimit: Int
    public var typesOnly: Bool
    public var filter: Filter
    public var attributes: [String]

    /// The search scope (RFC 4511 §4.5.1.2); kept open for extensions such as subordinateSubtree (3).
    public struct Scope: RawRepresentable, Hashable, Sendable {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let baseObject = Scope(rawValue: 0)
        public static let singleLevel = Scope(rawValue: 1)
        public static let wholeSubtree = Scope(rawValue: 2)
        /// draft-sermersheim-ldap-subordinate-scope.
        public static let subordinateSubtree = Scope(rawValue: 3)
    }

    /// `derefAliases` (RFC 4511 §4.5.1.3).
    public enum DerefAliases: Int, Hashable, Sendable {
        case never = 0, inSearching = 1, findingBaseObj = 2, always = 3
    }

    public init(
        baseObject: String, scope: Scope = .wholeSubtree, derefAliases: DerefAliases = .never, sizeLimit: Int = 0,
        timeLimit: Int = 0, typesOnly: Bool = false, filter: Filter, attributes: [String] = []
    ) {
        self.baseObject = baseObject
        self.scope = scope
        self.derefAliases = derefAliases
        self.sizeLimit = sizeLimit
        self.timeLimit = timeLimit
        self.typesOnly = typesOnly
        self.filter = filter
        self.attributes = attributes
    }

    static let tag = BERTag.applicationConstructed(3)
    static let maxInt: ClosedRange<Int64> = 0...2_147_483_647

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "SearchRequest")
        baseObject = try sequence.readString("SearchRequest.baseObject")
        scope = Scope(rawValue: try sequence.readEnumerated("SearchRequest.scope"))
        guard (0...3).contains(scope.rawValue) else { throw .invalidValue("SearchRequest.scope: \(scope.rawValue)") }
        let deref = try sequence.readEnumerated("SearchRequest.derefAliases")
        guard let derefAliases = DerefAliases(rawValue: deref) else {
            throw .invalidValue("SearchRequest.derefAliases: \(deref)")
        }
        self.derefAliases = derefAliases
        sizeLimit = Int(try sequence.readInteger(in: Self.maxInt, "SearchRequest.sizeLimit"))
        timeLimit = Int(try sequence.readInteger(in: Self.maxInt, "SearchRequest.timeLimit"))
        typesOnly = try sequence.readBoolean("SearchRequest.typesOnly")
        filter = try Filter(from: &sequence)
        var list = try sequence.readConstructed(.sequence, "SearchRequest.attributes")
        var attributes: [String] = []
        while !list.isAtEnd { attributes.append(try list.readString("SearchRequest.attributes")) }
        self.attributes = attributes
        try sequence.finish("SearchRequest")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            w.writeString(baseObject)
            w.writeEnumerated(scope.rawValue)
            w.writeEnumerated(derefAliases.rawValue)
            w.writeInteger(Int64(sizeLimit))
            w.writeInteger(Int64(timeLimit))
            w.writeBoolean(typesOnly)
            filter.write(to: &w)
            w.writeConstructed(.sequence) { list in
                for attribute in attributes { list.writeString(attribute) }
            }
        }
    }
}

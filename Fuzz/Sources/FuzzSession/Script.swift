import LDAPCore
import NIOCore

/// One event the harness delivers to the session.
enum Step {
    /// A client PDU, as the frame parser would deliver it.
    case client(ClientPDU)
    /// The frame decoder refused the client's bytes.
    case decodingFailed
    /// The pending bind gate finished.
    case gate(Verdict)
    /// The dedicated directory connection being opened is up (true) or could not be opened (false).
    case upstreamOpen(Bool)
    /// The directory sent a frame on the dedicated connection.
    case upstream(UpstreamPDU)
    /// The dedicated directory connection closed.
    case upstreamClosed
    /// Time passes by this many milliseconds and the handler's ticker fires.
    case tick(Int64)
}

/// What the gate decides.
enum Verdict {
    case allow
    case deny(ResultCode)
}

/// A PDU from the client.
enum ClientPDU {
    case bind(BindKind, id: Int32, seed: UInt8)
    /// Search, update or compare: relayed to the directory untouched.
    case relayed(tag: UInt8, id: Int32)
    /// An extended operation other than StartTLS (relayed).
    case extended(oid: String, id: Int32)
    case startTLS(id: Int32)
    case abandon(id: Int32, target: Int32)
    case unbind(id: Int32)
    /// A response PDU, which a client must never send.
    case response(tag: UInt8, id: Int32)
    /// A frame whose header is fine but whose body does not decode (bind, abandon, extended).
    case malformed(tag: UInt8, id: Int32, body: [UInt8])
}

/// The kinds of bind RFC 4513 §5 distinguishes, and those the proxy refuses itself.
enum BindKind: CaseIterable {
    /// Name and password: gated.
    case simple
    /// Both empty (RFC 4513 §5.1.1).
    case anonymous
    /// A name with an empty password (RFC 4513 §5.1.2).
    case unauthenticated
    /// A password with an empty name.
    case passwordWithoutName
    case sasl
    /// LDAPv2.
    case versionTwo
}

/// A frame from the directory on the dedicated connection.
enum UpstreamPDU {
    /// The final response to the in-flight request at this index (modulo their number).
    case final(index: Int, code: ResultCode)
    /// A search entry, reference or intermediate response to the in-flight request at this index.
    case partial(index: Int, tag: UInt8)
    /// A frame a misbehaving directory might send: any response or request tag, any message ID.
    case hostile(tag: UInt8, id: Int32)
}

/// Reads a fuzz input as a sequence of steps.
struct Script {
    private var bytes: [UInt8]
    private var position = 0

    init(_ input: UnsafeRawBufferPointer) { bytes = Array(input) }

    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next byte, or 0 once the input is used up (so a step's operands never end a script).
    mutating func operand() -> UInt8 { byte() ?? 0 }

    static let relayedTags: [UInt8] = [
        OperationTag.searchRequest, OperationTag.modifyRequest, OperationTag.addRequest, OperationTag.delRequest,
        OperationTag.modifyDNRequest, OperationTag.compareRequest,
    ]
    static let responseTags: [UInt8] = [
        OperationTag.bindResponse, OperationTag.searchResultEntry, OperationTag.searchResultDone,
        OperationTag.searchResultReference, OperationTag.modifyResponse, OperationTag.addResponse,
        OperationTag.delResponse, OperationTag.modifyDNResponse, OperationTag.compareResponse,
        OperationTag.extendedResponse, OperationTag.intermediateResponse,
    ]
    static let allTags: [UInt8] =
        responseTags + relayedTags + [
            OperationTag.bindRequest, OperationTag.unbindRequest, OperationTag.abandonRequest,
            OperationTag.extendedRequest,
        ]
    static let extendedOIDs = [
        ExtendedRequest.whoAmIOID, ExtendedRequest.passwordModifyOID, ExtendedRequest.cancelOID, "1.2.3.4",
    ]
    static let denials: [ResultCode] = [.invalidCredentials, .unavailable, .protocolError, .insufficientAccessRights]
    static let hostileIDs: [Int32] = [0, 1, 2, 3, 4, 7, Int32.max]

    /// The next step, or nil at the end of the input.
    mutating func nextStep(_ harness: SessionHarness) -> Step? {
        guard let op = byte() else { return nil }
        switch op % 16 {
        case 0, 1, 2: return .client(.bind(bindKind(), id: messageID(harness), seed: operand()))
        case 3, 4:
            let tag = Self.relayedTags[Int(operand()) % Self.relayedTags.count]
            return .client(.relayed(tag: tag, id: messageID(harness)))
        case 5:
            let oid = Self.extendedOIDs[Int(operand()) % Self.extendedOIDs.count]
            return .client(.extended(oid: oid, id: messageID(harness)))
        case 6: return .client(.startTLS(id: messageID(harness)))
        case 7: return .client(.abandon(id: messageID(harness), target: abandonTarget(harness)))
        case 8:
            switch operand() % 8 {
            case 0: return .client(.unbind(id: messageID(harness)))
            case 1:
                let tag = Self.responseTags[Int(operand()) % Self.responseTags.count]
                return .client(.response(tag: tag, id: messageID(harness)))
            case 2:
                let tags = [OperationTag.bindRequest, OperationTag.abandonRequest, OperationTag.extendedRequest]
                let tag = tags[Int(operand()) % tags.count]
                let body = (0..<Int(operand() % 6)).map { _ in operand() }
                return .client(.malformed(tag: tag, id: messageID(harness), body: body))
            case 3: return .decodingFailed
            default: return .tick(Int64(operand()) * 50)
            }
        case 9, 10:
            let choice = operand()
            return .gate(choice % 3 == 0 ? .deny(Self.denials[Int(choice / 3) % Self.denials.count]) : .allow)
        case 11: return .upstreamOpen(operand() % 4 != 0)
        case 12, 13:
            let index = Int(operand())
            let code: ResultCode = operand() % 4 == 0 ? .busy : .success
            return .upstream(.final(index: index, code: code))
        case 14:
            let index = Int(operand())
            let tags = [
                OperationTag.searchResultEntry, OperationTag.searchResultReference, OperationTag.intermediateResponse,
            ]
            return .upstream(.partial(index: index, tag: tags[Int(operand()) % tags.count]))
        default:
            switch operand() % 4 {
            case 0: return .upstreamClosed
            default:
                let tag = Self.allTags[Int(operand()) % Self.allTags.count]
                let id = operand() % 2 == 0 ? harness.someUpstreamID(operand()) : Self.hostileIDs[Int(operand()) % 7]
                return .upstream(.hostile(tag: tag, id: id))
            }
        }
    }

    private mutating func bindKind() -> BindKind {
        let choice = operand()
        // Mostly gated binds: they drive the interesting paths.
        return choice < 128 ? .simple : BindKind.allCases[Int(choice) % BindKind.allCases.count]
    }

    /// A well-behaved client never reuses a message ID (RFC 4511 §4.1.1.1); a hostile one picks
    /// from a few, 0 included.
    private mutating func messageID(_ harness: SessionHarness) -> Int32 {
        harness.wellBehaved ? harness.freshID(step: operand()) : Self.hostileIDs[Int(operand()) % Self.hostileIDs.count]
    }

    private mutating func abandonTarget(_ harness: SessionHarness) -> Int32 {
        let choice = operand()
        if choice % 4 == 0 { return Self.hostileIDs[Int(choice / 4) % Self.hostileIDs.count] }
        return harness.someClientID(choice)
    }
}

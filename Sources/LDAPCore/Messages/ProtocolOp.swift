import NIOCore

/// The `protocolOp` CHOICE of an LDAPMessage (RFC 4511 §4.2): every LDAPv3 operation.
public enum ProtocolOp: Hashable, Sendable {
    case bindRequest(BindRequest)
    case bindResponse(BindResponse)
    case unbindRequest
    case searchRequest(SearchRequest)
    case searchResultEntry(SearchResultEntry)
    case searchResultDone(LDAPResult)
    case searchResultReference([String])
    case modifyRequest(ModifyRequest)
    case modifyResponse(LDAPResult)
    case addRequest(AddRequest)
    case addResponse(LDAPResult)
    case delRequest(String)
    case delResponse(LDAPResult)
    case modifyDNRequest(ModifyDNRequest)
    case modifyDNResponse(LDAPResult)
    case compareRequest(CompareRequest)
    case compareResponse(LDAPResult)
    case abandonRequest(Int32)
    case extendedRequest(ExtendedRequest)
    case extendedResponse(ExtendedResponse)
    case intermediateResponse(IntermediateResponse)
}

/// The identifier octet of each protocolOp (RFC 4511 Appendix B), for looking at a frame
/// without decoding it.
public enum OperationTag {
    public static let bindRequest: UInt8 = 0x60
    public static let bindResponse: UInt8 = 0x61
    public static let unbindRequest: UInt8 = 0x42
    public static let searchRequest: UInt8 = 0x63
    public static let searchResultEntry: UInt8 = 0x64
    public static let searchResultDone: UInt8 = 0x65
    public static let modifyRequest: UInt8 = 0x66
    public static let modifyResponse: UInt8 = 0x67
    public static let addRequest: UInt8 = 0x68
    public static let addResponse: UInt8 = 0x69
    public static let delRequest: UInt8 = 0x4A
    public static let delResponse: UInt8 = 0x6B
    public static let modifyDNRequest: UInt8 = 0x6C
    public static let modifyDNResponse: UInt8 = 0x6D
    public static let compareRequest: UInt8 = 0x6E
    public static let compareResponse: UInt8 = 0x6F
    public static let abandonRequest: UInt8 = 0x50
    public static let searchResultReference: UInt8 = 0x73
    public static let extendedRequest: UInt8 = 0x77
    public static let extendedResponse: UInt8 = 0x78
    public static let intermediateResponse: UInt8 = 0x79

    /// Whether `tag` is one of the requests a client sends.
    public static func isRequest(_ tag: UInt8) -> Bool {
        switch tag {
        case bindRequest, unbindRequest, searchRequest, modifyRequest, addRequest, delRequest, modifyDNRequest,
            compareRequest, abandonRequest, extendedRequest:
            return true
        default:
            return false
        }
    }

    /// Whether `tag` is one of the responses a server sends.
    public static func isResponse(_ tag: UInt8) -> Bool {
        switch tag {
        case bindResponse, searchResultEntry, searchResultDone, searchResultReference, modifyResponse, addResponse,
            delResponse, modifyDNResponse, compareResponse, extendedResponse, intermediateResponse:
            return true
        default:
            return false
        }
    }

    /// The error for a protocolOp tag that names no operation: a tag that differs from a known
    /// one only in its constructed bit is reported as a wrong form, anything else as unknown.
    static func unknownOperationError(_ tag: UInt8) -> LDAPDecodingError {
        let flipped = tag ^ 0x20
        if isRequest(flipped) || isResponse(flipped) {
            return .unexpectedTag(expected: BERTag(rawValue: flipped), found: tag, in: "LDAPMessage.protocolOp")
        }
        return .unknownOperation(tag)
    }

    /// Whether the response with this tag ends its operation (all but entries, references and
    /// intermediate responses).
    public static func isFinalResponse(_ tag: UInt8) -> Bool {
        isResponse(tag) && tag != searchResultEntry && tag != searchResultReference && tag != intermediateResponse
    }
}

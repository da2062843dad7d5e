import NIOCore

extension ProtocolOp {
    /// The identifier octet of this operation on the wire.
    public var tag: UInt8 {
        switch self {
        case .bindRequest: OperationTag.bindRequest
        case .bindResponse: OperationTag.bindResponse
        case .unbindRequest: OperationTag.unbindRequest
        case .searchRequest: OperationTag.searchRequest
        case .searchResultEntry: OperationTag.searchResultEntry
        case .searchResultDone: OperationTag.searchResultDone
        case .searchResultReference: OperationTag.searchResultReference
        case .modifyRequest: OperationTag.modifyRequest
        case .modifyResponse: OperationTag.modifyResponse
        case .addRequest: OperationTag.addRequest
        case .addResponse: OperationTag.addResponse
        case .delRequest: OperationTag.delRequest
        case .delResponse: OperationTag.delResponse
        case .modifyDNRequest: OperationTag.modifyDNRequest
        case .modifyDNResponse: OperationTag.modifyDNResponse
        case .compareRequest: OperationTag.compareRequest
        case .compareResponse: OperationTag.compareResponse
        case .abandonRequest: OperationTag.abandonRequest
        case .extendedRequest: OperationTag.extendedRequest
        case .extendedResponse: OperationTag.extendedResponse
        case .intermediateResponse: OperationTag.intermediateResponse
        }
    }

    /// Reads the protocolOp element (RFC 4511 §4.2).
    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        guard let tag = reader.nextTag else { throw .truncated("LDAPMessage.protocolOp") }
        switch tag {
        case OperationTag.bindRequest: self = .bindRequest(try BindRequest(from: &reader))
        case OperationTag.bindResponse: self = .bindResponse(try BindResponse(from: &reader))
        case OperationTag.unbindRequest:
            try reader.readNull(.application(2), "UnbindRequest")
            self = .unbindRequest
        case OperationTag.searchRequest: self = .searchRequest(try SearchRequest(from: &reader))
        case OperationTag.searchResultEntry: self = .searchResultEntry(try SearchResultEntry(from: &reader))
        case OperationTag.searchResultDone:
            self = .searchResultDone(try LDAPResult(from: &reader, tag: .applicationConstructed(5), "SearchResultDone"))
        case OperationTag.searchResultReference:
            var list = try reader.readConstructed(.applicationConstructed(19), "SearchResultReference")
            var uris: [String] = []
            while !list.isAtEnd { uris.append(try list.readString("SearchResultReference URI")) }
            guard !uris.isEmpty else { throw .invalidValue("SearchResultReference: SIZE (1..MAX) but empty") }
            self = .searchResultReference(uris)
        case OperationTag.modifyRequest: self = .modifyRequest(try ModifyRequest(from: &reader))
        case OperationTag.modifyResponse:
            self = .modifyResponse(try LDAPResult(from: &reader, tag: .applicationConstructed(7), "ModifyResponse"))
        case OperationTag.addRequest: self = .addRequest(try AddRequest(from: &reader))
        case OperationTag.addResponse:
            self = .addResponse(try LDAPResult(from: &reader, tag: .applicationConstructed(9), "AddResponse"))
        case OperationTag.delRequest: self = .delRequest(try reader.readString(.application(10), "DelRequest"))
        case OperationTag.delResponse:
            self = .delResponse(try LDAPResult(from: &reader, tag: .applicationConstructed(11), "DelResponse"))
        case OperationTag.modifyDNRequest: self = .modifyDNRequest(try ModifyDNRequest(from: &reader))
        case OperationTag.modifyDNResponse:
            self = .modifyDNResponse(
                try LDAPResult(from: &reader, tag: .applicationConstructed(13), "ModifyDNResponse"))
        case OperationTag.compareRequest: self = .compareRequest(try CompareRequest(from: &reader))
        case OperationTag.compareResponse:
            self = .compareResponse(try LDAPResult(from: &reader, tag: .applicationConstructed(15), "CompareResponse"))
        case OperationTag.abandonRequest:
            let id = try reader.readInteger(.application(16), in: 0...Int64(Int32.max), "AbandonRequest")
            self = .abandonRequest(Int32(id))
        case OperationTag.extendedRequest: self = .extendedRequest(try ExtendedRequest(from: &reader))
        case OperationTag.extendedResponse: self = .extendedResponse(try ExtendedResponse(from: &reader))
        case OperationTag.intermediateResponse: self = .intermediateResponse(try IntermediateResponse(from: &reader))
        default:
            throw OperationTag.unknownOperationError(tag)
        }
    }

    /// Writes the protocolOp element.
    public func write(to writer: inout BERWriter) {
        switch self {
        case .bindRequest(let op): op.write(to: &writer)
        case .bindResponse(let op): op.write(to: &writer)
        case .unbindRequest: writer.writeNull(tag: .application(2))
        case .searchRequest(let op): op.write(to: &writer)
        case .searchResultEntry(let op): op.write(to: &writer)
        case .searchResultDone(let result): result.write(to: &writer, tag: .applicationConstructed(5))
        case .searchResultReference(let uris):
            writer.writeConstructed(.applicationConstructed(19)) { w in
                for uri in uris { w.writeString(uri) }
            }
        case .modifyRequest(let op): op.write(to: &writer)
        case .modifyResponse(let result): result.write(to: &writer, tag: .applicationConstructed(7))
        case .addRequest(let op): op.write(to: &writer)
        case .addResponse(let result): result.write(to: &writer, tag: .applicationConstructed(9))
        case .delRequest(let dn): writer.writeString(dn, tag: .application(10))
        case .delResponse(let result): result.write(to: &writer, tag: .applicationConstructed(11))
        case .modifyDNRequest(let op): op.write(to: &writer)
        case .modifyDNResponse(let result): result.write(to: &writer, tag: .applicationConstructed(13))
        case .compareRequest(let op): op.write(to: &writer)
        case .compareResponse(let result): result.write(to: &writer, tag: .applicationConstructed(15))
        case .abandonRequest(let id): writer.writeInteger(Int64(id), tag: .application(16))
        case .extendedRequest(let op): op.write(to: &writer)
        case .extendedResponse(let op): op.write(to: &writer)
        case .intermediateResponse(let op): op.write(to: &writer)
        }
    }
}

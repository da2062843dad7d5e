import NIOCore

extension LDAPMessage {
    /// The unsolicited Notice of Disconnection (RFC 4511 §4.4.1): messageID 0, an
    /// ExtendedResponse named 1.3.6.1.4.1.1466.20036, sent just before the server closes.
    public static func noticeOfDisconnection(_ code: ResultCode, _ diagnostic: String) -> LDAPMessage {
        LDAPMessage(
            messageID: 0,
            protocolOp: .extendedResponse(
                ExtendedResponse(
                    result: LDAPResult(resultCode: code, diagnosticMessage: diagnostic),
                    responseName: ExtendedResponse.noticeOfDisconnectionOID)))
    }

    /// The response a server sends when it answers `request` with only a result, or `nil` for
    /// requests that have no response (Unbind, Abandon). Used to refuse or fail an operation.
    public static func result(for requestTag: UInt8, messageID: Int32, _ result: LDAPResult) -> LDAPMessage? {
        let op: ProtocolOp
        switch requestTag {
        case OperationTag.bindRequest: op = .bindResponse(BindResponse(result: result))
        case OperationTag.searchRequest: op = .searchResultDone(result)
        case OperationTag.modifyRequest: op = .modifyResponse(result)
        case OperationTag.addRequest: op = .addResponse(result)
        case OperationTag.delRequest: op = .delResponse(result)
        case OperationTag.modifyDNRequest: op = .modifyDNResponse(result)
        case OperationTag.compareRequest: op = .compareResponse(result)
        case OperationTag.extendedRequest: op = .extendedResponse(ExtendedResponse(result: result))
        default: return nil
        }
        return LDAPMessage(messageID: messageID, protocolOp: op)
    }
}

import LDAPCore
import NIOCore

/// libFuzzer entry point over the LDAP codec (issue 2); libFuzzer supplies `main`.
///
/// The input is used twice:
/// - as a byte stream from a peer: framed with `LDAPFrameParser` (possibly several messages), once
///   whole and once arriving in small chunks, which must give the same frames and the same end; every
///   frame is decoded fully, and whatever decodes must re-encode to bytes that decode to an equal
///   message, frame as one whole message and re-encode identically; typed controls, Password Modify
///   values, DNs and filters found inside are round-tripped too;
/// - as UTF-8 text: given to `Filter(parsing:)` and `DistinguishedName(parsing:)`, whose results must
///   parse back from their `description` to equal values.
///
/// Errors thrown by the codec are expected; a trap is a bug (and libFuzzer saves the input).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodec(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count)
    let whole = frameStream(input, chunkSize: max(count, 1))
    // A chunk size the fuzzer can steer through the last byte: 1 to 8 bytes per read.
    let chunked = frameStream(input, chunkSize: 1 + Int(input.last ?? 0) % 8)
    guard whole == chunked else {
        fatalError("framing depends on how the bytes arrive: whole \(whole), in chunks \(chunked)")
    }
    for frame in whole.frames { checkFrame(frame) }

    let text = String(decoding: input, as: UTF8.self)
    if let filter = try? Filter(parsing: text) { checkParsedFilter(filter) }
    if let dn = try? DistinguishedName(parsing: text) { checkDN(dn) }
    if let dn = try? DistinguishedName(parsingUTF8: input) { checkDN(dn) }
    return 0
}

/// What a frame parser made of a stream: the frames, then the error that stopped it or the number
/// of bytes left waiting for more.
private struct StreamOutcome: Equatable {
    var frames: [LDAPFrame] = []
    var error: LDAPDecodingError?
    var bytesLeft = 0
}

private func frameStream(_ input: UnsafeRawBufferPointer, chunkSize: Int) -> StreamOutcome {
    let parser = LDAPFrameParser(limits: LDAPFrameLimits())
    var buffer = ByteBufferAllocator().buffer(capacity: input.count)
    var outcome = StreamOutcome()
    var offset = 0
    repeat {
        let end = min(offset + chunkSize, input.count)
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
        offset = end
        do {
            while true {
                let before = buffer
                guard let frame = try parser.nextFrame(from: &buffer) else {
                    guard buffer.readerIndex == before.readerIndex, buffer == before else {
                        fatalError("nextFrame returned nil but moved the buffer")
                    }
                    break
                }
                guard frame.bytes.readableBytes == before.readableBytes - buffer.readableBytes else {
                    fatalError("the frame's bytes are not the bytes taken from the buffer")
                }
                outcome.frames.append(frame)
            }
        } catch {
            outcome.error = error
            return outcome
        }
    } while offset < input.count
    outcome.bytesLeft = buffer.readableBytes
    return outcome
}

/// Decodes one frame fully and checks what decodes round-trips.
private func checkFrame(_ frame: LDAPFrame) {
    guard let message = try? frame.decode() else { return }
    guard message.messageID == frame.messageID, message.protocolOp.tag == frame.operationTag else {
        fatalError("decoded message disagrees with its frame header")
    }
    let encoded = message.encoded()
    let again: LDAPMessage
    do {
        again = try LDAPMessage(decoding: encoded)
    } catch {
        fatalError("re-encoded message does not decode: \(error)")
    }
    guard again == message else { fatalError("decode(encode(m)) != m") }
    guard again.encoded() == encoded else { fatalError("encoding a decoded re-encoding changed its bytes") }
    var stream = encoded
    guard let reframed = try? LDAPFrameParser().nextFrame(from: &stream), stream.readableBytes == 0,
        reframed == LDAPFrame(message)
    else { fatalError("a re-encoded message does not frame as one whole message") }
    // Printing must never trap, whatever the message holds.
    _ = String(describing: message)
    _ = String(reflecting: message)
    for control in message.controls ?? [] { checkControl(control) }
    checkOperation(message.protocolOp)
}

private func checkOperation(_ operation: ProtocolOp) {
    switch operation {
    case .bindRequest(let bind): checkDNString(bind.name)
    case .searchRequest(let search):
        checkDNString(search.baseObject)
        checkDecodedFilter(search.filter)
    case .searchResultEntry(let entry): checkDNString(entry.objectName)
    case .delRequest(let dn): checkDNString(dn)
    case .extendedRequest(let request):
        if let value = request.requestValue?.bytes,
            let decoded = try? PasswordModifyRequestValue(decoding: value)
        {
            guard (try? PasswordModifyRequestValue(decoding: decoded.encoded())) == decoded else {
                fatalError("PasswordModifyRequestValue does not round-trip")
            }
        }
    case .extendedResponse(let response):
        _ = response.whoAmIAuthorizationID
        if let value = response.responseValue?.bytes,
            let decoded = try? PasswordModifyResponseValue(decoding: value)
        {
            guard (try? PasswordModifyResponseValue(decoding: decoded.encoded())) == decoded else {
                fatalError("PasswordModifyResponseValue does not round-trip")
            }
        }
    default: break
    }
}

private func checkControl(_ control: LDAPControl) {
    checkTypedControl(PagedResultsControl.self, control)
    checkTypedControl(ManageDsaITControl.self, control)
    checkTypedControl(ProxiedAuthorizationControl.self, control)
    checkTypedControl(DirSyncRequestControl.self, control)
    checkTypedControl(DirSyncResponseControl.self, control)
    checkTypedControl(AttributeScopedQueryControl.self, control)
    checkTypedControl(AttributeScopedQueryResponseControl.self, control)
}

private func checkTypedControl<Control: TypedControl>(_ type: Control.Type, _ control: LDAPControl) {
    guard control.oid == Control.oid, let typed = try? Control(control: control) else { return }
    guard (try? Control(control: typed.control(criticality: control.criticality))) == typed else {
        fatalError("\(Control.self) does not round-trip")
    }
}

/// A DN carried in a PDU: where it parses, it must round-trip like any parsed DN.
private func checkDNString(_ string: String) {
    if let dn = try? DistinguishedName(parsing: string) { checkDN(dn) }
}

private func checkDN(_ dn: DistinguishedName) {
    let text = dn.description
    guard let again = try? DistinguishedName(parsing: text) else {
        fatalError("the description of a parsed DN does not parse: \(text.debugDescription)")
    }
    guard again == dn else { fatalError("DN(parsing: dn.description) != dn for \(text.debugDescription)") }
    let normalized = dn.normalized
    guard NormalizedDN(normalized.distinguishedName) == normalized else {
        fatalError("normalising is not idempotent for \(text.debugDescription)")
    }
    guard dn.isEquivalent(to: again), dn.isWithin(subtree: again) else {
        fatalError("a DN is not equivalent to itself: \(text.debugDescription)")
    }
    if let parent = dn.parent, !dn.isDirectChild(of: parent) || !dn.isWithin(subtree: parent) {
        fatalError("a DN is not below its parent: \(text.debugDescription)")
    }
}

/// A filter parsed from text: its description parses back to it (a documented guarantee for every
/// parsed filter), and its BER encoding decodes back to it.
private func checkParsedFilter(_ filter: Filter) {
    let text = filter.description
    guard let again = try? Filter(parsing: text) else {
        fatalError("the description of a parsed filter does not parse: \(text.debugDescription)")
    }
    guard again == filter else { fatalError("Filter(parsing: f.description) != f for \(text.debugDescription)") }
    guard again.description == text else { fatalError("filter description is not stable: \(text.debugDescription)") }
    var writer = BERWriter()
    filter.write(to: &writer)
    var reader = BERReader(writer.buffer)
    guard let decoded = try? Filter(from: &reader), reader.isAtEnd, decoded == filter else {
        fatalError("a parsed filter does not round-trip through BER: \(text.debugDescription)")
    }
}

/// A filter decoded from BER may hold what the string grammar cannot say (invalid attribute
/// descriptions are escaped so that they fail to parse); where its description does parse, it must
/// give the same filter back, apart from the documented exceptions `describable` leaves out.
private func checkDecodedFilter(_ filter: Filter) {
    let text = filter.description
    guard describable(filter), let again = try? Filter(parsing: text) else { return }
    guard again == filter else {
        fatalError("the description of a decoded filter parses as another filter: \(text.debugDescription)")
    }
}

/// False for the forms whose description the grammar cannot express (Filter.description's doc
/// comment): an empty substring component, a matching rule named `dn` without dnAttributes; and an
/// empty extensible-match type, which is not a valid attribute description (it prints as no type).
private func describable(_ filter: Filter) -> Bool {
    switch filter {
    case .and(let filters), .or(let filters): return filters.allSatisfy(describable)
    case .not(let inner): return describable(inner)
    case .substrings(let substrings):
        return substrings.initial?.readableBytes != 0 && substrings.final?.readableBytes != 0
            && substrings.any.allSatisfy { $0.readableBytes > 0 }
    case .extensibleMatch(let assertion):
        return assertion.type != "" && (assertion.dnAttributes || assertion.matchingRule?.lowercased() != "dn")
    default: return true
    }
}

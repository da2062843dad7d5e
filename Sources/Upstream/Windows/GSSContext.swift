import CGSSAPI
import NIOCore

/// An initiator's security context (`gss_init_sec_context`, RFC 2743 §2.2.1), and, once
/// established, per-message protection (`gss_wrap` / `gss_unwrap`, RFC 2743 §2.3.3).
///
/// Every call here blocks (the first step of a Kerberos context asks the KDC for a service
/// ticket), except `wrap` and `unwrap`, which only compute.
final class GSSContext: @unchecked Sendable {
    private var handle: gss_ctx_id_t?
    private let credential: GSSCredential
    private let target: GSSName
    private let mechanism: gss_OID
    private let requestedFlags: OM_uint32
    /// Application data of the channel bindings (RFC 2743 §1.1.6), e.g. RFC 5929's
    /// `tls-server-end-point:HASH`; nil sends none.
    private let channelBindings: [UInt8]?
    /// The flags the mechanism granted (`GSS_C_INTEG_FLAG`, `GSS_C_CONF_FLAG`, ...).
    private(set) var flags: OM_uint32 = 0
    private(set) var isEstablished = false

    init(
        credential: GSSCredential, target: GSSName, mechanism: gss_OID, flags: OM_uint32,
        channelBindings: [UInt8]? = nil
    ) {
        self.channelBindings = channelBindings
        self.credential = credential
        self.target = target
        self.mechanism = mechanism
        self.requestedFlags = flags
    }

    deinit {
        var minor: OM_uint32 = 0
        if handle != nil { gss_delete_sec_context(&minor, &handle, nil) }
    }

    /// One step: the peer's last token in (none at first), the next token to send out (may be
    /// empty). Afterwards `isEstablished` says whether the context is complete.
    func step(_ input: [UInt8]?) throws(GSSStatus) -> [UInt8] {
        var minor: OM_uint32 = 0
        var output = gss_buffer_desc()
        var grantedFlags: OM_uint32 = 0
        var inputBytes = input ?? []
        var bindingBytes = channelBindings ?? []
        let major = inputBytes.withUnsafeMutableBytes { raw in
            var inputBuffer = gss_buffer_desc(length: raw.count, value: raw.baseAddress)
            return bindingBytes.withUnsafeMutableBytes { binding in
                // Addresses unspecified (0), as Windows sends them; only the application data counts.
                var bindings = gss_channel_bindings_struct(
                    initiator_addrtype: 0, initiator_address: gss_buffer_desc(), acceptor_addrtype: 0,
                    acceptor_address: gss_buffer_desc(),
                    application_data: gss_buffer_desc(length: binding.count, value: binding.baseAddress))
                return withUnsafeMutablePointer(to: &bindings) { bindingsPointer in
                    withUnsafeMutablePointer(to: &inputBuffer) { inputPointer in
                        gss_init_sec_context(
                            &minor, credential.handle, &handle, target.handle, mechanism, requestedFlags, 0,
                            channelBindings == nil ? nil : bindingsPointer, input == nil ? nil : inputPointer, nil,
                            &output, &grantedFlags, nil)
                    }
                }
            }
        }
        defer { gss_release_buffer(&minor, &output) }
        if cgss_is_error(major).isTrue { throw GSSStatus("gss_init_sec_context", major: major, minor: minor) }
        flags = grantedFlags
        isEstablished = (major & cgss_continue_needed()) == 0
        guard let value = output.value, output.length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: value, count: output.length))
    }

    /// Protects one message (`gss_wrap`), sealing it when `confidential`.
    func wrap(_ message: ByteBuffer, confidential: Bool, allocator: ByteBufferAllocator) throws(GSSStatus) -> ByteBuffer
    {
        var minor: OM_uint32 = 0
        var output = gss_buffer_desc()
        var message = message
        let major = message.withUnsafeMutableReadableBytes { raw in
            var input = gss_buffer_desc(length: raw.count, value: raw.baseAddress)
            return gss_wrap(&minor, handle, confidential ? 1 : 0, gss_qop_t(GSS_C_QOP_DEFAULT), &input, nil, &output)
        }
        defer { gss_release_buffer(&minor, &output) }
        if cgss_is_error(major).isTrue { throw GSSStatus("gss_wrap", major: major, minor: minor) }
        var result = allocator.buffer(capacity: output.length)
        if let value = output.value { result.writeBytes(UnsafeRawBufferPointer(start: value, count: output.length)) }
        return result
    }

    /// Checks and opens one protected message (`gss_unwrap`).
    func unwrap(_ token: ByteBuffer, allocator: ByteBufferAllocator) throws(GSSStatus) -> ByteBuffer {
        var minor: OM_uint32 = 0
        var output = gss_buffer_desc()
        var token = token
        let major = token.withUnsafeMutableReadableBytes { raw in
            var input = gss_buffer_desc(length: raw.count, value: raw.baseAddress)
            return gss_unwrap(&minor, handle, &input, &output, nil, nil)
        }
        defer { gss_release_buffer(&minor, &output) }
        if cgss_is_error(major).isTrue { throw GSSStatus("gss_unwrap", major: major, minor: minor) }
        var result = allocator.buffer(capacity: output.length)
        if let value = output.value { result.writeBytes(UnsafeRawBufferPointer(start: value, count: output.length)) }
        return result
    }
}

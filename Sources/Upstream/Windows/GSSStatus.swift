import CGSSAPI

/// A GSS-API call that failed (RFC 2743 §1.2.1): the call, its major and minor status, and
/// the library's own description of both (`gss_display_status`).
struct GSSStatus: Error, Sendable, CustomStringConvertible {
    let call: String
    let major: OM_uint32
    let minor: OM_uint32
    let message: String

    init(_ call: String, major: OM_uint32, minor: OM_uint32) {
        self.call = call
        self.major = major
        self.minor = minor
        var parts = Self.display(major, type: GSS_C_GSS_CODE)
        if minor != 0 { parts += Self.display(minor, type: GSS_C_MECH_CODE) }
        self.message = parts.filter { !$0.isEmpty }.joined(separator: ": ")
    }

    var description: String { "\(call): \(message)" }

    /// Every message the library has for one status value.
    private static func display(_ status: OM_uint32, type: Int32) -> [String] {
        var messages: [String] = []
        var messageContext: OM_uint32 = 0
        repeat {
            var minor: OM_uint32 = 0
            var buffer = gss_buffer_desc()
            let major = gss_display_status(&minor, status, type, nil, &messageContext, &buffer)
            defer { gss_release_buffer(&minor, &buffer) }
            guard !cgss_is_error(major).isTrue else { break }
            messages.append(String(gssBuffer: buffer))
        } while messageContext != 0 && messages.count < 8
        return messages
    }
}

extension Int32 {
    /// C truth value.
    var isTrue: Bool { self != 0 }
}

extension String {
    /// The text in a GSS buffer (not NUL-terminated; a trailing NUL is dropped).
    init(gssBuffer buffer: gss_buffer_desc) {
        guard let value = buffer.value, buffer.length > 0 else {
            self = ""
            return
        }
        var bytes = UnsafeRawBufferPointer(start: value, count: buffer.length)
        if bytes.last == 0 { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}

import CGSSAPI

#if canImport(Glibc)
    import Glibc
#endif

/// GSS-API handles with an owner: each is released when its wrapper goes away.
///
/// None of them is safe for concurrent use; each belongs to one bind (or one connection's
/// security layer) and is used by one thread at a time, which is what `@unchecked Sendable`
/// promises here.

/// An internal name (`gss_import_name`, RFC 2743 §2.4.5).
final class GSSName: @unchecked Sendable {
    private(set) var handle: gss_name_t?

    init(_ text: String, type: gss_OID) throws(GSSStatus) {
        var minor: OM_uint32 = 0
        var name: gss_name_t?
        let major = text.withCString { cString in
            var buffer = gss_buffer_desc(length: strlen(cString), value: UnsafeMutableRawPointer(mutating: cString))
            return gss_import_name(&minor, &buffer, type, &name)
        }
        if cgss_is_error(major).isTrue { throw GSSStatus("gss_import_name(\(text))", major: major, minor: minor) }
        handle = name
    }

    deinit {
        var minor: OM_uint32 = 0
        if handle != nil { gss_release_name(&minor, &handle) }
    }
}

/// A credential (`gss_acquire_cred_from`, RFC 5588-style cred store extensions of MIT krb5).
final class GSSCredential: @unchecked Sendable {
    var handle: gss_cred_id_t?

    init(handle: gss_cred_id_t?) { self.handle = handle }

    deinit {
        var minor: OM_uint32 = 0
        if handle != nil { gss_release_cred(&minor, &handle) }
    }
}

/// A set of mechanism OIDs, for the duration of one call.
func withOIDSet<T>(_ oids: [gss_OID], _ body: (gss_OID_set) -> T) throws(GSSStatus) -> T {
    var minor: OM_uint32 = 0
    var set: gss_OID_set?
    var major = gss_create_empty_oid_set(&minor, &set)
    if cgss_is_error(major).isTrue { throw GSSStatus("gss_create_empty_oid_set", major: major, minor: minor) }
    defer { gss_release_oid_set(&minor, &set) }
    for oid in oids {
        major = gss_add_oid_set_member(&minor, oid, &set)
        if cgss_is_error(major).isTrue { throw GSSStatus("gss_add_oid_set_member", major: major, minor: minor) }
    }
    return body(set!)
}

/// A key/value credential store (`gss_key_value_set_desc`) for one call. The C strings live
/// only inside `body`; values are wiped afterwards (one of them may be a password).
func withCredentialStore<T>(_ entries: [(key: String, value: [CChar])], _ body: (inout gss_key_value_set_desc) -> T)
    -> T
{
    var keys = entries.map { strdup($0.key) }
    var values: [UnsafeMutablePointer<CChar>] = entries.map { entry in
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: entry.value.count + 1)
        copy.initialize(from: entry.value, count: entry.value.count)
        copy[entry.value.count] = 0
        return copy
    }
    defer {
        for (index, value) in values.enumerated() {
            value.update(repeating: 0, count: entries[index].value.count + 1)
            value.deallocate()
        }
        for key in keys { free(key) }
        values.removeAll()
        keys.removeAll()
    }
    var elements = zip(keys, values).map { key, value in
        gss_key_value_element_desc(key: UnsafePointer(key), value: UnsafePointer(value))
    }
    return elements.withUnsafeMutableBufferPointer { buffer in
        var store = gss_key_value_set_desc(count: OM_uint32(buffer.count), elements: buffer.baseAddress)
        return body(&store)
    }
}

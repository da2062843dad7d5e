#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address range as `mfa.exempt.networks` takes it: an IPv4 or IPv6 address with an optional prefix length
/// (CIDR, RFC 4632 §3.1 and RFC 4291 §2.3): `10.0.0.0/8`, `192.0.2.7` (one address), `2001:db8::/32`.
///
/// Addresses are read with `inet_pton`, as the gate's `NetworkRange` reads them, so what loads here the gate takes.
struct AddressRangeSyntax: Equatable {
    /// The address's bytes: 4 for IPv4, 16 for IPv6.
    let address: [UInt8]
    /// The prefix length: 0...32 for IPv4, 0...128 for IPv6; all bits when none is written.
    let prefixLength: Int

    /// Whether bits after the prefix are set (`10.0.0.1/8`), which the range ignores.
    var hasHostBits: Bool {
        address.enumerated().contains { index, byte in
            let kept = max(0, min(8, prefixLength - index * 8))
            return byte & (UInt8(0xFF) >> kept) != 0
        }
    }

    /// Parses `address[/prefix]`; the message says what is wrong otherwise.
    static func parse(_ text: String) -> Result<AddressRangeSyntax, HostPortError> {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = String(parts[0])
        guard let address = bytes(of: addressText) else {
            return .failure("'\(addressText)' is not an IPv4 or IPv6 address")
        }
        let bits = address.count * 8
        guard parts.count == 2 else { return .success(AddressRangeSyntax(address: address, prefixLength: bits)) }
        let prefix = parts[1]
        guard !prefix.isEmpty, prefix.count <= 3, prefix.allSatisfy({ $0.isASCII && $0.isNumber }),
            let length = Int(prefix), length <= bits
        else {
            return .failure("the prefix length '\(prefix)' is not a number from 0 to \(bits)")
        }
        return .success(AddressRangeSyntax(address: address, prefixLength: length))
    }

    /// The address with the bits after the prefix cleared, written back (`10.0.0.0/8`).
    var networkText: String {
        let masked = address.enumerated().map { index, byte in
            let kept = max(0, min(8, prefixLength - index * 8))
            return kept == 8 ? byte : byte & ~(UInt8(0xFF) >> kept)
        }
        return "\(Self.text(of: masked) ?? "?")/\(prefixLength)"
    }

    /// The bytes of a textual IPv4 or IPv6 address, or nil.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The text of an address of 4 or 16 bytes.
    static func text(of bytes: [UInt8]) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

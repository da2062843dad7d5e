import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// TCP ports on 127.0.0.1 for the servers tests start (slapd, PostgreSQL, privacyIDEA, fake servers'
/// peers), shared by every test target of the one test process.
///
/// Handed out in turn from 20000-31999, below the kernel's ephemeral range (32768-60999): a port
/// from `bind(0)` can be handed again to a server or an outgoing connection of a test running in
/// parallel before it is used (seen: a "closed" port that then answered), whereas nothing else in
/// the process takes these, and each is checked to be free when handed out.
public enum TestPorts {
    static let range = 20000...31999
    private static let next = NIOLockedValueBox(20000 + Int(getpid() % 500) * 20)

    public struct Exhausted: Error, CustomStringConvertible {
        public var description: String { "no free TCP port in \(TestPorts.range) on 127.0.0.1" }
    }

    /// A port that is free now and that no other caller in this process gets.
    public static func free() throws -> Int {
        for _ in range {
            let port = next.withLockedValue { next -> Int in
                defer { next = next >= range.upperBound ? range.lowerBound : next + 1 }
                return next
            }
            if canBind(port) { return port }
        }
        throw Exhausted()
    }

    static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

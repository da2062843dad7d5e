import Foundation

/// Where JSON log lines go: standard output, or an append-only file (for the audit stream).
///
/// Lines from different threads never interleave, and no caller waits behind another's `write(2)`: a
/// caller appends its line to a pending buffer; the first caller to find no writer at work becomes the
/// writer and drains the buffer, taking every line that arrived meanwhile in one system call. Under load
/// this writes many lines per call; when idle each line is written before `write` returns, so the
/// kernel has it even if the process is killed just after.
public final class JSONLogStream: @unchecked Sendable {
    private let lock = NSLock()
    private let descriptor: Int32
    private let handle: FileHandle?
    private var pending: [UInt8] = []
    private var writing = false

    public static let standardOutput = JSONLogStream(descriptor: STDOUT_FILENO, handle: nil)

    private init(descriptor: Int32, handle: FileHandle?) {
        self.descriptor = descriptor
        self.handle = handle
    }

    /// Opens `path` for appending, creating it with mode 0600 when absent.
    public static func file(_ path: String) throws -> JSONLogStream {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        return JSONLogStream(descriptor: handle.fileDescriptor, handle: handle)
    }

    func write(_ line: String) { write(Array(line.utf8)) }

    func write(_ line: [UInt8]) {
        lock.lock()
        pending.append(contentsOf: line)
        if writing {
            lock.unlock()
            return
        }
        writing = true
        while !pending.isEmpty {
            var batch: [UInt8] = []
            swap(&batch, &pending)
            pending.reserveCapacity(batch.count)
            lock.unlock()
            writeAll(batch)
            lock.lock()
        }
        writing = false
        lock.unlock()
    }

    /// Writes every byte, retrying on EINTR and short writes; drops the rest on any other error (a full
    /// disk must not stop the proxy: the operational log is the place that would say so).
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creates files that hold secrets: mode 0600 from the first byte, complete or absent.
enum KeyFileWriter {
    /// Writes `contents` to a private temporary file beside `path`, then hard-links it into place
    /// (link(2) fails rather than replacing an existing file). Returns false when `path` already
    /// existed, so the caller reads the winner's file.
    static func createExclusively(path: String, contents: String) throws(UserStoreError) -> Bool {
        let temporary = path + ".tmp-\(UInt64.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create", path, errno) }
        defer { unlink(temporary) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = written == bytes.count ? fsync(descriptor) : -1
        let writeError = errno
        close(descriptor)
        guard synced == 0 else { throw failure("write", path, writeError) }
        if link(temporary, path) == 0 { return true }
        let linkError = errno
        if linkError == EEXIST { return false }
        throw failure("create", path, linkError)
    }

    /// Creates an empty file with mode 0600 unless one exists (the SQLite database, before SQLite
    /// creates it with the umask's mode).
    static func createPrivateFileIfAbsent(path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 { close(descriptor) }
    }

    private static func failure(_ action: String, _ path: String, _ code: Int32) -> UserStoreError {
        UserStoreError(
            .keyFile,
            "cannot \(action) the key file \(path): \(String(cString: strerror(code))); "
                + "check that its directory exists and is writable")
    }
}

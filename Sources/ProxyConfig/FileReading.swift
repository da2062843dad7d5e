import Foundation

/// Paths and files the configuration names: making them absolute, and saying why one cannot be read.
enum FileReading {
    /// `path` unchanged when absolute, otherwise taken from `base`; `.` and `..` removed.
    static func absolute(_ path: String, base: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: base).appending(path: path)
        return url.standardizedFileURL.path
    }

    /// Why no regular, readable file is at `path`, or nil when there is one.
    static func unreadableReason(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "no such file"
        }
        if isDirectory.boolValue { return "it is a folder, not a file" }
        return FileManager.default.isReadableFile(atPath: path) ? nil : "permission denied"
    }

    /// Why `path` could not be read, for an error message.
    static func reason(for path: String) -> String {
        unreadableReason(path) ?? "read error"
    }

    /// Whether the folder that would hold `path` exists.
    static func parentFolderExists(of path: String) -> Bool {
        var isDirectory: ObjCBool = false
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// A secret file's bytes without one trailing line break (`\n` or `\r\n`), or why it cannot be used.
    static func secret(at path: String) -> Result<SecretValue, SecretFileError> {
        if let reason = unreadableReason(path) { return .failure(.unreadable(reason)) }
        guard var bytes = FileManager.default.contents(atPath: path).map(Array.init) else {
            return .failure(.unreadable("read error"))
        }
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        return bytes.isEmpty ? .failure(.empty) : .success(SecretValue(bytes))
    }
}

/// Why a secret file cannot be used.
enum SecretFileError: Error, Equatable {
    /// Missing, a folder, or not readable; the reason says which.
    case unreadable(String)
    /// Empty, or only a line break.
    case empty
}

import Crypto
import Foundation

@testable import UserStore

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("userstore-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with a store opened in a temporary directory, then removes the directory.
func withStore<T>(
    key: SymmetricKey = SymmetricKey(size: .bits256), _ body: (SQLiteUserStore, TemporaryDirectory) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try SQLiteUserStore(path: directory.file("users.sqlite"), key: key)
    return try await body(store, directory)
}

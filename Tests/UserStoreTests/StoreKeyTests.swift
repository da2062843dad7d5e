import Crypto
import Foundation
import Testing

@testable import UserStore

@Suite("Store key files")
struct StoreKeyTests {
    func mode(_ path: String) throws -> Int? {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    @Test("a missing key file is created with mode 0600 and reused on the second open")
    func createAndReuse() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("store.key")
        let first = try StoreKey.loadOrCreate(path: path)
        #expect(first.created)
        #expect(first.warning == nil)
        #expect(try mode(path) == 0o600)
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents.hasSuffix("\n") && contents.count == 45)
        let second = try StoreKey.loadOrCreate(path: path)
        #expect(!second.created)
        #expect(StoreKey.base64(second.key) == StoreKey.base64(first.key))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["store.key"])
    }

    @Test("a store opened with a created key opens again with the same file")
    func storeRoundTrip() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyPath = directory.file("store.key")
        let store = try SQLiteUserStore(path: directory.file("u.sqlite"), key: StoreKey.loadOrCreate(path: keyPath).key)
        try await store.enrolTOTP(username: "alice", secret: [7, 7])
        let again = try SQLiteUserStore(path: directory.file("u.sqlite"), key: StoreKey.loadOrCreate(path: keyPath).key)
        #expect(try await again.totpSecret(for: "alice") == [7, 7])
    }

    @Test("concurrent creators all get the same key")
    func racingCreators() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("store.key")
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { StoreKey.base64(try StoreKey.loadOrCreate(path: path).key) } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
    }

    @Test("a key file readable by others is used with a warning")
    func permissiveMode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("store.key")
        _ = try StoreKey.loadOrCreate(path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let loaded = try StoreKey.loadOrCreate(path: path)
        let warning = try #require(loaded.warning)
        #expect(warning.contains("chmod 600"))
        #expect(warning.contains("644"))
    }

    @Test(
        "key files of the wrong size or format are refused without echoing them",
        arguments: [
            "c2hvcnQ=\n", "not base64 at all!!\n", "",
            "\(String(repeating: "A", count: 43))=\n\(String(repeating: "A", count: 43))=\n",
        ])
    func badFiles(contents: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("store.key")
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
        do {
            _ = try StoreKey.loadOrCreate(path: path)
            Issue.record("accepted a bad key file")
        } catch {
            #expect(error.kind == .keyFile)
            #expect(error.description.contains(path))
            #expect(error.description.contains("256-bit"))
            if !contents.isEmpty { #expect(!error.description.contains(contents.trimmingCharacters(in: .newlines))) }
        }
    }

    @Test("a key file in a missing directory is a clear error")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect {
            _ = try StoreKey.loadOrCreate(path: directory.file("absent/store.key"))
        } throws: { error in
            guard let error = error as? UserStoreError else { return false }
            return error.kind == .keyFile && error.description.contains("directory exists")
        }
    }

    @Test("fromBase64 accepts 32 bytes with whitespace and refuses the rest")
    func fromBase64() throws {
        let key = StoreKey.generate()
        let text = " " + StoreKey.base64(key) + "\n"
        #expect(StoreKey.base64(try StoreKey.fromBase64(text)) == StoreKey.base64(key))
        for bad in ["", "%%%", Data(repeating: 1, count: 16).base64EncodedString()] {
            #expect(throws: UserStoreError.self) { try StoreKey.fromBase64(bad) }
        }
        do {
            _ = try StoreKey.fromBase64("c2VjcmV0LXNob3J0")
        } catch {
            #expect(error.kind == .invalidKey)
            #expect(!error.description.contains("c2VjcmV0LXNob3J0"))
        }
    }
}

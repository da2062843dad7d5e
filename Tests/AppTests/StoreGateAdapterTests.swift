import Crypto
import Foundation
import NIOCore
import ProxyServer
import Testing
import UserStore

@testable import App

@Suite("Store gate adapter")
struct StoreGateAdapterTests {
    static let secret = Array("12345678901234567890".utf8)

    func withAdapter(_ body: (StoreGateAdapter, SQLiteUserStore) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteUserStore(path: path + "/users.sqlite", key: SymmetricKey(size: .bits256))
        try await body(StoreGateAdapter(store: store), store)
    }

    @Test("the state read hands its secret to the provider's read, once")
    func handoff() async throws {
        try await withAdapter { adapter, store in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            #expect(try await adapter.state(username: "alice") == .enabled)
            #expect(adapter.waiting == 1)
            #expect(try await adapter.totpSecret(for: "alice") == Self.secret)
            #expect(adapter.waiting == 0)
            // Not handed over any more: the second read comes from the store, and sees a reset.
            _ = try await store.reset(username: "alice")
            #expect(try await adapter.totpSecret(for: "alice") == nil)
        }
    }

    @Test("a handed-over secret is not used after its lifetime, nor kept past it")
    func expiry() async throws {
        try await withAdapter { adapter, store in
            let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
            adapter.keep([1, 2, 3], for: "bob", now: t0)
            #expect(adapter.take("bob", now: t0 + .seconds(6)) == nil)
            adapter.keep([1, 2, 3], for: "carol", now: t0)
            adapter.keep([4, 5, 6], for: "dave", now: t0 + .seconds(6))
            #expect(adapter.waiting == 1)  // carol's expired entry went with the next insert
            #expect(adapter.take("dave", now: t0 + .seconds(7)) == [4, 5, 6])
        }
    }

    @Test("a user without a record, or without a secret, leaves nothing behind")
    func nothingKept() async throws {
        try await withAdapter { adapter, store in
            #expect(try await adapter.state(username: "nobody") == .missing)
            try await store.enrolTOTP(username: "erin", secret: Self.secret)
            _ = try await store.reset(username: "erin")
            #expect(try await adapter.state(username: "erin") == .enabled)
            #expect(adapter.waiting == 0)
        }
    }
}

import Foundation
import UserStore

/// Tells administrators that a batch of disables and removals waits for approval (the log always says so too).
public protocol SyncNotifier: Sendable {
    func notify(_ batch: PendingBatch, threshold: Int) async throws
}

/// No notification beyond the log.
public struct LogOnlyNotifier: SyncNotifier {
    public init() {}
    public func notify(_ batch: PendingBatch, threshold: Int) async throws {}
}

/// `sync.notify_command`: runs a program (no shell) with the batch described in its environment. A command that
/// does not finish within `timeout` is terminated.
///
/// Environment: `LDAP_MFA_PROXY_SYNC_BATCH` (the batch id), `LDAP_MFA_PROXY_SYNC_PENDING` (how many users),
/// `LDAP_MFA_PROXY_SYNC_THRESHOLD` (`sync.approval_threshold`), `LDAP_MFA_PROXY_SYNC_FILE` (a JSON file with the
/// batch: every user, action and reason; removed when the command ends).
public struct CommandNotifier: SyncNotifier {
    public let arguments: [String]
    public let timeout: Duration

    public init(arguments: [String], timeout: Duration = .seconds(30)) {
        self.arguments = arguments
        self.timeout = timeout
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public func notify(_ batch: PendingBatch, threshold: Int) async throws {
        guard let executable = arguments.first else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sync-batch-\(batch.id).json")
        try JSONEncoder.batch.encode(batch).write(to: file, options: .atomic)
        defer { try? FileManager.default.removeItem(at: file) }
        var environment = ProcessInfo.processInfo.environment
        environment["LDAP_MFA_PROXY_SYNC_BATCH"] = batch.id
        environment["LDAP_MFA_PROXY_SYNC_PENDING"] = String(batch.removals.count)
        environment["LDAP_MFA_PROXY_SYNC_THRESHOLD"] = String(threshold)
        environment["LDAP_MFA_PROXY_SYNC_FILE"] = file.path
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let deadline = timeout
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: Failure(description: "cannot run \(executable): \(error)"))
                return
            }
            Task {
                try? await Task.sleep(for: deadline)
                if process.isRunning { process.terminate() }
            }
        }
        guard status == 0 else {
            throw Failure(description: "\(executable) exited with status \(status)")
        }
    }
}

extension JSONEncoder {
    static var batch: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}

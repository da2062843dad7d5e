import App
import ArgumentParser
import DirectorySync
import Foundation
import Logging
import ProxyConfig
import Upstream
import UserStore

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synchronise the user store from the directory, and review what a synchronisation staged.",
        subcommands: [Now.self, Status.self, Pending.self, Approve.self, RestoreDefaults.self])

    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a full synchronisation now, with progress on the terminal.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print the outcome as JSON (progress still goes to standard error).") var json = false

        func run() async throws {
            let configuration = try options.load()
            guard !configuration.sync.items.isEmpty else {
                FileHandle.standardError.write(Data("sync.items is empty: there is nothing to synchronise\n".utf8))
                throw ExitCode(1)
            }
            let (store, warning) = try ConfiguredUserStore.open(configuration)
            if let warning { SyncOutput.error("warning: \(warning)") }
            var logger = Logger(label: "ldap-mfa-proxy.sync")
            logger.logLevel = .critical  // the terminal shows progress and the summary instead
            let directory = try UpstreamDirectory(settings: DirectorySettings(configuration), logger: logger)
            let service = ProxyApplication.syncService(
                configuration, directory: directory, store: store, logger: logger)
            let progress = ProgressLine()
            let outcome = await service.runCycle(.manual) { progress.show($0) }
            progress.finish()
            await directory.shutdown()
            switch outcome {
            case .skipped(let reason):
                SyncOutput.error("not synchronised: \(reason)")
                throw ExitCode(1)
            case .completed(let record):
                if json {
                    try SyncOutput.printJSON(SyncOutput.cycle(record))
                } else {
                    SyncOutput.printCycle(record)
                }
                if record.outcome == .failed { throw ExitCode(1) }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the last cycle, its counts and errors, and whether a full synchronisation is required.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let configuration = try options.load()
            let store = try ConfiguredUserStore.open(configuration).store
            let status = try await SyncStatus.load(store: store, settings: SyncSettings(configuration))
            if json {
                try SyncOutput.printJSON(SyncOutput.status(status, enabled: configuration.sync.enabled))
            } else {
                SyncOutput.printStatus(status, enabled: configuration.sync.enabled)
            }
        }
    }

    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the disables and removals waiting for approval.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let configuration = try options.load()
            let batch = try await ConfiguredUserStore.open(configuration).store.pendingBatch()
            if json {
                try SyncOutput.printJSON(batch.map(SyncOutput.batch) ?? NSNull())
                return
            }
            guard let batch else {
                print("Nothing waits for approval.")
                return
            }
            print("Batch \(batch.id), staged \(SyncOutput.time(batch.stagedAt)): \(batch.removals.count) users")
            for removal in batch.removals {
                print("  \(removal.action.rawValue)\t\(removal.username)\t\(removal.uniqueID)\t\(removal.reason)")
            }
            print("Apply with: ldap-mfa-proxy sync approve --batch \(batch.id)")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the staged disables and removals.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Apply only if this is the staged batch (the one reviewed with 'sync pending').")
        var batch: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let configuration = try options.load()
            let store = try ConfiguredUserStore.open(configuration).store
            let result = try await store.approvePending(batch: batch)
            switch result {
            case .nothingStaged:
                if json {
                    try SyncOutput.printJSON(["approved": false, "reason": "nothing staged"])
                } else {
                    print("Nothing waits for approval.")
                }
            case .otherBatchStaged(let staged):
                SyncOutput.error(
                    "the staged batch is \(staged.id), not \(batch ?? ""), so nothing was applied (a later cycle may "
                        + "have replaced the batch): review it with 'sync pending'")
                throw ExitCode(1)
            case .applied(let applied, let report):
                if json {
                    try SyncOutput.printJSON([
                        "approved": true, "batch": applied.id, "disabled": report.disabled, "removed": report.removed,
                    ])
                } else {
                    print("Applied batch \(applied.id): \(report.disabled) disabled, \(report.removed) removed.")
                }
            }
        }
    }

    struct RestoreDefaults: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore-defaults",
            abstract: "Print the default attribute and filter settings, to paste into the configuration.")

        func run() {
            print(ProxyConfiguration.Sync.defaultsYAML)
        }
    }
}

/// `sync now`'s progress on standard error: one line per step, a running count of users read.
final class ProgressLine: Sendable {
    private let interactive = isatty(STDERR_FILENO) == 1

    func show(_ progress: SyncProgress) {
        switch progress {
        case .step(let text):
            write((interactive ? "\r\u{1B}[K" : "") + "\(text)...\n")
        case .usersRead(let count):
            if interactive { write("\r\u{1B}[K\(count) users read") }
        }
    }

    func finish() {
        if interactive { write("\r\u{1B}[K") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// How the `sync` subcommands print: text for people, JSON (`--json`) for scripts.
enum SyncOutput {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }

    static func time(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    static func printJSON(_ value: Any) throws {
        let data = try JSONSerialization.data(
            withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        print(String(decoding: data, as: UTF8.self))
    }

    static func cycle(_ record: SyncCycleRecord) -> [String: Any] {
        [
            "mode": record.mode, "outcome": record.outcome.rawValue, "started_at": time(record.startedAt),
            "finished_at": time(record.finishedAt), "added": record.added, "updated": record.updated,
            "disabled": record.disabled, "removed": record.removed, "unchanged": record.unchanged,
            "staged": record.staged, "errors": record.errors,
        ]
    }

    static func batch(_ batch: PendingBatch) -> [String: Any] {
        [
            "batch": batch.id, "staged_at": time(batch.stagedAt),
            "users": batch.removals.map { removal -> [String: Any] in
                var item: [String: Any] = [
                    "username": removal.username, "unique_id": removal.uniqueID, "action": removal.action.rawValue,
                    "reason": removal.reason,
                ]
                if let syncItem = removal.syncItem { item["sync_item"] = syncItem }
                return item
            },
        ]
    }

    static func status(_ status: SyncStatus, enabled: Bool) -> [String: Any] {
        var result: [String: Any] = [
            "enabled": enabled,
            "items": status.items.enumerated().map {
                "\($0.offset + 1). \($0.element.source.label), on_removal "
                    + $0.element.onRemoval.rawValue
            },
            "full_sync_required": status.fullSyncRequired.map { $0 as Any } ?? false,
            "dirsync": status.state.dirSyncCookie == nil ? "none" : "ready",
            "pending": status.pending?.removals.count ?? 0,
        ]
        if let note = status.state.dirSyncNote { result["dirsync_note"] = note }
        if let last = status.state.lastFullSyncAt { result["last_full_sync_at"] = time(last) }
        if let cycle = status.state.lastCycle { result["last_cycle"] = self.cycle(cycle) }
        if let batch = status.pending?.id { result["pending_batch"] = batch }
        if let lease = status.lease, status.leaseHeld() {
            result["lease"] = ["holder": lease.holder, "expires_at": time(lease.expiresAt)]
        }
        return result
    }

    static func printCycle(_ record: SyncCycleRecord, indent: String = "") {
        let duration = String(format: "%.1f", record.finishedAt.timeIntervalSince(record.startedAt))
        print(
            "\(indent)\(record.mode) synchronisation \(record.outcome.rawValue), started \(time(record.startedAt)), "
                + "took \(duration)s")
        print(
            "\(indent)  \(record.added) added, \(record.updated) updated, \(record.disabled) disabled, "
                + "\(record.removed) removed, \(record.unchanged) unchanged")
        if record.staged > 0 {
            print(
                "\(indent)  \(record.staged) disables and removals wait for approval: review with 'ldap-mfa-proxy "
                    + "sync pending', apply with 'ldap-mfa-proxy sync approve'")
        }
        if !record.errors.isEmpty {
            print("\(indent)  \(record.errors.count) problems:")
            for error in record.errors.prefix(20) { print("\(indent)    \(error)") }
        }
    }

    static func printStatus(_ status: SyncStatus, enabled: Bool) {
        print("Periodic synchronisation: \(enabled ? "enabled" : "disabled (sync.enabled)")")
        print("Sync items (priority order):")
        for (index, item) in status.items.enumerated() {
            print("  \(index + 1). \(item.source.label), on_removal \(item.onRemoval.rawValue)")
        }
        if let required = status.fullSyncRequired {
            print("Full synchronisation required: \(required). Run 'ldap-mfa-proxy sync now'.")
        }
        print("Last full synchronisation: \(status.state.lastFullSyncAt.map(time) ?? "never")")
        let dirSync = status.state.dirSyncCookie == nil ? "no starting point" : "ready for incremental cycles"
        print("DirSync: \(dirSync)\(status.state.dirSyncNote.map { " (\($0))" } ?? "")")
        if let cycle = status.state.lastCycle {
            print("Last cycle:")
            printCycle(cycle, indent: "  ")
        } else {
            print("Last cycle: none")
        }
        if let pending = status.pending {
            print("Waiting for approval: batch \(pending.id), \(pending.removals.count) users ('sync pending')")
        }
        if let lease = status.lease, status.leaseHeld() {
            print("Synchronising now: \(lease.holder) holds the lease until \(time(lease.expiresAt))")
        }
    }
}

extension SyncOutput {
    /// What directory synchronisation knows of a user, for `users list --json`: `enabled`, and for a synchronised
    /// user `unique_id`, `sync_item`, `synced_at` and every directory attribute with a value (`dn`, `first_name`,
    /// `mobile_phone`, `phone_extension`, ...).
    static func directoryFields(_ details: UserDetails) -> [String: Any] {
        var fields: [String: Any] = ["enabled": details.enabled]
        if let id = details.uniqueID { fields["unique_id"] = id }
        if let item = details.syncItem { fields["sync_item"] = item }
        if let synced = details.syncedAt { fields["synced_at"] = time(synced) }
        if let disabled = details.disabledAt { fields["disabled_at"] = time(disabled) }
        for (key, value) in details.profile?.fields ?? [:] { fields[key] = value }
        return fields
    }
}

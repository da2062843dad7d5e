import LDAPCore
import Logging
import NIOCore
import Upstream

/// Follows referrals for one client connection (`directory.referrals: chase`), so that clients that
/// cannot follow them, or cannot bind to a trusted domain's server themselves, get the entries.
/// Event-loop confined, owned by `ClientSessionHandler`; searches only (RFC 4511 §4.5.3, §4.1.10).
///
/// - A continuation reference (SearchResultReference) whose URL names a host of
///   `directory.referral_hosts` is replaced by the entries of the same search at that URL: its DN
///   as the base, a one-level scope becoming base (RFC 4511 §4.5.3), the original filter,
///   attributes and controls. The search's SearchResultDone waits until every such chase is over.
/// - A SearchResultDone with `referral (10)` is replaced by the whole search run at the URL.
/// - Chased connections bind as the client (its identity, with the same bind type and the same TLS
///   protection as the configured servers; see `UpstreamDirectory.chase`). One hop: references that
///   a chased server returns reach the client untouched.
/// - A referral to any other host, or a chase that fails, reaches the client untouched.
final class ReferralChaser {
    private let directory: UpstreamDirectory
    private let logger: Logger
    private var searches: [Int32: (request: SearchRequest, controls: [LDAPControl]?)] = [:]
    private var pending: [Int32: Int] = [:]
    private var heldDone: [Int32: LDAPFrame] = [:]
    /// Bumped by `reset()`, so chases of an abandoned connection write nothing.
    private var generation = 0

    init(directory: UpstreamDirectory, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// A request went to the directory: remember searches, whose answers may need chasing.
    func requestRelayed(_ frame: LDAPFrame) {
        guard frame.operationTag == OperationTag.searchRequest, let message = try? frame.decode(),
            case .searchRequest(let request) = message.protocolOp
        else { return }
        searches[frame.messageID] = (request, message.controls)
    }

    /// The dedicated connection was replaced (a bind, or it closed): forget everything in flight.
    func reset() {
        generation += 1
        searches = [:]
        pending = [:]
        heldDone = [:]
    }

    /// Takes `frame` (a response for the client) when it must be chased or held; then `write` gets
    /// the chased responses later, on `loop`. Returns false when the caller writes `frame` itself.
    func intercept(
        _ frame: LDAPFrame, identity: BindRequest?, loop: EventLoop, write: @escaping (LDAPFrame) -> Void
    ) -> Bool {
        let id = frame.messageID
        guard let search = searches[id] else { return false }
        switch frame.operationTag {
        case OperationTag.searchResultReference:
            guard let message = try? frame.decode(), case .searchResultReference(let uris) = message.protocolOp,
                let url = chaseable(uris)
            else { return false }
            var chased = search.request
            if !url.dn.isEmpty { chased.baseObject = url.dn }
            if chased.scope == .singleLevel { chased.scope = .baseObject }
            start(
                chased, at: url, id: id, controls: search.controls, identity: identity, fallback: frame, final: false,
                loop: loop, write: write)
            return true
        case OperationTag.searchResultDone:
            if let message = try? frame.decode(), case .searchResultDone(let result) = message.protocolOp,
                result.resultCode == .referral, let url = chaseable(result.referral ?? [])
            {
                var chased = search.request
                if !url.dn.isEmpty { chased.baseObject = url.dn }
                if let scope = url.scope { chased.scope = scope }
                start(
                    chased, at: url, id: id, controls: search.controls, identity: identity, fallback: frame,
                    final: true, loop: loop, write: write)
                return true
            }
            if pending[id, default: 0] > 0 {
                heldDone[id] = frame
                return true
            }
            searches[id] = nil
            return false
        default:
            return false
        }
    }

    private func chaseable(_ uris: [String]) -> LDAPURL? {
        uris.lazy.compactMap { LDAPURL($0) }.first { self.directory.mayChase($0) }
    }

    private func start(
        _ request: SearchRequest, at url: LDAPURL, id: Int32, controls: [LDAPControl]?, identity: BindRequest?,
        fallback: LDAPFrame, final: Bool, loop: EventLoop, write: @escaping (LDAPFrame) -> Void
    ) {
        pending[id, default: 0] += 1
        let generation = self.generation
        let directory = self.directory
        let promise = loop.makePromise(of: [LDAPFrame].self)
        promise.completeWithTask {
            try await directory.chase(
                .searchRequest(request), at: url, controls: controls, bind: identity, eventLoop: loop)
        }
        let bound = NIOLoopBound((self, write), eventLoop: loop)
        promise.futureResult.whenComplete { result in
            let (chaser, write) = bound.value
            guard chaser.generation == generation else { return }
            var done: LDAPFrame?
            switch result {
            case .success(let frames):
                chaser.logger.debug(
                    "referral chased", metadata: ["url": "\(url.host):\(url.port)", "responses": "\(frames.count)"])
                for frame in frames {
                    guard let renumbered = Self.renumbered(frame, id: id) else { continue }
                    if frame.operationTag == OperationTag.searchResultDone {
                        if final { done = renumbered }
                    } else {
                        write(renumbered)
                    }
                }
                if final && done == nil { done = fallback }
            case .failure(let error):
                chaser.logger.info(
                    "a referral could not be chased; the client gets it untouched",
                    metadata: ["url": "\(url.host):\(url.port)", "error": "\(error)"])
                if final { done = fallback } else { write(fallback) }
            }
            chaser.finished(id: id, done: done, write: write)
        }
    }

    private func finished(id: Int32, done: LDAPFrame?, write: (LDAPFrame) -> Void) {
        let left = pending[id, default: 1] - 1
        pending[id] = left > 0 ? left : nil
        if let done { heldDone[id] = done }
        guard left <= 0, let final = heldDone.removeValue(forKey: id) else { return }
        searches[id] = nil
        write(final)
    }

    /// `frame` with the client's message ID (the chased connection numbered its own requests).
    static func renumbered(_ frame: LDAPFrame, id: Int32) -> LDAPFrame? {
        guard var message = try? frame.decode() else { return nil }
        message.messageID = id
        return LDAPFrame(message)
    }
}

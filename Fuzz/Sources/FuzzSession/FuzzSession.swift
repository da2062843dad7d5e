/// libFuzzer entry point over the session state machine (issue 8); libFuzzer supplies `main`.
///
/// The input is a script (see `Script`): its first byte picks the session's settings and whether the
/// client behaves (fresh message IDs, RFC 4511 §4.1.1.1) or not; every later step is a client PDU
/// (binds of every kind, searches, updates, extended operations, StartTLS, Abandon, Unbind, response
/// PDUs, malformed PDUs), a decoding failure, the bind gate finishing, the dedicated directory
/// connection opening, failing, answering or closing, or time passing. `SessionHarness` plays the
/// channel handler, the gate and the directory, feeds each event to `SessionStateMachine`, and checks
/// the invariants after every step; a broken invariant is a `fatalError`, which libFuzzer saves.
/// At the end, the harness lets every pending gate, connection and operation finish and, for a
/// well-behaved client, checks that every request it sent was answered.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSession(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count)
    var script = Script(input)
    var harness = SessionHarness(settings: script.byte() ?? 0)
    var steps = 0
    while steps < 512, let step = script.nextStep(harness) {
        harness.perform(step)
        steps += 1
    }
    harness.drain()
    return 0
}

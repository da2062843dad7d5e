/// What a second factor decided about one bind (DESIGN.md decision 5).
///
/// The gate maps `accepted` to relaying the directory's success, `rejected` to invalidCredentials (49),
/// and `unavailable` to whatever the configured fail mode says. A `reason` is for logs and audit
/// events: it never contains the code the user typed, a secret or a key.
public enum FactorOutcome: Sendable, Equatable {
    /// The factor passed.
    case accepted
    /// The factor was checked and failed (wrong code, replay, no enrolment).
    case rejected(reason: String)
    /// The factor could not be checked (store or provider down); the fail mode decides.
    case unavailable(reason: String)
}

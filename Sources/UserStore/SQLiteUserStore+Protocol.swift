extension SQLiteUserStore: MFAUserStore {
    public var location: String { path }

    /// SQLite serves one machine: the proxy keeps its bind cache and lockout counters in memory.
    public var sharedPolicyState: (any SharedPolicyStore)? { nil }

    /// Nothing to release: GRDB closes the pool when the store is freed.
    public func close() async {}
}

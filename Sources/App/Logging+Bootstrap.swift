import Logging
import ProxyConfig
import ProxyServer

extension ProxyApplication {
    /// The field that marks the audit stream's lines (`"stream":"audit"`), so a collector reading standard
    /// output can route them apart from the operational logs.
    public static let auditStreamField = "stream"

    /// Sets up logging for `serve` and returns the audit sink:
    ///
    /// - the operational logs on standard output at `log.level`, as JSON lines or text (`log.format`);
    /// - the audit stream (one event per bind decision, always at info, whatever `log.level` says): to standard
    ///   output in the same format, each line marked `stream=audit`, or as JSON lines to the file `log.audit`.
    public static func bootstrapLogging(_ configuration: ProxyConfiguration) throws -> any AuditSink {
        let level = Logger.Level(rawValue: configuration.log.level.rawValue) ?? .info
        let auditFile = try auditDestination(configuration).map { try JSONLogStream.file($0) }
        let json = logFormatIsJSON(configuration)
        LoggingSystem.bootstrap { label in
            let audit = label == auditLabel
            var handler: any LogHandler =
                if let auditFile, audit {
                    JSONLogHandler(label: label, stream: auditFile)
                } else if json {
                    JSONLogHandler(label: label)
                } else {
                    StreamLogHandler.standardOutput(label: label)
                }
            handler.logLevel = audit ? .info : level
            if audit { handler[metadataKey: auditStreamField] = "audit" }
            return handler
        }
        return LoggerAuditSink(logger: Logger(label: auditLabel))
    }

    /// The logger label of the audit stream.
    static let auditLabel = "audit"
}

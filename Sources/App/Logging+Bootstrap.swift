import Logging
import ProxyConfig
import ProxyServer

extension ProxyApplication {
    /// Sets up logging for `serve`: JSON lines on standard output at the configured level, and
    /// the audit stream (one event per bind decision), and returns the audit sink.
    public static func bootstrapLogging(_ configuration: ProxyConfiguration) throws -> any AuditSink {
        let level = Logger.Level(rawValue: configuration.log.level.rawValue) ?? .info
        let auditStream = try auditDestination(configuration).map { try JSONLogStream.file($0) } ?? .standardOutput
        let json = logFormatIsJSON(configuration)
        LoggingSystem.bootstrap { label in
            if label == "audit" {
                var handler = JSONLogHandler(label: label, stream: auditStream)
                handler.logLevel = .info
                return handler
            }
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
        return LoggerAuditSink(logger: Logger(label: "audit"))
    }
}

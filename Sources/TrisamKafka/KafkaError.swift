import CRdKafka

/// An error from the Kafka layer: what failed, librdkafka's error code where there is one, and
/// a message that says why.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of operation failed.
    public enum Kind: String, Sendable, Equatable {
        /// A configuration property was rejected (unknown name or invalid value).
        case configuration
        /// The librdkafka client could not be created.
        case clientCreation
        /// A message could not be enqueued for sending.
        case produce
        /// The broker did not acknowledge a message (or it timed out / was purged).
        case delivery
        /// The consumer reported a fatal error.
        case consume
        /// Offsets could not be stored or committed.
        case commit
        /// A topic administration request failed.
        case admin
        /// The embedded (mock) cluster could not be created or controlled.
        case embeddedCluster
        /// The client has been closed.
        case closed
    }

    /// What kind of operation failed.
    public let kind: Kind
    /// librdkafka's `rd_kafka_resp_err_t` value, when the failure came from librdkafka.
    public let code: Int32?
    /// Human-readable reason.
    public let message: String

    public init(_ kind: Kind, code: Int32? = nil, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    init(_ kind: Kind, _ err: rd_kafka_resp_err_t, context: String) {
        let name = String(cString: rd_kafka_err2name(err))
        let text = String(cString: rd_kafka_err2str(err))
        self.init(kind, code: err.rawValue, "\(context): \(text) (\(name))")
    }

    public var description: String { "Kafka \(kind.rawValue) error: \(message)" }
}

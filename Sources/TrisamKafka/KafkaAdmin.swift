import CRdKafka
import Foundation
import Logging

/// A topic to create: name, partition count, replication factor and topic configs
/// (e.g. `cleanup.policy=compact`).
public struct TopicSpec: Sendable, Equatable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    public var configs: [String: String]

    public init(name: String, partitions: Int, replicationFactor: Int = 1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// Topic administration through librdkafka's Admin API (works against a real cluster and the
/// embedded broker alike).
public enum KafkaAdmin {
    /// Creates the topics that do not exist yet. Topics that already exist are left as they are
    /// (their partition count is not changed; a smaller count than asked is logged).
    ///
    /// Existing topics are listed first (Metadata), so CreateTopics is sent only for missing ones.
    /// librdkafka 2.0.2's embedded mock cluster does not implement CreateTopics; there, topics
    /// are created by the hosting process (``EmbeddedKafkaCluster/createTopic(_:partitions:replicationFactor:)``).
    /// - Returns: the names of the topics this call created.
    @discardableResult
    public static func ensureTopics(
        _ topics: [TopicSpec],
        configuration: KafkaConfiguration,
        timeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "trisam.kafka.admin")
    ) async throws(KafkaError) -> [String] {
        if topics.isEmpty { return [] }
        let existing = try await describeTopics(configuration: configuration, timeout: timeout, logger: logger)
        for spec in topics {
            if let partitions = existing[spec.name], partitions < spec.partitions {
                logger.warning(
                    "topic \(spec.name) exists with \(partitions) partitions, fewer than the \(spec.partitions) asked for; left as it is")
            }
        }
        let missing = topics.filter { existing[$0.name] == nil }
        if missing.isEmpty { return [] }
        let context = ClientContext(logger: logger)
        let handle = try makeNativeClient(type: RD_KAFKA_PRODUCER, configuration: configuration, context: context)
        let millis = Int32(timeout.components.seconds * 1000)
        let result: Result<[String], KafkaError> = await runBlocking {
            defer { rd_kafka_destroy(handle.pointer) }
            return createTopics(missing, rk: handle.pointer, timeoutMillis: millis)
        }
        withExtendedLifetime(context) {}
        return try result.get()
    }

    /// The topics the cluster knows, with their partition counts.
    public static func describeTopics(
        configuration: KafkaConfiguration, timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "trisam.kafka.admin")
    ) async throws(KafkaError) -> [String: Int] {
        let context = ClientContext(logger: logger)
        let handle = try makeNativeClient(type: RD_KAFKA_PRODUCER, configuration: configuration, context: context)
        let millis = Int32(timeout.components.seconds * 1000)
        let result: Result<[String: Int], KafkaError> = await runBlocking {
            defer { rd_kafka_destroy(handle.pointer) }
            return topicPartitionCounts(rk: handle.pointer, timeoutMillis: millis)
        }
        withExtendedLifetime(context) {}
        return try result.get()
    }
}

/// Blocking CreateTopics round trip; runs off the cooperative pool.
private func createTopics(_ topics: [TopicSpec], rk: OpaquePointer, timeoutMillis: Int32) -> Result<[String], KafkaError> {
    var errorBuffer = [CChar](repeating: 0, count: 512)
    var newTopics: [OpaquePointer?] = []
    defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
    for spec in topics {
        guard
            let newTopic = rd_kafka_NewTopic_new(
                spec.name, Int32(spec.partitions), Int32(spec.replicationFactor),
                &errorBuffer, errorBuffer.count)
        else {
            return .failure(
                KafkaError(
                    .admin,
                    "topic \(spec.name): \(String(decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))"
                ))
        }
        newTopics.append(newTopic)
        for (key, value) in spec.configs.sorted(by: { $0.key < $1.key }) {
            rd_kafka_NewTopic_set_config(newTopic, key, value)
        }
    }
    let queue = rd_kafka_queue_new(rk)
    defer { rd_kafka_queue_destroy(queue) }
    let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
    defer { rd_kafka_AdminOptions_destroy(options) }
    rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMillis, &errorBuffer, errorBuffer.count)
    rd_kafka_AdminOptions_set_request_timeout(options, timeoutMillis, &errorBuffer, errorBuffer.count)
    newTopics.withUnsafeMutableBufferPointer { buffer in
        rd_kafka_CreateTopics(rk, buffer.baseAddress, buffer.count, options, queue)
    }
    guard let event = rd_kafka_queue_poll(queue, timeoutMillis + 5000) else {
        return .failure(KafkaError(.admin, "CreateTopics: no answer within \(timeoutMillis) ms"))
    }
    defer { rd_kafka_event_destroy(event) }
    let eventErr = rd_kafka_event_error(event)
    if eventErr != RD_KAFKA_RESP_ERR_NO_ERROR {
        let hint =
            eventErr == RD_KAFKA_RESP_ERR__TIMED_OUT
            ? " (does the broker implement CreateTopics? librdkafka's embedded mock cluster does not)" : ""
        return .failure(KafkaError(.admin, eventErr, context: "CreateTopics\(hint)"))
    }
    guard let result = rd_kafka_event_CreateTopics_result(event) else {
        return .failure(KafkaError(.admin, "CreateTopics: unexpected event type"))
    }
    var count = 0
    guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return .success([]) }
    var created: [String] = []
    for index in 0..<count {
        let topicResult = results[index]
        let name = String(cString: rd_kafka_topic_result_name(topicResult))
        let err = rd_kafka_topic_result_error(topicResult)
        switch err {
        case RD_KAFKA_RESP_ERR_NO_ERROR: created.append(name)
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: break
        default:
            let message = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? ""
            return .failure(KafkaError(.admin, code: err.rawValue, "topic \(name): \(message)"))
        }
    }
    return .success(created)
}

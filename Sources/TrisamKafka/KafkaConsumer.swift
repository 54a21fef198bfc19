import CRdKafka
import Foundation
import Logging
import Synchronization

/// A consumer-group member delivering messages as an `AsyncSequence`.
///
/// At-least-once by construction: offsets are committed only for messages the caller passes to
/// ``markProcessed(_:)`` (`enable.auto.offset.store=false`); stored offsets are committed in the
/// background (`enable.auto.commit`), on ``commit()``, when partitions are revoked in a
/// rebalance, and on ``close()``. A dedicated thread polls librdkafka (so the group is kept even
/// when the caller is idle) and hands messages over through a bounded buffer: when the caller
/// falls behind, polling pauses instead of memory growing.
///
/// Start positions: by default the group's committed offsets (`auto.offset.reset=earliest` when
/// there are none). A caller that keeps its own offsets (for exactly-once effects in its own
/// store) passes `startOffsets`, consulted at every assignment.
///
/// With `followsLog`, the consumer follows the log's identity (``KafkaLogIdentity``): when every
/// broker connection is lost it pauses its partitions, and once a broker answers again it reads
/// the identity; if the log is new (an embedded broker restarted empty), it reads every assigned
/// partition again from its beginning instead of skipping to positions of the old log. Each
/// message carries the identity it was read under (``ConsumedMessage/log``).
public final class KafkaConsumer: Sendable {
    /// Properties applied unless the caller's configuration sets them.
    public static let defaultProperties: [String: String] = [
        "enable.auto.commit": "true",
        "auto.commit.interval.ms": "1000",
        "enable.auto.offset.store": "false",
        "auto.offset.reset": "earliest",
        "enable.partition.eof": "false",
        // A member that stops heartbeating loses its partitions after 10 s, not librdkafka's 45 s.
        // The embedded broker also holds a rejoining group's rebalance for about this long, so a
        // restarted service would otherwise wait most of a minute before reading again.
        "session.timeout.ms": "10000",
    ]

    /// How long closing may take: committing and leaving the group, when the broker answers.
    public static let closeLimit: Duration = .seconds(3)

    /// Supplies, for newly assigned partitions and the identity of the log they are in (`nil`
    /// when unknown or not followed), the offset to start from (the next offset to read).
    /// Partitions absent from the result start from the group's committed offset.
    public typealias StartOffsets = @Sendable (_ partitions: [TopicPartition], _ log: String?) -> [TopicPartition: Int64]

    private let handle: NativeHandle
    private let context: ConsumerContext
    private let poller: PollingThread
    private let logger: Logger

    /// Creates the consumer, subscribes to `topics` as a member of `groupID`, and starts polling.
    public init(
        configuration: KafkaConfiguration,
        groupID: String,
        topics: [String],
        maxBufferedMessages: Int = 10_000,
        startOffsets: StartOffsets? = nil,
        followsLog: Bool = false,
        logger: Logger = Logger(label: "trisam.kafka.consumer")
    ) throws(KafkaError) {
        var effective = KafkaConfiguration(
            bootstrapServers: configuration.bootstrapServers,
            properties: Self.defaultProperties
        )
        .merging(configuration.properties)
        effective["group.id"] = groupID
        let context = ConsumerContext(
            logger: logger, buffer: MessageBuffer(capacity: maxBufferedMessages),
            startOffsets: startOffsets,
            follower: followsLog ? LogFollower(configuration: configuration) : nil)
        let handle = try makeNativeClient(type: RD_KAFKA_CONSUMER, configuration: effective, context: context) { conf in
            rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
        }
        rd_kafka_poll_set_consumer(handle.pointer)

        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let err = rd_kafka_subscribe(handle.pointer, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_destroy(handle.pointer)
            throw KafkaError(.consume, err, context: "subscribe to \(topics.joined(separator: ","))")
        }

        self.handle = handle
        self.context = context
        self.logger = logger
        let buffer = context.buffer
        let follower = context.follower
        // The thread owns the native client: it closes and destroys it when it stops, and keeps
        // the callback context alive until then.
        self.poller = PollingThread(
            name: "trisam-consumer-poll",
            body: {
                if let follower { follower.checkIfSuspect(handle.pointer, logger: logger) }
                pollOnce(handle: handle, buffer: buffer, follower: follower, logger: logger)
            },
            onExit: {
                // Commits stored offsets, leaves the group (revoking through the rebalance
                // callback), but only for as long as ``closeLimit``: with the broker away a
                // consumer would wait for it, and a service must stop within seconds. What is
                // not committed is read again by the next owner (receivers drop duplicates).
                context.closing.store(true, ordering: .releasing)
                let closed = closeBounded(handle.pointer, limit: KafkaConsumer.closeLimit, logger: logger)
                // Messages must be destroyed before their client.
                buffer.finish()
                if closed {
                    rd_kafka_destroy(handle.pointer)
                } else {
                    logger.warning("consumer close did not finish within \(KafkaConsumer.closeLimit) (broker away?); leaving without it")
                    rd_kafka_destroy_flags(handle.pointer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
                }
                withExtendedLifetime(context) {}
            })
    }

    deinit { poller.requestStop() }

    /// The messages, in partition order, until the consumer is closed.
    public var messages: Messages { Messages(buffer: context.buffer) }

    /// Marks a message processed: its offset + 1 becomes the committed position of its partition
    /// at the next commit. Call it only after the message's effect is stored.
    /// - Throws: `.commit` if the partition is no longer assigned to this member (it was
    ///   revoked in a rebalance; another member will see the message again).
    public func markProcessed(_ message: ConsumedMessage) throws(KafkaError) {
        try storeOffsets([message.topicPartition: message.offset + 1])
    }

    /// Stores next-offsets to commit, per partition (offset = next message to read).
    public func storeOffsets(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        if offsets.isEmpty { return }
        try ensureOpen()
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in offsets {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            element.pointee.offset = offset
        }
        let err = rd_kafka_offsets_store(handle.pointer, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(.commit, err, context: "store offsets")
        }
        for index in 0..<Int(list.pointee.cnt) where list.pointee.elems[index].err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let element = list.pointee.elems[index]
            throw KafkaError(.commit, element.err, context: "store offset for \(String(cString: element.topic))[\(element.partition)]")
        }
    }

    /// Commits the stored offsets now and waits for the broker's answer.
    public func commit() async throws(KafkaError) {
        try ensureOpen()
        let handle = self.handle
        let err = await runBlocking { rd_kafka_commit(handle.pointer, nil, 0) }
        // _NO_OFFSET: nothing new was stored since the last commit.
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError(.commit, err, context: "commit")
        }
    }

    /// The partitions currently assigned to this member.
    public var assignment: [TopicPartition] {
        if poller.isStopping { return [] }
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle.pointer, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return partitionElements(list).map { TopicPartition(topic: String(cString: $0.topic), partition: $0.partition) }.sorted()
    }

    private func ensureOpen() throws(KafkaError) {
        if poller.isStopping { throw KafkaError(.closed, "consumer is closed") }
    }

    /// Commits stored offsets, leaves the group, and ends the message sequence. Idempotent.
    /// Other methods must not be called once this has begun.
    public func close() async {
        await poller.stop()
    }

    /// The consumer's messages as an `AsyncSequence`. Iterate it from one task.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = ConsumedMessage
        let buffer: MessageBuffer

        public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

        /// Iterators share the consumer's buffer: breaking out of one loop and starting another
        /// loses no message.
        public struct Iterator: AsyncIteratorProtocol {
            @usableFromInline let buffer: MessageBuffer

            /// The next message, or `nil` once the consumer is closed or the task cancelled.
            /// A message already waiting is taken without an asynchronous call.
            @inlinable
            public mutating func next() async throws -> ConsumedMessage? {
                if let message = buffer.takeReady() { return message }
                return await buffer.take()
            }
        }
    }
}

/// Callback-reachable state of a consumer.
final class ConsumerContext: ClientContext, @unchecked Sendable {
    let buffer: MessageBuffer
    let startOffsets: KafkaConsumer.StartOffsets?
    let follower: LogFollower?
    /// Set once the consumer is closing.
    let closing = Atomic<Bool>(false)
    init(logger: Logger, buffer: MessageBuffer, startOffsets: KafkaConsumer.StartOffsets?, follower: LogFollower?) {
        self.buffer = buffer
        self.startOffsets = startOffsets
        self.follower = follower
        super.init(logger: logger)
    }

    override func allBrokersDown(_ rk: OpaquePointer) {
        super.allBrokersDown(rk)
        follower?.suspect(rk, logger: logger)
    }
}

/// Closes the consumer (commit, leave the group) serving its callbacks on this thread, for at
/// most `limit`. Returns whether it closed.
private func closeBounded(_ rk: OpaquePointer, limit: Duration, logger: Logger) -> Bool {
    guard let queue = rd_kafka_queue_get_consumer(rk) else { return rd_kafka_consumer_close(rk) == RD_KAFKA_RESP_ERR_NO_ERROR }
    defer { rd_kafka_queue_destroy(queue) }
    if let error = rd_kafka_consumer_close_queue(rk, queue) {
        logger.warning("consumer close: \(String(cString: rd_kafka_error_string(error)))")
        rd_kafka_error_destroy(error)
    }
    let deadline = ContinuousClock.now + limit
    while rd_kafka_consumer_closed(rk) == 0 && ContinuousClock.now < deadline {
        if let message = rd_kafka_consumer_poll(rk, 100) { rd_kafka_message_destroy(message) }
    }
    return rd_kafka_consumer_closed(rk) != 0
}

/// One poll round on the consumer thread: waits while the buffer is full, then collects up to
/// a batch of native messages (blocking at most 100 ms for the first) and hands them over
/// unconverted. Copying into Swift values happens on the consuming task, so allocation and
/// release of a message's buffers stay on one thread and this thread stays light.
private func pollOnce(handle: NativeHandle, buffer: MessageBuffer, follower: LogFollower?, logger: Logger) {
    guard buffer.waitForSpace(timeout: .milliseconds(100)) else {
        // Still full: the iterator is behind; try again (rebalances wait until it catches up).
        return
    }
    var batch: [NativeMessage] = []
    var timeout: Int32 = 100
    while batch.count < 1000, let message = rd_kafka_consumer_poll(handle.pointer, timeout) {
        timeout = 0
        if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = String(cString: rd_kafka_err2str(message.pointee.err))
            logger.warning("consumer: \(text)")
            rd_kafka_message_destroy(message)
            continue
        }
        // Read after the poll: an assignment inside it may have just learnt the identity.
        batch.append(NativeMessage(pointer: message, log: follower?.identity))
    }
    if !batch.isEmpty { buffer.append(batch) }
}

/// A librdkafka message in transit from the poll thread to the consuming task. Owned by the
/// buffer until converted or destroyed; always destroyed before the client is.
struct NativeMessage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<rd_kafka_message_t>
    /// The log identity the message was read under (see ``LogFollower``).
    let log: String?

    /// The message's topic and partition (used only when dropping revoked partitions).
    var topicPartition: TopicPartition {
        TopicPartition(
            topic: pointer.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "",
            partition: pointer.pointee.partition)
    }
}

extension ConsumedMessage {
    /// Copies a librdkafka message into Swift values.
    init(native message: UnsafeMutablePointer<rd_kafka_message_t>, log: String?, topicNames: inout TopicNameCache) {
        let m = message.pointee
        let topic = topicNames.name(of: m.rkt)
        let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
        let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        var headers: [KafkaHeader] = []
        var nativeHeaders: OpaquePointer?
        if rd_kafka_message_headers(message, &nativeHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let nativeHeaders {
            let count = rd_kafka_header_cnt(nativeHeaders)
            headers.reserveCapacity(count)
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            for index in 0..<count {
                guard rd_kafka_header_get_all(nativeHeaders, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR,
                    let name
                else { continue }
                let headerValue = valuePointer.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                headers.append(KafkaHeader(name: String(cString: name), value: headerValue))
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let millis = rd_kafka_message_timestamp(message, &timestampType)
        let timestamp = timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : Date(timeIntervalSince1970: Double(millis) / 1000)
        self.init(
            topic: topic, partition: m.partition, offset: m.offset, key: key, value: value,
            headers: headers, timestamp: timestamp, log: log)
    }
}

/// The elements of a native partition list.
func partitionElements(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> UnsafeMutableBufferPointer<
    rd_kafka_topic_partition_t
> {
    UnsafeMutableBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
}

/// Rebalance callback (runs on the consumer's poll thread, inside `rd_kafka_consumer_poll`).
private let rebalanceCallback:
    @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?)
        -> Void = { rk, err, partitions, _ in
            guard let rk, let partitions, let context = ClientContext.from(rk) as? ConsumerContext else { return }
            let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
            let changed = partitionElements(partitions).map { TopicPartition(topic: String(cString: $0.topic), partition: $0.partition) }
            switch err {
            case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
                var log: String?
                if let follower = context.follower {
                    let (identity, isNew) = follower.verifyAtAssignment(logger: context.logger)
                    log = identity
                    if isNew {
                        // Committed offsets (if any) were taken in the new log while this member
                        // still read at old positions: start at the beginning.
                        for index in 0..<Int(partitions.pointee.cnt) {
                            partitions.pointee.elems[index].offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
                        }
                    }
                }
                if let startOffsets = context.startOffsets {
                    let offsets = startOffsets(changed, log)
                    for index in 0..<Int(partitions.pointee.cnt) {
                        let tp = changed[index]
                        if let offset = offsets[tp] { partitions.pointee.elems[index].offset = offset }
                    }
                }
                context.logger.info("partitions assigned", metadata: ["partitions": "\(changed.map(\.description).joined(separator: ","))"])
                if cooperative {
                    if let error = rd_kafka_incremental_assign(rk, partitions) { rd_kafka_error_destroy(error) }
                } else {
                    rd_kafka_assign(rk, partitions)
                }
            case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
                // Commit what was processed before giving the partitions away; drop buffered messages
                // of revoked partitions (the next owner reads them from the committed offset).
                // While closing, the commit does not wait: the broker may be away.
                let commitErr = rd_kafka_commit(rk, nil, context.closing.load(ordering: .acquiring) ? 1 : 0)
                if commitErr != RD_KAFKA_RESP_ERR_NO_ERROR && commitErr != RD_KAFKA_RESP_ERR__NO_OFFSET {
                    context.logger.warning("commit on revoke: \(String(cString: rd_kafka_err2str(commitErr)))")
                }
                context.buffer.drop(partitions: Set(changed))
                context.logger.info("partitions revoked", metadata: ["partitions": "\(changed.map(\.description).joined(separator: ","))"])
                if cooperative {
                    if let error = rd_kafka_incremental_unassign(rk, partitions) { rd_kafka_error_destroy(error) }
                } else {
                    rd_kafka_assign(rk, nil)
                }
            default:
                context.logger.error("rebalance error: \(String(cString: rd_kafka_err2str(err)))")
                rd_kafka_assign(rk, nil)
            }
        }

/// Remembers the name of the last topic handle seen: consecutive messages mostly share one,
/// and a name longer than 15 bytes would otherwise cost an allocation per message.
struct TopicNameCache {
    private var handle: OpaquePointer?
    private var name = ""

    mutating func name(of topic: OpaquePointer?) -> String {
        guard let topic else { return "" }
        if topic != handle {
            handle = topic
            name = String(cString: rd_kafka_topic_name(topic))
        }
        return name
    }
}

/// Bounded hand-over between the poll thread (producer side, may block) and the async iterator
/// (consumer side, suspends without blocking a thread). It holds native messages; the iterator
/// converts one under the lock, so ``finish()`` can destroy what is left before the client goes.
@usableFromInline
final class MessageBuffer: Sendable {
    private struct State {
        /// Pending messages are `items[head...]`; the consumed prefix is compacted away lazily.
        var items: [NativeMessage] = []
        var head = 0
        var waiter: CheckedContinuation<ConsumedMessage?, Never>?
        var finished = false
        var topicNames = TopicNameCache()

        var count: Int { items.count - head }

        /// Converts and destroys the first pending message.
        mutating func popFirst() -> ConsumedMessage? {
            guard head < items.count else { return nil }
            let native = items[head].pointer
            let log = items[head].log
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 4096 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            defer { rd_kafka_message_destroy(native) }
            return ConsumedMessage(native: native, log: log, topicNames: &topicNames)
        }

        /// Destroys every pending message.
        mutating func destroyAll() {
            for message in items[head...] { rd_kafka_message_destroy(message.pointer) }
            items.removeAll()
            head = 0
        }
    }

    private let capacity: Int
    private let state = Mutex(State())
    private let space = DispatchSemaphore(value: 0)

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Poll thread: waits (up to `timeout`) until the buffer is below capacity.
    func waitForSpace(timeout: Duration) -> Bool {
        if state.withLock({ $0.count < capacity }) { return true }
        let millis = Int(timeout.wholeMilliseconds)
        _ = space.wait(timeout: .now() + .milliseconds(millis))
        return state.withLock { $0.count < capacity }
    }

    /// Poll thread: hands over a batch, resuming a waiting iterator with its first message.
    func append(_ batch: [NativeMessage]) {
        guard !batch.isEmpty else { return }
        let resume: (CheckedContinuation<ConsumedMessage?, Never>, ConsumedMessage)? = state.withLock { state in
            if state.finished {
                for message in batch { rd_kafka_message_destroy(message.pointer) }
                return nil
            }
            state.items.append(contentsOf: batch)
            guard let waiter = state.waiter, let first = state.popFirst() else { return nil }
            state.waiter = nil
            return (waiter, first)
        }
        if let (waiter, first) = resume { waiter.resume(returning: first) }
    }

    /// Removes buffered messages of the given partitions (revoked in a rebalance).
    func drop(partitions: Set<TopicPartition>) {
        state.withLock { state in
            var kept: [NativeMessage] = []
            for message in state.items[state.head...] {
                if partitions.contains(message.topicPartition) {
                    rd_kafka_message_destroy(message.pointer)
                } else {
                    kept.append(message)
                }
            }
            state.items = kept
            state.head = 0
        }
        space.signal()
    }

    /// Ends the sequence before the client is destroyed: pending messages are destroyed (they
    /// were not processed, so the group delivers them again), a waiting iterator gets nil, and
    /// later calls get nil.
    func finish() {
        let waiter: CheckedContinuation<ConsumedMessage?, Never>? = state.withLock { state in
            state.finished = true
            state.destroyAll()
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
        space.signal()
    }

    /// Iterator: the next message if one is waiting, without suspending.
    @usableFromInline
    func takeReady() -> ConsumedMessage? {
        let (message, roomMade) = state.withLock { state -> (ConsumedMessage?, Bool) in
            let message = state.popFirst()
            // Room appears once, when the buffer drops just below capacity (a batch may overfill it).
            return (message, message != nil && state.count == capacity - 1)
        }
        // The poll thread may be waiting for room; one lock per message, not two.
        if roomMade { space.signal() }
        return message
    }

    /// Iterator: the next message, suspending until one arrives; nil when finished or cancelled.
    @usableFromInline
    func take() async -> ConsumedMessage? {
        if let message = takeReady() { return message }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ConsumedMessage?, Never>) in
                let immediate: ConsumedMessage?? = state.withLock { state in
                    if let message = state.popFirst() { return .some(message) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

}

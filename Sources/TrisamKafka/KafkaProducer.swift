import CRdKafka
import Foundation
import Logging
import Synchronization

/// An idempotent Kafka producer whose `send` returns only once the broker has acknowledged.
///
/// Defaults (each can be overridden through the configuration): `enable.idempotence=true`,
/// `acks=all`, `partitioner=murmur2_random` (keys land where Java clients put them),
/// `linger.ms=5`, `allow.auto.create.topics=false` (a topic is created by `trisam topics create`
/// with the partition count of every other topic, never by a producer that finds it missing:
/// a broker would create it with its own default count; librdkafka 2.0.2's mock cluster ignores
/// this and creates it with four). A dedicated thread serves librdkafka's delivery reports and resumes the
/// waiting tasks, each exactly once.
public final class KafkaProducer: Sendable {
    /// Properties applied unless the caller's configuration sets them.
    public static let defaultProperties: [String: String] = [
        "enable.idempotence": "true",
        "acks": "all",
        "partitioner": "murmur2_random",
        "linger.ms": "5",
        "message.timeout.ms": "300000",
        "allow.auto.create.topics": "false",
    ]

    /// The configuration the producer was created with (before its defaults were applied).
    public let configuration: KafkaConfiguration
    private let handle: NativeHandle
    private let context: ClientContext
    private let poller: PollingThread
    private let state = Mutex(State())
    private let logger: Logger

    private struct State {
        var closed = false
    }

    /// Creates the producer and starts its delivery-report thread.
    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "trisam.kafka.producer")) throws(KafkaError) {
        let effective = KafkaConfiguration(
            bootstrapServers: configuration.bootstrapServers,
            properties: Self.defaultProperties
        )
        .merging(configuration.properties)
        let context = ClientContext(logger: logger)
        let handle = try makeNativeClient(type: RD_KAFKA_PRODUCER, configuration: effective, context: context) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, deliveryCallback)
        }
        self.configuration = configuration
        self.handle = handle
        self.context = context
        self.logger = logger
        // The thread owns the native client: it destroys it when it stops, and keeps the
        // callback context alive until then.
        self.poller = PollingThread(
            name: "trisam-producer-poll",
            body: {
                rd_kafka_poll(handle.pointer, 100)
            },
            onExit: {
                rd_kafka_destroy(handle.pointer)
                withExtendedLifetime(context) {}
            })
    }

    deinit { poller.requestStop() }

    /// Sends one message and returns where the broker stored it.
    /// - Throws: ``KafkaError`` of kind `.produce` if it could not be enqueued, `.delivery` if the
    ///   broker did not acknowledge it within `message.timeout.ms`, `.closed` after ``close()``.
    public func send(_ message: OutgoingMessage) async throws(KafkaError) -> DeliveryReport {
        let results = try await send([message])
        return try results[0].get()
    }

    /// Sends a batch and waits until every message is acknowledged or has failed; results are in
    /// the order of `messages`. Failures of single messages are reported per message; the call
    /// itself throws only when the producer is closed or enqueueing fails for a reason other
    /// than a full local queue (which is waited out).
    public func send(_ messages: [OutgoingMessage]) async throws(KafkaError) -> [Result<DeliveryReport, KafkaError>] {
        if messages.isEmpty { return [] }
        if state.withLock({ $0.closed }) { throw KafkaError(.closed, "producer is closed") }
        let batch = DeliveryBatch(messages: messages)
        for index in messages.indices {
            // The common case without a suspension point: librdkafka takes the message at once.
            let err = produceNative(handle.pointer, messages[index], opaque: UnsafeMutableRawPointer(batch.ticket(index)))
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                // Serve ready delivery reports here, as a plain librdkafka loop does: the queue of
                // reports stays short and the polling thread rarely has to wake.
                rd_kafka_poll(handle.pointer, 0)
                continue
            }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                await enqueue(messages[index], batch: batch, index: index)
            } else {
                batch.failEnqueue(index: index, error: err)
            }
        }
        // Reports may already have arrived; the batch keeps them until the continuation is set.
        return await withCheckedContinuation { batch.setContinuation($0) }
    }

    /// Enqueues one message whose first attempt found librdkafka's local queue full, waiting
    /// until it has room. Any other failure completes the message's slot in the batch with an
    /// error.
    private func enqueue(_ message: OutgoingMessage, batch: DeliveryBatch, index: Int) async {
        let ticket = batch.ticket(index)
        while true {
            // Room appears when delivery reports are served (each report frees its message):
            // serve what is ready here instead of waiting for the polling thread's next turn.
            rd_kafka_poll(handle.pointer, 0)
            let err = produceNative(handle.pointer, message, opaque: UnsafeMutableRawPointer(ticket))
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !state.withLock({ $0.closed }) {
                try? await Task.sleep(for: .microseconds(500))
                continue
            }
            batch.failEnqueue(index: index, error: err)
            return
        }
    }

    /// Waits until all enqueued messages are delivered or `timeout` passes.
    /// - Returns: `true` if the queue drained.
    @discardableResult
    public func flush(timeout: Duration = .seconds(30)) async -> Bool {
        let handle = self.handle
        let millis = Int32(clamping: timeout.wholeMilliseconds)
        return await runBlocking { rd_kafka_flush(handle.pointer, millis) == RD_KAFKA_RESP_ERR_NO_ERROR }
    }

    /// Flushes outstanding messages (up to `timeout`), fails whatever is still undelivered with
    /// `.delivery` (purged), stops the poll thread and destroys the client. Idempotent.
    public func close(timeout: Duration = .seconds(30)) async {
        let alreadyClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        if alreadyClosed { return }
        let drained = await flush(timeout: timeout)
        if !drained {
            logger.warning("producer closing with undelivered messages; they are reported as failed")
        }
        let handle = self.handle
        await runBlocking {
            rd_kafka_purge(handle.pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            // Serve the purge reports so every waiting task is resumed.
            while rd_kafka_outq_len(handle.pointer) > 0 {
                rd_kafka_poll(handle.pointer, 50)
            }
            rd_kafka_poll(handle.pointer, 0)
        }
        await poller.stop()
    }

    /// Fails every message not yet delivered (queued or in flight) at once, without closing:
    /// their `send` calls return `.delivery` errors. For a caller that stops while the broker is
    /// away and keeps what was not delivered (an outbox). No effect once closed.
    public func abandonUndelivered() {
        let closed = state.withLock { $0.closed }
        if closed { return }
        rd_kafka_purge(handle.pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
    }

    /// How often the producer lost every broker connection at once. A caller that keeps what it
    /// sent (an outbox) compares it with the value it last saw to know when to check whether the
    /// log it sends to is still the same (``KafkaLogIdentity``).
    public var connectionLosses: UInt64 { context.connectionLosses.load(ordering: .acquiring) }

    /// Number of messages waiting to be delivered (local queue plus in flight).
    public var outstandingCount: Int { Int(rd_kafka_outq_len(handle.pointer)) }
}

/// Calls `rd_kafka_produceva` for one message; librdkafka copies key, value and headers
/// (`RD_KAFKA_MSG_F_COPY`) before returning, so no pointer outlives this call. Header names
/// (NUL-terminated) and values are laid out in one temporary buffer: no heap allocation.
func produceNative(_ rk: OpaquePointer, _ message: OutgoingMessage, opaque: UnsafeMutableRawPointer?) -> rd_kafka_resp_err_t {
    var headerSize = 0
    for header in message.headers { headerSize += header.name.utf8.count + 1 + (header.value?.count ?? 0) }
    return withUnsafeTemporaryAllocation(byteCount: max(headerSize, 1), alignment: 1) { headerBuffer in
        withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 6 + message.headers.count) { vus in
            var count = 0
            func next() -> UnsafeMutablePointer<rd_kafka_vu_t> {
                let slot = vus.baseAddress! + count
                slot.initialize(to: rd_kafka_vu_t())
                count += 1
                return slot
            }
            // Headers first: their bytes are copied into `headerBuffer`, which outlives the call.
            var offset = 0
            for header in message.headers {
                let name = headerBuffer.baseAddress! + offset
                var nameText = header.name
                let written = nameText.withUTF8 { bytes in
                    UnsafeMutableRawBufferPointer(rebasing: headerBuffer[offset...]).copyBytes(from: bytes)
                    return bytes.count
                }
                offset += written
                headerBuffer[offset] = 0
                offset += 1
                let vu = next()
                vu.pointee.vtype = RD_KAFKA_VTYPE_HEADER
                vu.pointee.u.header.name = UnsafePointer(name.assumingMemoryBound(to: CChar.self))
                if let value = header.value {
                    let start = headerBuffer.baseAddress! + offset
                    value.withUnsafeBytes { bytes in
                        UnsafeMutableRawBufferPointer(rebasing: headerBuffer[offset...]).copyBytes(from: bytes)
                    }
                    offset += value.count
                    vu.pointee.u.header.val = UnsafeRawPointer(start)
                    vu.pointee.u.header.size = value.count
                } else {
                    vu.pointee.u.header.val = nil
                    vu.pointee.u.header.size = -1
                }
            }
            return message.topic.withCString { topic in
                message.value.withUnsafeBytes { value in
                    withOptionalBytes(message.key) { key in
                        var vu = next()
                        vu.pointee.vtype = RD_KAFKA_VTYPE_TOPIC
                        vu.pointee.u.cstr = topic
                        vu = next()
                        vu.pointee.vtype = RD_KAFKA_VTYPE_PARTITION
                        vu.pointee.u.i32 = message.partition ?? RD_KAFKA_PARTITION_UA
                        vu = next()
                        vu.pointee.vtype = RD_KAFKA_VTYPE_VALUE
                        vu.pointee.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                        vu.pointee.u.mem.size = value.count
                        if let key {
                            vu = next()
                            vu.pointee.vtype = RD_KAFKA_VTYPE_KEY
                            vu.pointee.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            vu.pointee.u.mem.size = key.count
                        }
                        vu = next()
                        vu.pointee.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                        vu.pointee.u.i = RD_KAFKA_MSG_F_COPY
                        vu = next()
                        vu.pointee.vtype = RD_KAFKA_VTYPE_OPAQUE
                        vu.pointee.u.ptr = opaque
                        guard let error = rd_kafka_produceva(rk, vus.baseAddress, count) else {
                            return RD_KAFKA_RESP_ERR_NO_ERROR
                        }
                        let code = rd_kafka_error_code(error)
                        rd_kafka_error_destroy(error)
                        return code
                    }
                }
            }
        }
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

/// Collects the delivery results of one `send` call and resumes its task once, when the last
/// message is reported.
///
/// Each message's slot is written exactly once, without a lock: librdkafka reports every
/// message it accepted exactly once, and a message it refused is completed by the enqueuing
/// task instead. An atomic count of outstanding slots orders those writes before the read of
/// the last reporter, which builds the results and hands them over; only that hand-over takes a
/// lock. A slot is a few plain numbers, so a report costs no allocation or reference counting;
/// the `Result` values (with their topic names) are built once, at the end.
final class DeliveryBatch: Sendable {
    typealias Results = [Result<DeliveryReport, KafkaError>]

    /// What happened to one message.
    struct Outcome {
        enum Kind: UInt8 { case delivered, deliveryFailed, enqueueFailed }
        var kind: Kind
        var error: rd_kafka_resp_err_t
        var partition: Int32
        var offset: Int64
    }

    private struct Handover {
        var continuation: CheckedContinuation<Results, Never>?
        var ready: Results?
    }

    /// The messages, for their topics when the results are built.
    private let messages: [OutgoingMessage]
    private let remaining: Atomic<Int>
    private let handover = Mutex(Handover())

    // Both written once per slot as described above, and freed in deinit.
    /// One ticket per message, in one allocation: the opaque pointer librdkafka hands back with
    /// the message's delivery report. The batch outlives every report, because `send` keeps it
    /// until the last one has resumed it.
    nonisolated(unsafe) private let tickets: UnsafeMutablePointer<DeliveryTicket>
    nonisolated(unsafe) private let slots: UnsafeMutablePointer<Outcome>

    init(messages: [OutgoingMessage]) {
        self.messages = messages
        remaining = Atomic(messages.count)
        let capacity = max(messages.count, 1)
        tickets = .allocate(capacity: capacity)
        slots = .allocate(capacity: capacity)
        let unmanaged = Unmanaged.passUnretained(self)
        for index in messages.indices {
            (tickets + index).initialize(to: DeliveryTicket(batch: unmanaged, index: index))
        }
    }

    deinit {
        tickets.deinitialize(count: messages.count)
        tickets.deallocate()
        // Outcome is a trivial type: nothing to deinitialize.
        slots.deallocate()
    }

    /// The ticket of message `index`.
    func ticket(_ index: Int) -> UnsafeMutablePointer<DeliveryTicket> { tickets + index }

    func setContinuation(_ continuation: CheckedContinuation<Results, Never>) {
        let ready: Results? = handover.withLock { handover in
            if let ready = handover.ready { return ready }
            handover.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(returning: ready) }
    }

    /// Records what happened to message `index` (once per message).
    func complete(index: Int, with outcome: Outcome) {
        (slots + index).initialize(to: outcome)
        // Releasing: this slot's write happens before the last reporter's read below.
        guard remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        let all = results()
        let continuation: CheckedContinuation<Results, Never>? = handover.withLock { handover in
            if let continuation = handover.continuation {
                handover.continuation = nil
                return continuation
            }
            handover.ready = all
            return nil
        }
        continuation?.resume(returning: all)
    }

    /// Records that message `index` could not be enqueued.
    func failEnqueue(index: Int, error: rd_kafka_resp_err_t) {
        complete(index: index, with: Outcome(kind: .enqueueFailed, error: error, partition: -1, offset: -1))
    }

    private func results() -> Results {
        var results: Results = []
        results.reserveCapacity(messages.count)
        for index in messages.indices {
            let outcome = slots[index]
            let topic = messages[index].topic
            switch outcome.kind {
            case .delivered:
                results.append(.success(DeliveryReport(topic: topic, partition: outcome.partition, offset: outcome.offset)))
            case .deliveryFailed:
                results.append(.failure(KafkaError(.delivery, outcome.error, context: "delivery to \(topic)")))
            case .enqueueFailed:
                results.append(.failure(KafkaError(.produce, outcome.error, context: "enqueue to \(topic)")))
            }
        }
        return results
    }
}

/// Per-message opaque handed to librdkafka: which batch, which slot.
/// Which message of which batch a delivery report is for.
struct DeliveryTicket {
    let batch: Unmanaged<DeliveryBatch>
    let index: Int
}

/// librdkafka's delivery report callback, called on the producer's poll thread or on a sending
/// task that serves reports.
private let deliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, _ in
    guard let message, let opaque = message.pointee._private else { return }
    let ticket = opaque.assumingMemoryBound(to: DeliveryTicket.self).pointee
    let error = message.pointee.err
    ticket.batch.takeUnretainedValue().complete(
        index: ticket.index,
        with: DeliveryBatch.Outcome(
            kind: error == RD_KAFKA_RESP_ERR_NO_ERROR ? .delivered : .deliveryFailed, error: error,
            partition: message.pointee.partition, offset: message.pointee.offset))
}

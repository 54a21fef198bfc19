import ArgumentParser
import CRdKafka
import Dispatch
import Foundation
import TrisamKafka

/// The benchmark's baseline: plain loops of direct librdkafka calls on one OS thread, with the
/// same properties the Swift layer uses.
enum DirectLoop {
    /// Messages per second: produce all (waiting out a full queue by polling), flush, count
    /// successful delivery reports.
    static func produce(_ messages: [OutgoingMessage], configuration: KafkaConfiguration) async throws -> Double {
        let properties = KafkaProducer.defaultProperties.merging(configuration.properties) { _, new in new }
        return try await onThread {
            let delivered = UnsafeMutablePointer<Int>.allocate(capacity: 1)
            delivered.initialize(to: 0)
            defer { delivered.deallocate() }
            let rk = try newClient(RD_KAFKA_PRODUCER, properties: properties, opaque: delivered) { conf in
                rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                    guard let message, let opaque else { return }
                    let counter = opaque.assumingMemoryBound(to: Int.self)
                    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR { counter.pointee += 1 }
                }
            }
            defer { rd_kafka_destroy(rk) }
            // Warm up with the first message, as the Swift side does.
            try produceOne(rk, messages[0])
            rd_kafka_flush(rk, 30_000)
            let start = ContinuousClock.now
            for message in messages.dropFirst() {
                try produceOne(rk, message)
                rd_kafka_poll(rk, 0)
            }
            rd_kafka_flush(rk, 120_000)
            let elapsed = ContinuousClock.now - start
            let count = delivered.pointee - 1
            guard count == messages.count - 1 else {
                throw ValidationError("direct producer: \(count) of \(messages.count - 1) delivered")
            }
            return Double(count) / elapsed.seconds
        }
    }

    /// Messages per second: `rd_kafka_consumer_poll` loop copying key, value and headers out,
    /// first message to last.
    static func consume(topic: String, count: Int, configuration: KafkaConfiguration) async throws -> Double {
        var properties = configuration.properties.merging(BenchMessages.consumerProperties) { _, new in new }
        properties["group.id"] = "bench-direct-\(UUID().uuidString)"
        properties["enable.auto.offset.store"] = "false"
        let consumerProperties = properties
        return try await onThread {
            let rk = try newClient(RD_KAFKA_CONSUMER, properties: consumerProperties)
            defer { rd_kafka_destroy(rk) }
            rd_kafka_poll_set_consumer(rk)
            let list = rd_kafka_topic_partition_list_new(1)
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
            rd_kafka_subscribe(rk, list)
            rd_kafka_topic_partition_list_destroy(list)
            var received = 0
            var bytes = 0
            var start: ContinuousClock.Instant?
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            var lastProgress = ContinuousClock.now
            while received < count {
                guard let message = rd_kafka_consumer_poll(rk, 100) else {
                    if ContinuousClock.now - lastProgress > BenchProgress.stallLimit {
                        rd_kafka_consumer_close(rk)
                        throw ValidationError("direct consumer stalled after \(received) of \(count) messages")
                    }
                    continue
                }
                lastProgress = .now
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    if start == nil { start = .now }
                    // Copy out what an application needs: key, value, headers.
                    let payload = Array(UnsafeRawBufferPointer(start: message.pointee.payload, count: message.pointee.len))
                    let key = Array(UnsafeRawBufferPointer(start: message.pointee.key, count: message.pointee.key_len))
                    bytes &+= payload.count &+ key.count
                    var headers: OpaquePointer?
                    if rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers {
                        for index in 0..<rd_kafka_header_cnt(headers)
                        where rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                            bytes &+= Array(UnsafeRawBufferPointer(start: value, count: size)).count &+ strlen(name!)
                        }
                    }
                    received += 1
                }
                rd_kafka_message_destroy(message)
            }
            let elapsed = ContinuousClock.now - start!
            rd_kafka_consumer_close(rk)
            precondition(bytes > 0)
            return Double(count - 1) / elapsed.seconds
        }
    }

    private static func produceOne(_ rk: OpaquePointer, _ message: OutgoingMessage) throws {
        let count = 5 + message.headers.count
        while true {
            let err = withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: count) { vus in
                message.topic.withCString { topic in
                    message.value.withUnsafeBytes { value in
                        message.key!.withUnsafeBytes { key in
                            vus.initialize(repeating: rd_kafka_vu_t())
                            vus[0].vtype = RD_KAFKA_VTYPE_TOPIC
                            vus[0].u.cstr = topic
                            vus[1].vtype = RD_KAFKA_VTYPE_VALUE
                            vus[1].u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                            vus[1].u.mem.size = value.count
                            vus[2].vtype = RD_KAFKA_VTYPE_KEY
                            vus[2].u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            vus[2].u.mem.size = key.count
                            vus[3].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                            vus[3].u.i = RD_KAFKA_MSG_F_COPY
                            vus[4].vtype = RD_KAFKA_VTYPE_OPAQUE
                            vus[4].u.ptr = nil
                            return withHeaders(message.headers[...], into: vus.baseAddress! + 5) {
                                guard let error = rd_kafka_produceva(rk, vus.baseAddress, count) else { return RD_KAFKA_RESP_ERR_NO_ERROR }
                                defer { rd_kafka_error_destroy(error) }
                                return rd_kafka_error_code(error)
                            }
                        }
                    }
                }
            }
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                rd_kafka_poll(rk, 1)
                continue
            }
            throw ValidationError("direct produce: \(String(cString: rd_kafka_err2str(err)))")
        }
    }

    /// Fills header entries whose C strings stay valid for the duration of `body`.
    private static func withHeaders(
        _ headers: ArraySlice<KafkaHeader>, into slot: UnsafeMutablePointer<rd_kafka_vu_t>,
        _ body: () -> rd_kafka_resp_err_t
    ) -> rd_kafka_resp_err_t {
        guard let header = headers.first else { return body() }
        return header.name.withCString { name in
            header.value!.withUnsafeBytes { value in
                slot.pointee.vtype = RD_KAFKA_VTYPE_HEADER
                slot.pointee.u.header.name = name
                slot.pointee.u.header.val = value.baseAddress
                slot.pointee.u.header.size = value.count
                return withHeaders(headers.dropFirst(), into: slot + 1, body)
            }
        }
    }

    private static func newClient(
        _ type: rd_kafka_type_t, properties: [String: String],
        opaque: UnsafeMutableRawPointer? = nil,
        customize: (OpaquePointer) -> Void = { _ in }
    ) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in properties where rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            throw ValidationError("property \(key) rejected")
        }
        rd_kafka_conf_set(conf, "log_level", "3", &errstr, errstr.count)
        rd_kafka_conf_set_opaque(conf, opaque)
        customize(conf)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            throw ValidationError("rd_kafka_new failed")
        }
        return rk
    }

    /// Runs a blocking loop on its own thread.
    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}

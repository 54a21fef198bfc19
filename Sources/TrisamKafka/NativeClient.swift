import CRdKafka
import Dispatch
import Foundation
import Logging
import Synchronization

/// Owns an `rd_kafka_t` handle. librdkafka handles are thread-safe, so sharing the pointer
/// across threads is sound; this type only makes that explicit to the compiler.
final class NativeHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}

/// State reachable from librdkafka callbacks through the configuration opaque pointer.
/// The owning client keeps it alive for the lifetime of the `rd_kafka_t`.
class ClientContext: @unchecked Sendable {
    let logger: Logger
    /// How often every broker connection was lost at once (librdkafka's "all brokers down").
    let connectionLosses = Atomic<UInt64>(0)

    init(logger: Logger) { self.logger = logger }

    /// Called on a librdkafka thread when every broker connection is down.
    func allBrokersDown(_ rk: OpaquePointer) {
        connectionLosses.add(1, ordering: .releasing)
    }

    /// Recovers the context from a librdkafka handle whose conf opaque was set to it.
    static func from(_ rk: OpaquePointer?) -> ClientContext? {
        guard let rk, let opaque = rd_kafka_opaque(rk) else { return nil }
        return Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

/// Forwards librdkafka's log lines to swift-log (called on librdkafka threads).
private let logCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, facility, buffer in
    guard let context = ClientContext.from(rk) else { return }
    let text = buffer.map { String(cString: $0) } ?? ""
    let fac = facility.map { String(cString: $0) } ?? ""
    let swiftLevel: Logger.Level =
        switch level {
        case ...3: .error
        case 4: .warning
        case 5, 6: .info
        default: .debug
        }
    context.logger.log(level: swiftLevel, "\(text)", metadata: ["rdkafka.facility": "\(fac)"])
}

/// Forwards librdkafka's error events (mostly transient: broker down, all brokers down) to swift-log.
private let errorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, _ in
    guard let context = ClientContext.from(rk) else { return }
    let name = String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: err)))
    let text = reason.map { String(cString: $0) } ?? ""
    context.logger.warning("librdkafka: \(text)", metadata: ["rdkafka.error": "\(name)"])
    if err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue, let rk { context.allBrokersDown(rk) }
}

/// Creates an `rd_kafka_t` of the given type from a configuration, wiring logging and the
/// context opaque. `customize` may set further callbacks on the native conf.
func makeNativeClient(
    type: rd_kafka_type_t,
    configuration: KafkaConfiguration,
    context: ClientContext,
    customize: (OpaquePointer) -> Void = { _ in }
) throws(KafkaError) -> NativeHandle {
    let conf = try configuration.makeNativeConf()
    rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
    rd_kafka_conf_set_log_cb(conf, logCallback)
    rd_kafka_conf_set_error_cb(conf, errorCallback)
    customize(conf)
    var errorBuffer = [CChar](repeating: 0, count: 512)
    guard let rk = rd_kafka_new(type, conf, &errorBuffer, errorBuffer.count) else {
        rd_kafka_conf_destroy(conf)
        throw KafkaError(
            .clientCreation, String(decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return NativeHandle(rk)
}

/// A dedicated OS thread running a loop until stopped: blocking librdkafka polls live here,
/// never on Swift's cooperative thread pool.
final class PollingThread: Sendable {
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let stopFlag = Flag()
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `body` in a loop on a new thread; `body` receives a closure telling whether stop
    /// was requested, and `onExit` runs once on that thread after the loop ends.
    init(name: String, body: @escaping @Sendable () -> Void, onExit: @escaping @Sendable () -> Void = {}) {
        let thread = Thread { [stopFlag, finished] in
            while !stopFlag.value.load(ordering: .acquiring) {
                body()
            }
            onExit()
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Whether stop was requested.
    var isStopping: Bool { stopFlag.value.load(ordering: .acquiring) }

    /// Asks the loop to stop after its current iteration and waits for `onExit` to finish,
    /// without blocking the cooperative pool.
    /// Asks the loop to stop without waiting (used from `deinit`).
    func requestStop() {
        stopFlag.value.store(true, ordering: .releasing)
    }

    /// A second call returns at once.
    func stop() async {
        if stopFlag.value.exchange(true, ordering: .acquiringAndReleasing) { return }
        await runBlocking { self.finished.wait() }
    }
}

/// Runs a blocking call on a dispatch queue (not the cooperative pool) and awaits its result.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .utility).async {
            continuation.resume(returning: body())
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds (truncated), as librdkafka's timeouts take it.
    var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

import CRdKafka
import Foundation
import Logging
import Synchronization

/// A consumer's knowledge of the log under it (``KafkaLogIdentity``) and what it does when the
/// log may have changed. All methods run on the consumer's poll thread (directly or inside
/// librdkafka callbacks served there), except ``identity``, which any thread may read.
final class LogFollower: Sendable {
    private struct State {
        /// The identity last read; `nil` before the first read or when the cluster has none.
        var identity: String?
        /// Whether every broker connection was lost since the identity was last read.
        var suspect = false
        var lastAttempt: ContinuousClock.Instant?
    }

    private let configuration: KafkaConfiguration
    private let state = Mutex(State())

    init(configuration: KafkaConfiguration) { self.configuration = configuration }

    /// The identity of the log messages are currently read from.
    var identity: String? { state.withLock { $0.identity } }

    /// Every broker connection was lost: the broker may come back with another log. Pauses the
    /// assigned partitions so that nothing is fetched at old positions before the identity is read.
    func suspect(_ rk: OpaquePointer, logger: Logger) {
        let wasSuspect = state.withLock { state in
            defer { state.suspect = true }
            return state.suspect
        }
        if wasSuspect { return }
        withAssignment(rk) { list in
            let err = rd_kafka_pause_partitions(rk, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("pause after losing the brokers: \(String(cString: rd_kafka_err2str(err)))")
            }
        }
    }

    /// While suspect, tries (at most twice a second) to read the identity; once read, reads a new
    /// log from the beginning of every assigned partition and resumes.
    func checkIfSuspect(_ rk: OpaquePointer, logger: Logger) {
        let due = state.withLock { state -> Bool in
            guard state.suspect else { return false }
            let now = ContinuousClock.now
            if let last = state.lastAttempt, now - last < .milliseconds(500) { return false }
            state.lastAttempt = now
            return true
        }
        guard due, let (current, isNew) = read(timeout: .seconds(1)) else { return }
        state.withLock { state in
            state.identity = current
            state.suspect = false
        }
        withAssignment(rk) { list in
            if isNew {
                logger.warning(
                    "the log is new (the broker restarted empty): reading every assigned partition from its beginning",
                    metadata: ["log": "\(current ?? "-")"])
                for index in 0..<Int(list.pointee.cnt) { list.pointee.elems[index].offset = Int64(RD_KAFKA_OFFSET_BEGINNING) }
                if let error = rd_kafka_seek_partitions(rk, list, 5_000) {
                    logger.error("seek to the beginning of the new log: \(String(cString: rd_kafka_error_string(error)))")
                    rd_kafka_error_destroy(error)
                }
            }
            let err = rd_kafka_resume_partitions(rk, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { logger.warning("resume: \(String(cString: rd_kafka_err2str(err)))") }
        }
    }

    /// Reads the identity when partitions are assigned (retrying for up to 10 s while the
    /// cluster does not answer). Returns it and whether it differs from the one known before.
    func verifyAtAssignment(logger: Logger) -> (identity: String?, isNew: Bool) {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let (current, isNew) = read(timeout: .seconds(2)) {
                state.withLock { state in
                    state.identity = current
                    state.suspect = false
                }
                if isNew { logger.warning("the log is new (the broker restarted empty)", metadata: ["log": "\(current ?? "-")"]) }
                return (current, isNew)
            }
        }
        logger.warning("could not read the log identity at assignment; keeping the one known")
        return (identity, false)
    }

    /// Reads the identity; `nil` if the cluster did not answer (or answered nothing yet, see
    /// ``KafkaLogIdentity/Change/unanswered``). `isNew` when a known identity changed.
    private func read(timeout: Duration) -> (String?, isNew: Bool)? {
        let current: String?
        do {
            current = try KafkaLogIdentity.read(configuration: configuration, timeout: timeout)
        } catch {
            return nil
        }
        switch KafkaLogIdentity.change(from: identity, to: current) {
        case .unanswered: return nil
        case .unchanged, .first: return (current, false)
        case .new: return (current, true)
        }
    }

    private func withAssignment(_ rk: OpaquePointer, _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void) {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(rk, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if list.pointee.cnt > 0 { body(list) }
    }
}

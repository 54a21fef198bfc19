import Synchronization

/// Hands consumed (and decoded) messages from the reading task to the processing task in batches: the
/// processor takes everything that arrived while it was busy (up to `maxBatch`), so batches grow
/// under load (throughput) and shrink to single messages when idle (latency). The reader is
/// suspended while `capacity` messages wait, so memory stays bounded.
final class MessageBatcher<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var taker: CheckedContinuation<[Item], Never>?
        var readers: [CheckedContinuation<Void, Never>] = []
        var finished = false
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let maxBatch: Int

    init(capacity: Int = 20_000, maxBatch: Int = 2_000) {
        self.capacity = capacity
        self.maxBatch = maxBatch
    }

    /// Reader: adds a message, waiting while the batcher is full.
    func add(_ item: Item) async {
        let action: AddAction = state.withLock { state in
            state.items.append(item)
            if let taker = state.taker {
                state.taker = nil
                let batch = Self.takeBatch(&state.items, maxBatch)
                return .resume(taker, batch)
            }
            return state.items.count >= capacity ? .wait : .none
        }
        switch action {
        case .none: return
        case .resume(let taker, let batch): taker.resume(returning: batch)
        case .wait:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.items.count < capacity || state.finished { return true }
                    state.readers.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    private enum AddAction {
        case none
        case resume(CheckedContinuation<[Item], Never>, [Item])
        case wait
    }

    /// Processor: the next batch (never empty), or an empty array once finished.
    func take() async -> [Item] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[Item], Never>) in
            let (batch, readers): ([Item]?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
                if !state.items.isEmpty {
                    let batch = Self.takeBatch(&state.items, maxBatch)
                    let readers = state.items.count < capacity ? state.readers : []
                    if !readers.isEmpty { state.readers = [] }
                    return (batch, readers)
                }
                if state.finished { return ([], []) }
                state.taker = continuation
                let readers = state.readers
                state.readers = []
                return (nil, readers)
            }
            for reader in readers { reader.resume() }
            if let batch { continuation.resume(returning: batch) }
        }
    }

    /// Ends the stream: a waiting processor gets an empty batch, waiting readers go on.
    func finish() {
        let (taker, readers) = state.withLock { state in
            state.finished = true
            defer {
                state.taker = nil
                state.readers = []
            }
            return (state.taker, state.readers)
        }
        taker?.resume(returning: [])
        for reader in readers { reader.resume() }
    }

    private static func takeBatch(_ items: inout [Item], _ max: Int) -> [Item] {
        if items.count <= max {
            defer { items.removeAll(keepingCapacity: true) }
            return items
        }
        let batch = Array(items.prefix(max))
        items.removeFirst(max)
        return batch
    }
}

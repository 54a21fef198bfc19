import ArgumentParser
import Foundation
@_spi(Benchmarks) import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamFixtures

/// `trisam-bench decode`: CPU time per event of `EventEnvelope(decoding:)` (headers, strict JSON
/// body, payload rules) on the coordinator bench's realistic event mix, in this process, without
/// Kafka.
struct DecodeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Measure event decoding without Kafka.",
        discussion: """
            Encodes the realistic mix of `trisam-bench coordinator` once, then decodes every message \
            in rounds and prints ns per event (median of the rounds). Run a release build: \
            swift build -c release && .build/release/trisam-bench decode
            """
    )

    @Option(help: "People in the realistic event mix.")
    var persons: Int = 5_000

    @Option(help: "Timed rounds over all messages; the median is reported.")
    var rounds: Int = 5

    func validate() throws {
        guard persons >= 1 else { throw ValidationError("--persons must be at least 1, got \(persons)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
    }

    func run() throws {
        let mix = EventMix(seed: 7)
        let events = (0..<persons).flatMap { mix.history(of: $0) }
        let messages = try events.map { try $0.encoded() }
        let bytes = messages.reduce(0) { $0 + $1.value.count }
        printLine(
            "trisam-bench decode: \(messages.count) events of \(persons) people, \(bytes / messages.count) bytes of JSON on average, release=\(isReleaseBuild)"
        )

        // One untimed pass, which also checks that every message decodes to what was encoded.
        for (event, message) in zip(events, messages) {
            let decoded = try EventEnvelope(decoding: message)
            guard decoded == event else { throw ValidationError("\(event.id) decoded differently: \(decoded)") }
        }
        var perEvent: [Double] = []
        for round in 1...rounds {
            var decodedCount = 0
            let start = ContinuousClock.now
            for message in messages {
                let decoded = try EventEnvelope(decoding: message)
                decodedCount &+= decoded.id.utf8.count
            }
            let elapsed = ContinuousClock.now - start
            let nanoseconds = elapsed.seconds * 1e9
            perEvent.append(nanoseconds / Double(messages.count))
            printLine(
                String(format: "round %d: %.0f ns/event (%.0f events/s)", round, perEvent.last!, 1e9 / perEvent.last!)
                    + (decodedCount == 0 ? " (nothing decoded)" : ""))
        }
        let median = perEvent.sorted()[perEvent.count / 2]
        printLine(String(format: "median: %.0f ns/event (%.0f events/s on one core)", median, 1e9 / median))

        // The parts, each on every message, to see what the fast path saves.
        let bodies = messages.map(\.value)
        let types = events.map(\.type)
        let fastTaken = zip(types, bodies).filter { DecodingParts.fastPayload($0, body: $1) != nil }.count
        printLine("the fast decoder reads \(fastTaken) of \(bodies.count) payloads; the parts, median ns per event:")
        part("strict scanner (shape and tokens)", count: bodies.count) { index in DecodingParts.scannedShape(bodies[index]) != nil }
        part("scanner, then the payload by the fast decoder", count: bodies.count) { index in
            DecodingParts.fastPayload(types[index], body: bodies[index]) != nil
        }
        part("payload by JSONDecoder", count: bodies.count) { index in
            (try? DecodingParts.decoderPayload(types[index], body: bodies[index])) != nil
        }
        part("first sight of a shape: JSONSerialization, encode again, compare", count: bodies.count) { index in
            (try? DecodingParts.unknownFieldCheck(events[index], body: bodies[index])) == true
        }
    }

    /// Times `body` over every message index in rounds; prints the median ns per event.
    private func part(_ name: String, count: Int, _ body: (Int) -> Bool) {
        var perEvent: [Double] = []
        for _ in 1...rounds {
            var taken = 0
            let start = ContinuousClock.now
            for index in 0..<count where body(index) { taken += 1 }
            perEvent.append((ContinuousClock.now - start).seconds * 1e9 / Double(count))
            if taken == 0 { printLine("  (\(name): none taken)") }
        }
        printLine("  \(name): " + String(format: "%.0f", perEvent.sorted()[perEvent.count / 2]))
    }
}

import ArgumentParser
import Foundation
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamFixtures

/// `trisam-bench encode`: CPU time per flag event of `EventEnvelope.encoded()` (what the
/// coordinator pays for every flag it publishes), with the parts it is made of, in this process,
/// without Kafka.
struct EncodeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Measure flag event encoding without Kafka.",
        discussion: """
            Builds flag events from the gap rules' titles and explanations, then encodes them in \
            rounds and prints µs per event (median of the rounds): the whole of encoded() for \
            FlagRaised and FlagResolved, and apart from it the payload checks (validate()), a \
            Foundation JSONEncoder encoding the same payload (how encoded() wrote every body \
            before flag events got their own writer) and the header timestamp. Run a release \
            build: swift build -c release && .build/release/trisam-bench encode
            """
    )

    @Option(help: "Flag events of each kind per round.")
    var events: Int = 2_000

    @Option(help: "Timed rounds; the median is reported.")
    var rounds: Int = 7

    @Option(help: "Evidence ids per flag event.")
    var evidence: Int = 6

    func validate() throws {
        guard events >= 1 else { throw ValidationError("--events must be at least 1, got \(events)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        guard (0...200).contains(evidence) else { throw ValidationError("--evidence must be 0–200, got \(evidence)") }
    }

    func run() throws {
        let raised = Self.flagEvents(count: events, evidence: evidence, resolved: false)
        let resolved = Self.flagEvents(count: events, evidence: evidence, resolved: true)
        let payloads: [FlagRaised] = raised.map {
            guard case .flagRaised(let flag) = $0.event else { fatalError("not a FlagRaised") }
            return flag
        }
        let bytes = try raised.reduce(0) { $0 + (try $1.encoded().value.count) }
        printLine(
            "trisam-bench encode: \(events) FlagRaised and \(events) FlagResolved events, \(evidence) evidence ids each, "
                + "\(bytes / events) bytes of FlagRaised JSON on average, release=\(isReleaseBuild)")

        // One untimed pass, which also checks that every body is what JSONEncoder writes.
        for envelope in raised + resolved {
            let body = try envelope.encoded().value
            let reference: Data =
                switch envelope.event {
                case .flagRaised(let flag): try EventEnvelope.encoder().encode(flag)
                case .flagResolved(let flag): try EventEnvelope.encoder().encode(flag)
                default: Data()
                }
            guard body.elementsEqual(reference) else {
                throw ValidationError(
                    "\(envelope.id): encoded() wrote \(String(decoding: body, as: UTF8.self)), "
                        + "JSONEncoder \(String(decoding: reference, as: UTF8.self))")
            }
        }

        try measure("FlagRaised encoded()", count: raised.count) { sink in
            for envelope in raised { sink &+= try envelope.encoded().value.count }
        }
        try measure("FlagResolved encoded()", count: resolved.count) { sink in
            for envelope in resolved { sink &+= try envelope.encoded().value.count }
        }
        try measure("FlagRaised validate()", count: raised.count) { sink in
            for envelope in raised {
                try envelope.validate()
                sink &+= 1
            }
        }
        try measure("FlagRaised body by JSONEncoder", count: payloads.count) { sink in
            for flag in payloads { sink &+= try EventEnvelope.encoder().encode(flag).count }
        }
        measure("header time (Timestamp.format)", count: raised.count) { sink in
            for envelope in raised { sink &+= Timestamp.format(envelope.time).utf8.count }
        }
    }

    /// Times `body` over `rounds` rounds and prints µs per event. `body` adds something derived
    /// from its work to the sink so that the work is not optimised away.
    private func measure(_ label: String, count: Int, _ body: (inout Int) throws -> Void) rethrows {
        var perEvent: [Double] = []
        var sink = 0
        for _ in 1...rounds {
            let start = ContinuousClock.now
            try body(&sink)
            let elapsed = ContinuousClock.now - start
            let nanoseconds = elapsed.seconds * 1e9
            perEvent.append(nanoseconds / Double(count))
        }
        let sorted = perEvent.sorted()
        printLine(
            String(
                format: "%@: median %.2f µs/event (min %.2f, max %.2f)", label, sorted[sorted.count / 2] / 1000,
                sorted.first! / 1000, sorted.last! / 1000)
                + (sink == 0 ? " (nothing done)" : ""))
    }

    /// Flag events as the coordinator publishes them: the gap rules' titles and explanations
    /// (Swedish text), one to three agencies and `evidence` event ids of the form the event mix
    /// uses.
    static func flagEvents(count: Int, evidence: Int, resolved: Bool) -> [EventEnvelope] {
        let rules = GapRules().descriptions
        let mix = EventMix(seed: 7)
        let time = Date(timeIntervalSince1970: 1_795_000_000.25)
        return (0..<count).map { index in
            let rule = rules[index % rules.count]
            let flagId = String(format: "flag-%08x-%d", index &* 2_654_435_761 & 0xffff_ffff, index % 3)
            let ids = (0..<evidence).map { "b7-\(index)-\($0)" }
            let agencies = Array(Agency.allCases.dropFirst(index % 2).prefix(1 + index % 3))
            let event: TrisamEvent =
                resolved
                ? .flagResolved(
                    FlagResolved(
                        flagId: flagId, rule: rule.id,
                        resolution: "Villkoret gäller inte längre efter nya händelser.", evidence: ids))
                : .flagRaised(
                    FlagRaised(
                        flagId: flagId, rule: rule.id, severity: rule.severity, title: rule.title,
                        explanation: rule.explanation, agencies: agencies, evidence: ids))
            return EventEnvelope(
                id: "\(flagId):\(resolved ? "resolved" : "raised")", source: .coordinator,
                time: time.addingTimeInterval(Double(index)), subject: mix.clientRef(index), event: event)
        }
    }
}

import Foundation
import GRDB
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// The work on flags in the coordinator's store and engine: each action in one transaction with
/// its history, audit row and outbox event; reopening on a change of the situation; the queue
/// by person, paged by keyset; and all of it kept across a restart.
@Suite("Flag work in the store")
struct FlagWorkStoreTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18
    static func ref(_ n: Int) -> ClientRef { ClientRef(rawValue: String(format: "%032x", n))! }

    struct Setup {
        var directory: URL
        var store: CoordinatorStore
        var engine: CoordinatorEngine
        var clock: CoordinatorClock
        var path: String { directory.appendingPathComponent("coordinator.sqlite").path }
    }

    static func setup(clock: CoordinatorClock = .fixed(at: now)) throws -> Setup {
        let directory = try temporaryDirectory()
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: clock, metrics: CoordinatorMetrics())
        return Setup(directory: directory, store: store, engine: engine, clock: clock)
    }

    static func insert(_ store: CoordinatorStore, person: Int, rule: String, severity: FlagSeverity, sinceDays: Double) throws -> String {
        let flagId = "\(ref(person).rawValue):\(rule):0"
        try store.pool.write { db in
            try CoordinatorStore.insertFlag(
                FlagRow(
                    seq: 0, flagId: flagId, clientRef: ref(person).rawValue, rule: rule, severity: severity, title: "Regel \(rule)",
                    explanation: "Förklaring.", agencies: [.fk], evidence: ["e-\(person)-\(rule)"],
                    since: now.addingTimeInterval(-sinceDays * 86_400), raisedAt: now), in: db)
        }
        return flagId
    }

    @Test("each action changes the flag, adds to its history and the audit log, and puts its event in the outbox")
    func actionsAreRecordedTogether() async throws {
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let flagId = try Self.insert(setup.store, person: 1, rule: "grey-zone", severity: .high, sinceDays: 3)
        let actions: [FlagAction] = [
            .take, .assign(Contact(name: "Frida Ek", phone: "010-123 45 67"), .fk), .comment("Ringt FK."),
            .nextStep("FK bokar möte", dueOn: LocalDate("2026-11-25")!),
            .setAside(until: LocalDate("2026-11-30")!, reason: "Väntar på intyg"),
            .close(reason: "Personen har flyttat"),
        ]
        for action in actions {
            _ = try await setup.engine.work(flagId: flagId, action: action, actor: "Karin Samordnare", path: "/flags/\(flagId)/x")
        }
        let flag = try #require(try setup.store.flag(flagId))
        #expect(flag.work.owner == .assignee(Contact(name: "Frida Ek", phone: "010-123 45 67"), .fk))
        #expect(flag.work.parked == .closed(reason: "Personen har flyttat"))
        #expect(flag.work.nextStep?.text == "FK bokar möte")
        #expect(flag.workCount == 6)
        let history = try setup.store.flagHistory(of: Self.ref(1))
        #expect(
            history.map(\.type) == [
                "flag.taken", "flag.assigned", "flag.commented", "flag.next-step.agreed", "flag.set-aside", "flag.closed",
            ])
        #expect(history.allSatisfy { $0.actor == "Karin Samordnare" })
        #expect(history[1].assignee == "Frida Ek" && history[1].agency == .fk && history[1].phone == "010-123 45 67")
        let audit = try setup.store.auditPage(limit: 10)
        #expect(audit.entries.count == 6)
        #expect(audit.entries.first?.action == "flag.closed \(flagId)")
        let outbox = try setup.store.pendingOutbox(limit: 100)
        #expect(outbox.map(\.eventId) == (1...6).map { "\(flagId):work:\($0)" })
        let types = outbox.compactMap {
            $0.message.headers.first { $0.name == "ce_type" }.map { String(decoding: $0.value ?? [], as: UTF8.self) }
        }
        #expect(types.first == "se.trisam.flag.taken.v1" && types.last == "se.trisam.flag.closed.v1")
        for pending in outbox {
            let envelope = try EventEnvelope(
                decoding: EncodedEvent(
                    key: pending.message.key ?? [],
                    headers: pending.message.headers.map { EventHeader(name: $0.name, value: $0.value ?? []) },
                    value: pending.message.value))
            #expect(envelope.subject == Self.ref(1))
        }
    }

    @Test("a refused action changes nothing; an unknown flag is told apart")
    func refusedChangesNothing() async throws {
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let flagId = try Self.insert(setup.store, person: 1, rule: "grey-zone", severity: .high, sinceDays: 3)
        await #expect(throws: FlagWorkError.refused(FlagWorkRefusal(.asideNotFuture, field: "until"))) {
            try await setup.engine.work(
                flagId: flagId, action: .setAside(until: LocalDate("2026-11-18")!, reason: "x"), actor: "K", path: "/")
        }
        await #expect(throws: FlagWorkError.unknownFlag) {
            try await setup.engine.work(flagId: "nope", action: .take, actor: "K", path: "/")
        }
        #expect(try setup.store.flag(flagId)?.workCount == 0)
        #expect(try setup.store.pendingOutbox(limit: 10).isEmpty)
        #expect(try setup.store.flagHistory(of: Self.ref(1)).isEmpty)
    }

    @Test("a parked flag comes back when its evidence or another flag of the person changes, not otherwise")
    func reopensOnChange() async throws {
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let closed = try Self.insert(setup.store, person: 1, rule: "grey-zone", severity: .high, sinceDays: 3)
        let aside = try Self.insert(setup.store, person: 1, rule: "ping-pong", severity: .medium, sinceDays: 5)
        _ = try await setup.engine.work(flagId: closed, action: .close(reason: "Ingen brist"), actor: "K", path: "/")
        _ = try await setup.engine.work(
            flagId: aside, action: .setAside(until: LocalDate("2026-12-01")!, reason: "Väntar"), actor: "K", path: "/")
        func update(_ flagId: String, evidence: [String], explanation: String = "Förklaring.") -> FlagDiff {
            var diff = FlagDiff()
            diff.updates = [
                FlagDiff.Update(
                    flagId: flagId,
                    finding: RuleFinding(
                        rule: "grey-zone", severity: .high, title: "Regel grey-zone", explanation: explanation, agencies: [.fk],
                        evidence: evidence, since: Self.now))
            ]
            return diff
        }
        // Only the text changed (time passing): nothing comes back.
        let textOnly = update(closed, evidence: ["e-1-grey-zone"], explanation: "Nu 4 dagar.")
        let newEvidence = update(closed, evidence: ["e-1-grey-zone", "new-fk-decision"])
        var reopened = try await setup.store.pool.write { db in
            try CoordinatorStore.reopenOnChange(Self.ref(1), diff: textOnly, now: Self.now, in: db)
        }
        #expect(reopened == 0)
        // New evidence for the closed flag: both parked flags of the person come back.
        reopened = try await setup.store.pool.write { db in
            try CoordinatorStore.reopenOnChange(Self.ref(1), diff: newEvidence, now: Self.now, in: db)
        }
        #expect(reopened == 2)
        #expect(try setup.store.flag(closed)?.work.parked == nil)
        #expect(try setup.store.flag(aside)?.work.parked == nil)
        let history = try setup.store.flagHistory(of: Self.ref(1)).filter { $0.type == "flag.reopened" }
        #expect(history.count == 2)
        #expect(history.first { $0.flagId == closed }?.text == Svenska.flagReopened(ownEvidence: true))
        #expect(history.first { $0.flagId == aside }?.text == Svenska.flagReopened(ownEvidence: false))
        let reopenedEvents = try setup.store.pendingOutbox(limit: 100).filter { $0.eventId.hasSuffix(":work:2") }
        #expect(reopenedEvents.count == 2)
    }

    @Test("closed as no gap, a flag is not raised again for the same cause; resolving ends its work")
    func closedStaysClosedThenResolves() async throws {
        let today = FlagScenarios.day(of: Self.now)
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let partition = TopicPartition(topic: "t", partition: 0)
        let person = Self.ref(7)
        var offset: Int64 = 0
        func incoming(_ events: [EventEnvelope]) -> [IncomingEvent] {
            events.map { event in
                defer { offset += 1 }
                return IncomingEvent(partition: partition, offset: offset, envelope: event)
            }
        }
        let raised = try await setup.engine.process(incoming(FlagScenarios.greyZone(ref: person, idPrefix: "gz", today: today)))
        #expect(raised.raised.contains("grey-zone"))
        let flagId = FlagDiff.flagId(clientRef: person, rule: "grey-zone", occurrence: 0)
        _ = try await setup.engine.work(flagId: flagId, action: .close(reason: "Söker arbete på egen hand"), actor: "K", path: "/")
        // Time passes and the same events arrive again: no second flag, still closed, out of the queue.
        try setup.clock.set(Self.now.addingTimeInterval(3 * 86_400))
        let due = try await setup.engine.runDueChecks()
        #expect(!due.raised.contains("grey-zone"))
        let again = try await setup.engine.process(incoming(FlagScenarios.greyZone(ref: person, idPrefix: "gz", today: today)))
        #expect(again.raised.isEmpty && again.duplicates == 3)
        var query = FlagQuery()
        query.rule = "grey-zone"
        query.view = .queue(today: today)
        #expect(try setup.store.openFlags(query).isEmpty)
        #expect(try setup.store.flag(flagId)?.work.isClosed == true)
        // The condition ends: the flag resolves and its work ends; no reopening.
        let resolved = try await setup.engine.process(
            incoming([FlagScenarios.greyZoneResolution(ref: person, idPrefix: "gz", today: today)]))
        #expect(resolved.resolved.contains("grey-zone") && resolved.reopened == 0)
        let flag = try #require(try setup.store.flag(flagId))
        #expect(flag.resolvedAt != nil && flag.work.ended)
        await #expect(throws: FlagWorkError.refused(FlagWorkRefusal(.resolved, field: nil))) {
            try await setup.engine.work(flagId: flagId, action: .comment("x"), actor: "K", path: "/")
        }
    }

    @Test("the queue by person pages by keyset in order, both ways, with counts that agree with the pages")
    func personQueuePaging() throws {
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        var expected: [(rank: Int, oldest: Double, ref: String)] = []
        for person in 1...130 {
            let severities: [FlagSeverity] = [.low, .medium, .high]
            let count = person % 3 + 1
            var rank = 0
            var oldest = Double.infinity
            for index in 0..<count {
                let severity = severities[(person + index) % 3]
                let days = Double((person * 7 + index * 3) % 40)
                _ = try Self.insert(setup.store, person: person, rule: "rule-\(index)", severity: severity, sinceDays: days)
                rank = max(rank, [FlagSeverity.low: 0, .medium: 1, .high: 2][severity]!)
                oldest = min(oldest, Self.now.addingTimeInterval(-days * 86_400).timeIntervalSince1970)
            }
            expected.append((rank, oldest, Self.ref(person).rawValue))
        }
        expected.sort { a, b in a.rank != b.rank ? a.rank > b.rank : a.oldest != b.oldest ? a.oldest < b.oldest : a.ref < b.ref }
        let query = FlagQuery()
        var pages: [PersonQueuePage] = []
        var page = try setup.store.personQueue(query, limit: 50)
        pages.append(page)
        while let next = page.next {
            page = try setup.store.personQueue(query, limit: 50, after: next)
            pages.append(page)
        }
        #expect(pages.map(\.persons.count) == [50, 50, 30])
        #expect(pages.flatMap(\.persons).map(\.clientRef) == expected.map(\.ref))
        #expect(pages[0].previous == nil && pages[1].previous != nil && pages[2].next == nil)
        let back = try setup.store.personQueue(query, limit: 50, before: try #require(pages[2].previous))
        #expect(back.persons.map(\.clientRef) == pages[1].persons.map(\.clientRef))
        #expect(try setup.store.personsBefore(query, pages[2].persons[0].cursor) == 100)
        let count = try setup.store.queueCount(query)
        #expect(count.persons == 130 && count.flags == pages.flatMap(\.persons).map(\.flags.count).reduce(0, +))
        // Each row holds all of the person's matching flags, most severe first.
        for person in pages.flatMap(\.persons) {
            #expect(person.flags.count == (Int(person.clientRef, radix: 16)! % 3 + 1))
            #expect(zip(person.flags, person.flags.dropFirst()).allSatisfy { $0.severity >= $1.severity })
        }
        // A cursor survives its text form.
        #expect(PersonCursor(pages[0].next!.description) == pages[0].next)
        #expect(PersonCursor("2_x_abc") == nil)
    }

    @Test("the views Mina, Ej tilldelade and Bortlagda, and a set-aside flag back on its day")
    func views() async throws {
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let mine = try Self.insert(setup.store, person: 1, rule: "a", severity: .high, sinceDays: 1)
        let assigned = try Self.insert(setup.store, person: 2, rule: "a", severity: .high, sinceDays: 1)
        let aside = try Self.insert(setup.store, person: 3, rule: "a", severity: .high, sinceDays: 1)
        _ = try Self.insert(setup.store, person: 4, rule: "a", severity: .low, sinceDays: 1)
        _ = try await setup.engine.work(flagId: mine, action: .take, actor: "Karin", path: "/")
        _ = try await setup.engine.work(flagId: assigned, action: .assign(Contact(name: "Karin"), .kommun), actor: "Olle", path: "/")
        _ = try await setup.engine.work(
            flagId: aside, action: .setAside(until: LocalDate("2026-11-20")!, reason: "Väntar"), actor: "Karin", path: "/")
        func persons(_ view: QueueView) throws -> [Int] {
            var query = FlagQuery()
            query.view = view
            return try setup.store.personQueue(query, limit: 50).persons.map { Int($0.clientRef, radix: 16)! }.sorted()
        }
        let today = LocalDate("2026-11-18")!
        #expect(try persons(.queue(today: today)) == [1, 2, 4])
        #expect(try persons(.mine("Karin", today: today)) == [1, 2])
        #expect(try persons(.mine("Olle", today: today)) == [])
        #expect(try persons(.unassigned(today: today)) == [4])
        #expect(try persons(.aside(today: today)) == [3])
        let back = LocalDate("2026-11-20")!
        #expect(try persons(.queue(today: back)) == [1, 2, 3, 4])
        #expect(try persons(.aside(today: back)) == [])
    }

    @Test("the work on flags survives a restart of the store")
    func survivesRestart() async throws {
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let flagId = try Self.insert(setup.store, person: 1, rule: "a", severity: .high, sinceDays: 1)
        _ = try await setup.engine.work(flagId: flagId, action: .take, actor: "Karin", path: "/")
        _ = try await setup.engine.work(
            flagId: flagId, action: .setAside(until: LocalDate("2026-11-25")!, reason: "Väntar"), actor: "Karin", path: "/")
        let before = try #require(try setup.store.flag(flagId))
        let reopened = try CoordinatorStore(path: setup.path)
        let after = try #require(try reopened.flag(flagId))
        #expect(after.work == before.work && after.workCount == 2)
        #expect(try reopened.flagHistory(of: Self.ref(1)).count == 2)
    }
}

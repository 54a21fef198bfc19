import Foundation
import GRDB
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamRandom
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// The queue's order, counts and trend kept with the flags (issue 22): after any stream of flag
/// changes they equal a computation from every flag, in the same transaction as the flags (a
/// failed batch leaves both as they were), across a reopened store, and a store from before them
/// gets them from its flags. The queue read from them pages, counts and places exactly as the
/// queue grouped from every open flag did.
@Suite("Queue order kept with the flags")
struct QueueOrderTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18
    static let today = LocalDate("2026-11-18")!
    static func ref(_ n: Int) -> String { String(format: "%032x", n) }

    struct Setup {
        var directory: URL
        var store: CoordinatorStore
        var engine: CoordinatorEngine
        var path: String { directory.appendingPathComponent("coordinator.sqlite").path }
    }

    static func setup() throws -> Setup {
        let directory = try temporaryDirectory()
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: .fixed(at: now), metrics: CoordinatorMetrics())
        return Setup(directory: directory, store: store, engine: engine)
    }

    /// The synchronous write and read (the asynchronous ones would take Sendable closures).
    static func write(_ writer: some DatabaseWriter, _ body: (Database) throws -> Void) throws { try writer.write(body) }
    static func read<T>(_ store: CoordinatorStore, _ body: (Database) throws -> T) throws -> T { try store.pool.read(body) }

    // MARK: a random stream of flag changes

    static let rules = ["a", "b", "c", "d", "e"]
    static let severities: [FlagSeverity] = [.low, .medium, .high]
    static let agencySets: [[Agency]] = [[.fk], [.af, .kommun], [.region], [.kommun], [.af, .fk, .region]]

    /// Raises, changes, resolves, works on and reopens flags of `persons` people at random.
    static func randomChanges(_ setup: Setup, persons: Int, steps: Int, seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        var occurrence: [String: Int] = [:]
        for _ in 0..<steps {
            let person = Int.random(in: 1...persons, using: &random)
            let rule = rules.randomElement(using: &random)!
            let open = try Self.read(setup.store) { db in
                try Row.fetchOne(
                    db, sql: "SELECT * FROM flag WHERE clientRef = ? AND rule = ? AND resolvedAt IS NULL", arguments: [ref(person), rule]
                ).map(FlagRow.init(row:))
            }
            guard let open else {
                let key = "\(person):\(rule)"
                let flagId = "\(ref(person)):\(rule):\(seed)-\(occurrence[key, default: 0])"
                occurrence[key, default: 0] += 1
                let raisedAt = now.addingTimeInterval(-Double(Int.random(in: 0...40, using: &random)) * 86_400)
                try Self.write(setup.store.pool) { db in
                    try CoordinatorStore.insertFlag(
                        FlagRow(
                            seq: 0, flagId: flagId, clientRef: ref(person), rule: rule, severity: severities.randomElement(using: &random)!,
                            title: "Regel \(rule)", explanation: "Förklaring.", agencies: agencySets.randomElement(using: &random)!,
                            since: raisedAt.addingTimeInterval(-Double(Int.random(in: 0...20, using: &random)) * 43_200),
                            raisedAt: raisedAt), in: db)
                }
                continue
            }
            let actions: [FlagAction] = [
                .take, .assign(Contact(name: ["Karin", "Olle"].randomElement(using: &random)!), .fk),
                .setAside(until: today.adding(days: Int.random(in: 1...4, using: &random)), reason: "Väntar"),
                .close(reason: "Ingen lucka"),
            ]
            switch Int.random(in: 0..<8, using: &random) {
            case 0, 1:
                let time = now.addingTimeInterval(Double(Int.random(in: -20...2, using: &random)) * 3_000)
                try Self.write(setup.store.pool) { db in
                    try CoordinatorStore.resolveFlag(open.flagId, at: max(time, open.raisedAt), resolution: "Över", evidence: [], in: db)
                }
            case 2:
                let finding = RuleFinding(
                    rule: rule, severity: severities.randomElement(using: &random)!, title: open.title, explanation: open.explanation,
                    agencies: agencySets.randomElement(using: &random)!, evidence: ["e-\(Int.random(in: 0...9, using: &random))"],
                    since: open.since)
                try Self.write(setup.store.pool) { db in try CoordinatorStore.updateOpenFlag(open.flagId, finding: finding, in: db) }
            case 3:
                // Reopened: the work of parking it undone, as a change of the situation does.
                var reopened = open
                reopened.work = open.work.reopened()
                try Self.write(setup.store.pool) { db in try CoordinatorStore.storeWork(reopened, in: db) }
            default:
                let actor = ["Karin", "Olle"].randomElement(using: &random)!
                _ = try? await setup.engine.work(
                    flagId: open.flagId, action: actions.randomElement(using: &random)!, actor: actor, path: "/")
            }
        }
    }

    // MARK: what the kept tables must equal

    /// Every kept table against the same computed from every flag.
    static func expectKept(_ store: CoordinatorStore, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let marker = try store.flagChangeMarker()
        let spans = try store.flagSpans(openAtOrAfter: .distantPast)
        try store.pool.read { db in
            // queue_person and queue_total, from the open unparked flags.
            var people: [String: (tier: Int, oldest: Double, flags: Int)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT clientRef, severity, since, ownerName FROM flag WHERE resolvedAt IS NULL AND parked IS NULL")
            {
                let ref: String = row["clientRef"]
                let tier = [FlagSeverity.high.rawValue: 0, FlagSeverity.medium.rawValue: 1][row["severity"] as String] ?? 2
                let owner: String? = row["ownerName"]
                for view in ["queue", owner == nil ? "unassigned" : "mine:\(owner!)"] {
                    let key = "\(view)|\(ref)"
                    let old = people[key] ?? (3, .infinity, 0)
                    people[key] = (min(old.tier, tier), min(old.oldest, row["since"]), old.flags + 1)
                }
            }
            var kept: [String: (tier: Int, oldest: Double, flags: Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM queue_person") {
                kept["\(row["view"] as String)|\(row["clientRef"] as String)"] = (row["tier"], row["oldest"], row["flags"])
            }
            #expect(
                kept.keys.sorted() == people.keys.sorted() && kept.allSatisfy { people[$0.key]! == $0.value }, comment,
                sourceLocation: sourceLocation)
            var totals: [String: [Int]] = [:]
            for (key, value) in people {
                let view = String(key.split(separator: "|")[0])
                totals[view] = [(totals[view]?[0] ?? 0) + 1, (totals[view]?[1] ?? 0) + value.flags]
            }
            var keptTotals: [String: [Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM queue_total") { keptTotals[row["view"]] = [row["persons"], row["flags"]] }
            #expect(keptTotals == totals, comment, sourceLocation: sourceLocation)
            // flag_open_count and the counters of the live marker.
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rule, count(*) AS n FROM flag WHERE resolvedAt IS NULL GROUP BY rule") {
                counts[row["rule"]] = row["n"]
            }
            var keptCounts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rule, count FROM flag_open_count") { keptCounts[row["rule"]] = row["count"] }
            #expect(keptCounts == counts, comment, sourceLocation: sourceLocation)
            let all = try Row.fetchOne(db, sql: "SELECT count(*) AS raised, count(resolvedAt) AS resolved FROM flag")!
            #expect(marker.raised == all["raised"] && marker.resolved == all["resolved"], comment, sourceLocation: sourceLocation)
            // flag_trend, from every flag as the overview once read them (FlagSpan).
            var cells: [String: Int] = [:]
            for span in spans {
                if let resolved = span.resolvedAt, resolved.timeIntervalSince(span.raisedAt) < CoordinatorStore.transientFlagSeconds {
                    continue
                }
                let end = span.resolvedAt.map { StockholmTime.date(of: $0).description } ?? ""
                cells["\(end) \(StockholmTime.date(of: span.since)) \(span.severity == .high)", default: 0] += 1
            }
            var keptCells: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM flag_trend") {
                keptCells["\(row["endDay"] as String) \(row["sinceDay"] as String) \(row["high"] as Bool)"] = row["count"]
            }
            #expect(keptCells == cells, comment, sourceLocation: sourceLocation)
        }
    }

    /// The queue of `query` as it was computed before it was kept: every matching open flag
    /// grouped by person (the SQL of issue 21).
    static func referenceQueue(_ store: CoordinatorStore, _ query: FlagQuery) throws -> (keys: [PersonCursor], count: QueueCount) {
        let (conditions, arguments) = CoordinatorStore.conditions(query)
        return try store.pool.read { db in
            let keys = try Row.fetchAll(
                db,
                sql: """
                    SELECT clientRef, max(CASE severity WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END) AS rank, min(since) AS oldest
                    FROM flag WHERE \(conditions) GROUP BY clientRef ORDER BY rank DESC, oldest ASC, clientRef ASC
                    """, arguments: StatementArguments(arguments)
            ).map { PersonCursor(rank: $0["rank"], oldest: $0["oldest"], clientRef: $0["clientRef"]) }
            let row = try Row.fetchOne(
                db, sql: "SELECT count(DISTINCT clientRef) AS persons, count(*) AS flags FROM flag WHERE \(conditions)",
                arguments: StatementArguments(arguments))!
            return (keys, QueueCount(persons: row["persons"], flags: row["flags"]))
        }
    }

    /// Every query the dashboard asks: each view on three days, with and without each filter.
    static var queries: [FlagQuery] {
        var queries: [FlagQuery] = []
        let days = [today.adding(days: -1), today, today.adding(days: 2), today.adding(days: 5)]
        let views: [QueueView?] =
            [nil]
            + days.flatMap { day -> [QueueView?] in
                [.queue(today: day), .mine("Karin", today: day), .mine("Olle", today: day), .unassigned(today: day), .aside(today: day)]
            }
        for view in views {
            for filter in 0..<6 {
                var query = FlagQuery()
                query.view = view
                switch filter {
                case 1: query.rule = "b"
                case 2: query.severity = .high
                case 3: query.agency = .fk
                case 4: query.sinceAtOrBefore = now.addingTimeInterval(-10 * 86_400)
                case 5:
                    query.rule = "a"
                    query.severity = .medium
                default: break
                }
                queries.append(query)
            }
        }
        return queries
    }

    /// The queue of every query, paged forward and back, placed and counted, against the reference.
    static func expectQueues(_ store: CoordinatorStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for query in queries {
            let reference = try referenceQueue(store, query)
            var pages = [try store.personQueue(query, limit: 7)]
            while let next = pages.last!.next, pages.count < 100 { pages.append(try store.personQueue(query, limit: 7, after: next)) }
            let keys = pages.flatMap(\.persons).map(\.cursor)
            #expect(keys == reference.keys, "\(query)", sourceLocation: sourceLocation)
            for (index, page) in pages.enumerated() where index > 0 {
                let back = try store.personQueue(query, limit: 7, before: try #require(page.persons.first?.cursor))
                #expect(back.persons.map(\.cursor) == pages[index - 1].persons.map(\.cursor), "\(query)", sourceLocation: sourceLocation)
            }
            for index in stride(from: 0, to: reference.keys.count, by: 5) {
                #expect(try store.personsBefore(query, reference.keys[index]) == index, "\(query)", sourceLocation: sourceLocation)
            }
            #expect(try store.queueCount(query) == reference.count, "\(query)", sourceLocation: sourceLocation)
            let (conditions, arguments) = CoordinatorStore.conditions(query)
            let matching = try store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM flag WHERE \(conditions)", arguments: StatementArguments(arguments)) ?? 0
            }
            #expect(pages.flatMap(\.persons).map(\.flags.count).reduce(0, +) == matching, "\(query)", sourceLocation: sourceLocation)
        }
    }

    // MARK: tests

    @Test("after a random stream of flag changes and work the kept tables equal a computation from every flag, and the queue is as before")
    func randomStream() async throws {
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        for round in 0..<4 {
            try await Self.randomChanges(setup, persons: 40, steps: 150, seed: UInt64(round + 1))
            try Self.expectKept(setup.store, "round \(round)")
        }
        try Self.expectQueues(setup.store)
        let parked = try Self.read(setup.store) { db in
            try Row.fetchOne(
                db, sql: "SELECT count(parked = 'aside') AS aside, count(ownerName) AS owned FROM flag WHERE resolvedAt IS NULL")!
        }
        #expect((parked["aside"] as Int) > 0 && (parked["owned"] as Int) > 0, "the stream sets flags aside and gives them owners")
        // Reopened, the store has the same.
        let reopened = try CoordinatorStore(path: setup.path)
        try Self.expectKept(reopened)
    }

    @Test(
        "a batch of the engine keeps them, duplicates and due checks change nothing else, and a failed transaction leaves them as they were"
    )
    func engineBatches() async throws {
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let mix = EventMix(seed: 33)
        let events = (0..<200).flatMap { mix.history(of: $0) }.sorted { $0.time < $1.time }
        let partition = TopicPartition(topic: "t", partition: 0)
        var offset = 0
        for size in [1, 9, 60, 500, 100_000] where offset < events.count {
            let slice = events[offset..<min(offset + size, events.count)]
            try await setup.engine.process(
                slice.enumerated().map { IncomingEvent(partition: partition, offset: Int64(offset + $0), envelope: $1) })
            offset += slice.count
            try Self.expectKept(setup.store, "after \(offset) events")
        }
        #expect(try setup.store.statistics().openFlags > 0)
        try await setup.engine.runDueChecks()
        try Self.expectKept(setup.store, "after the due checks")
        let again = events.enumerated().map { IncomingEvent(partition: partition, offset: Int64($0), envelope: $1, log: "log-b") }
        #expect(try await setup.engine.process(again).duplicates == events.count)
        try Self.expectKept(setup.store, "after the duplicates")
        try Self.expectQueues(setup.store)

        // A transaction that fails after changing flags: neither the flags nor the tables move.
        struct Failure: Error {}
        let before = try Self.read(setup.store) { db in
            try ["queue_person", "queue_total", "flag_open_count", "flag_trend"].map {
                try Row.fetchAll(db, sql: "SELECT * FROM \($0)").description
            }
        }
        let open = try #require(try setup.store.openFlags(FlagQuery()).first)
        #expect(throws: Failure.self) {
            try Self.write(setup.store.pool) { db in
                try CoordinatorStore.resolveFlag(
                    open.flagId, at: Self.now.addingTimeInterval(86_400), resolution: "x", evidence: [], in: db)
                try CoordinatorStore.insertFlag(
                    FlagRow(
                        seq: 0, flagId: "x:y:0", clientRef: Self.ref(1), rule: "y", severity: .high, title: "t", explanation: "e",
                        agencies: [.fk], since: Self.now, raisedAt: Self.now), in: db)
                throw Failure()
            }
        }
        let after = try Self.read(setup.store) { db in
            try ["queue_person", "queue_total", "flag_open_count", "flag_trend"].map {
                try Row.fetchAll(db, sql: "SELECT * FROM \($0)").description
            }
        }
        #expect(after == before)
        try Self.expectKept(setup.store)
    }

    @Test("a store from before the kept tables gets them from its flags when opened")
    func migration() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("coordinator.sqlite").path
        // The flags of a random stream, written into a store of the format before (v10).
        let setup = try Self.setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        try await Self.randomChanges(setup, persons: 30, steps: 300, seed: 9)
        let columns =
            "seq, flagId, clientRef, rule, severity, title, explanation, agencies, evidence, since, raisedAt, resolvedAt, resolution, "
            + "resolvedEvidence, ownerKind, ownerName, ownerAgency, ownerPhone, parked, parkedUntil, parkedReason, nextStep, nextStepDue, workCount"
        let rows = try Self.read(setup.store) { db in try Row.fetchAll(db, sql: "SELECT \(columns) FROM flag") }
        let old = try DatabaseQueue(path: path)
        try CoordinatorStore.migrator.migrate(old, upTo: "v10-flag-work")
        try Self.write(old) { db in
            for row in rows {
                try db.execute(
                    sql: "INSERT INTO flag(\(columns)) VALUES (\(Array(repeating: "?", count: row.count).joined(separator: ",")))",
                    arguments: StatementArguments(row.databaseValues))
            }
        }
        try old.close()
        let migrated = try CoordinatorStore(path: path)
        try Self.expectKept(migrated)
        try Self.expectQueues(migrated)
        #expect(try migrated.openFlagCounts() == (try setup.store.openFlagCounts()))
    }
}

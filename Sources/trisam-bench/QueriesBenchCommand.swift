import ArgumentParser
import Foundation
import GRDB
import Logging
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamProcess

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `trisam-bench queries`: how fast a coordinator answers its coordinators with a national
/// caseload (issue 22, point 5): p50 and p99 of each page and API call the dashboard needs, on a
/// store of `--persons` people (1,000,000 by default), the store's building excluded.
struct QueriesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "Measure the coordinator's pages and API calls on a store with a million people.",
        discussion: """
            Builds a coordinator store from the realistic event mix (each person's history through \
            the engine, on a clock at --now) unless --store names one built before (--keep keeps it), \
            starts a real `trisam coordinator` on it against an embedded broker, logs in to the \
            dashboard, and asks each page and API call --samples times, one after the other. Prints \
            p50 and p99 per query and the coordinator's resident memory per person. Target (issue \
            22): p99 under 100 ms each. Run a release build.
            """
    )

    @Option(help: "People in the store that is built.")
    var persons: Int = 1_000_000

    @Option(
        help: """
            Share of the people (percent) who get the full event mix, in which most have a gap; the others \
            get only their kommun case and consent, as most people on a caseload (12 % gives about \
            100,000 open flags for 1,000,000 people).
            """)
    var mixPercent: Int = 12

    @Option(help: "Requests per query (after 3 unmeasured ones).")
    var samples: Int = 100

    @Option(help: "A store built by an earlier run (with --keep): skip the building.")
    var store: String?

    @Flag(help: "Keep the store that is built, and print where it is.")
    var keep = false

    @Option(help: "The engine's clock while building (RFC 3339): time-based rules are judged on it.")
    var now: String = "2026-12-01T08:00:00Z"

    func validate() throws {
        guard persons >= 1 else { throw ValidationError("--persons must be at least 1, got \(persons)") }
        guard (0...100).contains(mixPercent) else { throw ValidationError("--mix-percent must be between 0 and 100, got \(mixPercent)") }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
        guard CoordinatorClock.parse("fixed:\(now)") != nil else { throw ValidationError("--now must be an RFC 3339 time, got \(now)") }
    }

    func run() async throws {
        var logger = Logger(label: "trisam.bench.queries")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-bench-queries-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        let path = store ?? directory.appendingPathComponent("coordinator.sqlite").path
        printLine("trisam-bench queries: release=\(isReleaseBuild)")
        if store == nil {
            try await build(at: path, logger: logger)
            if keep { printLine("store kept at \(path)") }
        }
        let sample = try Self.sample(of: path)
        printLine("store: \(sample.persons) people, \(sample.openFlags) open flags, \(sample.fileBytes / 1_048_576) MB")

        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        for topic in Topic.all { try cluster.createTopic(topic, partitions: 3) }
        let token = "trisam-bench-queries-token"
        let port = Int.random(in: 20_000...60_000)
        let process = try ChildProcess(
            try ChildProcess.sibling(named: "trisam"),
            [
                "coordinator", "--bootstrap", cluster.bootstrapServers, "--port", String(port), "--store", path,
                "--state-dir", directory.path, "--clock", "fixed:\(now)",
            ],
            environment: [
                "LOG_LEVEL": ProcessInfo.processInfo.environment["TRISAM_BENCH_CHILD_LOG_LEVEL"] ?? "error",
                "TRISAM_COORDINATOR_TOKENS": #"[{"token":"\#(token)","name":"Bänk Samordnare","role":"samordnare"}]"#,
            ],
            standardOutput: .discard, standardError: .inherit)
        let client = BenchHTTP(port: port)
        let deadline = ContinuousClock.now + .seconds(120)
        while (try? await client.send("GET", "/health")).map({ $0.status == 200 }) != true {
            if ContinuousClock.now > deadline || !process.isRunning { throw ValidationError("the coordinator did not start") }
            try await Task.sleep(for: .milliseconds(200))
        }
        let login = try await client.send(
            "POST", "/logga-in", body: "token=\(token)&next=%2F", contentType: "application/x-www-form-urlencoded")
        guard login.status == 303, let cookie = login.headers["Set-Cookie"]?.split(separator: ";").first else {
            throw ValidationError("dashboard login failed: \(login.status)")
        }
        client.cookie = String(cookie)
        client.bearer = token
        // The session's CSRF token, which the search form posts (here as its header).
        let form = String(decoding: try await client.send("GET", "/sok").body, as: UTF8.self)
        guard let field = form.range(of: #"name="csrf" value=""#),
            let end = form[field.upperBound...].firstIndex(of: "\"")
        else { throw ValidationError("the search page has no CSRF field") }
        client.csrf = String(form[field.upperBound..<end])

        var random = SystemRandomNumberGenerator()
        let queries: [(String, @Sendable () -> (method: String, path: String, body: String?))] = [
            ("queue, first page (/)", { ("GET", "/", nil) }),
            ("queue, filtered (/?regel=\(sample.commonRule))", { ("GET", "/?regel=\(sample.commonRule)", nil) }),
            ("queue, filtered by the largest rule (/?regel=\(sample.largestRule))", { ("GET", "/?regel=\(sample.largestRule)", nil) }),
            ("queue, filtered (/?allvarlighet=medium)", { ("GET", "/?allvarlighet=medium", nil) }),
            ("queue, filtered (/?myndighet=kommun)", { ("GET", "/?myndighet=kommun", nil) }),
            ("queue, filtered (/?minstDagar=30)", { ("GET", "/?minstDagar=30", nil) }),
            ("queue, a page deep in the queue (/?efter=…, 90 %)", { ("GET", "/?efter=\(sample.deepQueueCursor)", nil) }),
            ("API flags, first page of 50", { ("GET", "/flags?limit=50", nil) }),
            ("API flags, a page deep in the queue", { ("GET", "/flags?limit=50&cursor=\(sample.deepCursor)", nil) }),
            ("API flag counts", { ("GET", "/flags/counts", nil) }),
            ("overview (/oversikt)", { ("GET", "/oversikt", nil) }),
            ("SIP calendar (/sip-kalender)", { ("GET", "/sip-kalender", nil) }),
            ("person page (/personer/…)", { ("GET", "/personer/\(sample.people.randomElement()!)", nil) }),
            ("API person", { ("GET", "/persons/\(sample.people.randomElement()!)", nil) }),
            (
                "search by reference (POST /sok)",
                { ("POST", "/sok", "referens=\(sample.people.randomElement()!.prefix(8))") }
            ),
            (
                "API search (POST /persons/search)",
                { ("POST", "/persons/search", #"{"reference":"\#(sample.people.randomElement()!.prefix(8))"}"#) }
            ),
        ]
        _ = random.next()
        printLine("query | p50 | p99 | status")
        for (name, request) in queries {
            var times: [Double] = []
            var statuses: Set<Int> = []
            for round in 0..<(samples + 3) {
                let (method, path, body) = request()
                let start = ContinuousClock.now
                let reply = try await client.send(
                    method, path, body: body,
                    contentType: path == "/sok" ? "application/x-www-form-urlencoded" : "application/json")
                let elapsed = (ContinuousClock.now - start).seconds * 1000
                statuses.insert(reply.status)
                if round >= 3 { times.append(elapsed) }
            }
            times.sort()
            let p50 = times[times.count / 2]
            let p99 = times[min(times.count - 1, Int((Double(times.count) * 0.99).rounded(.up)) - 1)]
            printLine(
                String(format: "%@ | %.1f ms | %.1f ms | %@", name, p50, p99, statuses.sorted().map(String.init).joined(separator: ",")))
        }
        if let pid = Optional(process.processIdentifier),
            let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        {
            printLine(
                String(
                    format: "coordinator RSS after the queries: %.0f MB = %.0f bytes per person", kb / 1024,
                    kb * 1024 / Double(sample.persons)))
        }
        await process.terminate(grace: .seconds(30))
    }

    /// Builds the store: every person's history through the engine, a chunk of people at a time.
    private func build(at path: String, logger: Logger) async throws {
        let clock = CoordinatorClock.parse("fixed:\(now)")!
        let store = try CoordinatorStore(path: path)
        let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: clock, metrics: CoordinatorMetrics(), logger: logger)
        let mix = EventMix(seed: 7)
        let partition = TopicPartition(topic: "t", partition: 0)
        var offset: Int64 = 0
        let started = ContinuousClock.now
        let chunk = 2_000
        for first in stride(from: 0, to: persons, by: chunk) {
            var events: [IncomingEvent] = []
            for index in first..<min(first + chunk, persons) {
                let history = mix.history(of: index)
                let quiet = history.filter { [.caseOpened, .consentGiven].contains($0.type) }
                for event in index % 100 < mixPercent ? history : quiet {
                    events.append(IncomingEvent(partition: partition, offset: offset, envelope: event))
                    offset += 1
                }
            }
            try await engine.process(events)
            while case let pending = try store.pendingOutbox(limit: 50_000), !pending.isEmpty {
                try store.removeFromOutbox(pending.map(\.seq))
            }
            if (first / chunk) % 50 == 49 {
                printLine(String(format: "  built %d people in %.0f s", first + chunk, (ContinuousClock.now - started).seconds))
            }
        }
        try await engine.runDueChecks()
        printLine(String(format: "built %d people (%d events) in %.0f s", persons, offset, (ContinuousClock.now - started).seconds))
    }

    /// What the queries need from the store: people to ask for, a rule with many flags and the
    /// rule with the most, a cursor 90 % into the flags and one 90 % into the queue by person.
    struct StoreSample: Sendable {
        var persons: Int
        var openFlags: Int
        var fileBytes: Int
        var people: [String]
        var commonRule: String
        var largestRule: String
        var deepCursor: Int64
        var deepQueueCursor: String
    }

    static func sample(of path: String) throws -> StoreSample {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            let persons = try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0
            let open = try Int.fetchOne(db, sql: "SELECT count(*) FROM flag WHERE resolvedAt IS NULL") ?? 0
            let people = try String.fetchAll(db, sql: "SELECT clientRef FROM person ORDER BY random() LIMIT 1000")
            let rule =
                try String.fetchOne(
                    db, sql: "SELECT rule FROM flag WHERE resolvedAt IS NULL GROUP BY rule ORDER BY count(*) DESC LIMIT 1 OFFSET 2")
                ?? "grey-zone"
            let cursor =
                try Int64.fetchOne(
                    db, sql: "SELECT seq FROM flag WHERE resolvedAt IS NULL ORDER BY seq LIMIT 1 OFFSET ?", arguments: [open * 9 / 10])
                ?? 0
            let largest =
                try String.fetchOne(
                    db, sql: "SELECT rule FROM flag WHERE resolvedAt IS NULL GROUP BY rule ORDER BY count(*) DESC LIMIT 1")
                ?? "grey-zone"
            // The queue's order as the dashboard shows it (flags not parked), 90 % in.
            let queued = try Int.fetchOne(db, sql: "SELECT count(DISTINCT clientRef) FROM flag WHERE resolvedAt IS NULL") ?? 0
            let deep = try Row.fetchOne(
                db,
                sql: """
                    SELECT clientRef, max(CASE severity WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END) AS rank, min(since) AS oldest
                    FROM flag WHERE resolvedAt IS NULL AND parked IS NULL GROUP BY clientRef
                    ORDER BY rank DESC, oldest, clientRef LIMIT 1 OFFSET ?
                    """, arguments: [queued * 9 / 10])
            let deepQueue = deep.map { PersonCursor(rank: $0["rank"], oldest: $0["oldest"], clientRef: $0["clientRef"]).description } ?? ""
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return StoreSample(
                persons: persons, openFlags: open, fileBytes: pages * size, people: people, commonRule: rule, largestRule: largest,
                deepCursor: cursor, deepQueueCursor: deepQueue)
        }
    }
}

/// A small HTTP/1.1 client for the benchmark: one request at a time, the session cookie and the
/// bearer token added, redirects not followed.
final class BenchHTTP: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    let port: Int
    var cookie: String?
    var bearer: String?
    var csrf: String?
    private lazy var session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)

    init(port: Int) { self.port = port }

    func send(
        _ method: String, _ path: String, body: String? = nil, contentType: String = "application/json"
    ) async throws -> (status: Int, headers: [String: String], body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("text/html,application/json", forHTTPHeaderField: "Accept")
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        // Both: the dashboard's pages read the cookie, the JSON API the bearer token.
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        if let csrf, method == "POST" { request.setValue(csrf, forHTTPHeaderField: "X-CSRF-Token") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields { headers["\(name)"] = "\(value)" }
        return (http.statusCode, headers, data)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

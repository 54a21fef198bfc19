import ArgumentParser
import Dispatch
import Foundation
import Logging
import Synchronization
import TrisamContracts
import TrisamKafka
import TrisamProcess

#if canImport(Glibc)
    import Glibc
#endif

/// `trisam-bench agency`: status changes accepted per second by one real agency service with
/// its durable outbox, the time to accept (p50/p99) and the time until each event is on Kafka.
struct AgencyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Throughput and latency of one agency service: status changes accepted, and until on Kafka.",
        discussion: """
            Starts an in-process embedded broker (or uses --bootstrap) and a `trisam agency` process \
            with a fresh store (or uses --url with --token), registers --persons people with a \
            samordning consent, then lets --clients concurrent HTTP/1.1 keep-alive clients post \
            status changes for --seconds. A consumer of the agency's status topic matches event ids, \
            so "on Kafka" is the moment the event was consumed back. Latencies are measured from \
            the first byte of the request sent. Target on a 2-core machine: 2,000 accepted \
            changes/s or more, p99 accept under 20 ms. Build with -c release for meaningful figures.
            """
    )

    @Option(help: "The agency to benchmark: kommun, af, fk or region.")
    var agency: String = "af"

    @Option(help: "Concurrent HTTP clients (one keep-alive connection each).")
    var clients: Int = 16

    @Option(help: "Seconds of load after one second of warm-up.")
    var seconds: Double = 10

    @Option(help: "People the status changes are spread over.")
    var persons: Int = 200

    @Option(help: "Brokers of the in-process embedded cluster (ignored with --bootstrap).")
    var brokers: Int = 3

    @Option(help: "Partitions per Trisam topic of the in-process cluster.")
    var partitions: Int = 12

    @Option(
        help: ArgumentHelp("Use this Kafka cluster instead of an in-process embedded one (Trisam topics must exist).", valueName: "servers")
    )
    var bootstrap: String?

    @Option(
        help: ArgumentHelp("Use this running agency service instead of starting one (needs --token and --bootstrap).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("A bearer token of the agency, with --url.", valueName: "token"))
    var token: String?

    func validate() throws {
        guard Agency(rawValue: agency) != nil else {
            throw ValidationError("--agency must be one of \(Agency.allowedCodes), got \"\(agency)\"")
        }
        guard (1...512).contains(clients) else { throw ValidationError("--clients must be between 1 and 512, got \(clients)") }
        guard seconds >= 1, seconds <= 600 else { throw ValidationError("--seconds must be between 1 and 600, got \(seconds)") }
        guard (1...100_000).contains(persons) else { throw ValidationError("--persons must be between 1 and 100000, got \(persons)") }
        if url != nil, token == nil || bootstrap == nil { throw ValidationError("--url needs --token and --bootstrap") }
    }

    func run() async throws {
        let agency = Agency(rawValue: agency)!
        var logger = Logger(label: "trisam.bench.agency")
        logger.logLevel = .error

        // The broker.
        var cluster: EmbeddedKafkaCluster?
        let servers: String
        if let bootstrap {
            servers = bootstrap
        } else {
            let embedded = try EmbeddedKafkaCluster(brokers: brokers, logger: logger)
            for topic in Topic.all { try embedded.createTopic(topic, partitions: partitions, replicationFactor: min(3, brokers)) }
            cluster = embedded
            servers = embedded.bootstrapServers
        }
        defer { cluster?.shutdown() }

        // The service.
        var service: AgencyBench.ServiceProcess?
        let endpoint: (port: Int, token: String)
        if let url {
            guard let components = URLComponents(string: url), let port = components.port,
                components.host == "127.0.0.1" || components.host == "localhost"
            else {
                throw ValidationError("--url must be http://127.0.0.1:PORT")
            }
            endpoint = (port, token!)
        } else {
            let started = try await AgencyBench.ServiceProcess(agency: agency, bootstrap: servers)
            service = started
            endpoint = (started.port, started.token)
        }
        defer { service?.stop() }
        printLine(
            "agency benchmark: \(agency.rawValue) service on 127.0.0.1:\(endpoint.port), "
                + (bootstrap == nil ? "in-process embedded cluster (\(brokers) brokers, \(partitions) partitions)" : servers)
                + ", \(clients) clients, \(persons) people, \(Int(seconds)) s")

        // People with consent.
        let setup = try AgencyBench.Connection(port: endpoint.port, token: endpoint.token)
        var refs: [String] = []
        for index in 0..<persons {
            let person = try setup.post("/persons", #"{"personnummer":"\#(AgencyBench.personnummer(index))"}"#)
            guard person.status == 200 || person.status == 201, let ref = AgencyBench.field("clientRef", in: person.body) else {
                throw ValidationError("registering a person failed: \(person.status) \(String(decoding: person.body, as: UTF8.self))")
            }
            let others = Agency.allCases.filter { $0 != agency }.map { "\"\($0.rawValue)\"" }.joined(separator: ",")
            let consent = try setup.post(
                "/persons/\(ref)/consents",
                #"{"purpose":"samordning","agencies":["\#(agency.rawValue)",\#(others)],"validUntil":"\#(AgencyBench.day(offset: 700))","givenOn":"\#(AgencyBench.day(offset: -1))"}"#
            )
            guard consent.status == 201 else {
                throw ValidationError("recording consent failed: \(consent.status) \(String(decoding: consent.body, as: UTF8.self))")
            }
            refs.append(ref)
        }
        setup.close()

        // The consumer that sees events arrive on the status topic.
        let arrivals = AgencyBench.Arrivals()
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(
                bootstrapServers: servers, properties: ["auto.offset.reset": "latest", "fetch.wait.max.ms": "10"]),
            groupID: "trisam-bench-\(UUID().uuidString.prefix(8).lowercased())", topics: [Topic.status(agency)], logger: logger)
        let consuming = Task {
            for try await message in consumer.messages {
                if let id = message.header("ce_id") { arrivals.record(id, at: AgencyBench.now()) }
            }
        }
        let joinDeadline = ContinuousClock.now + .seconds(30)
        while consumer.assignment.isEmpty {
            guard ContinuousClock.now < joinDeadline else { throw ValidationError("the benchmark consumer did not join its group") }
            try await Task.sleep(for: .milliseconds(100))
        }

        // Load: warm-up, then the measured window.
        let body = AgencyBench.statusBody(agency)
        let load = AgencyBench.Load(port: endpoint.port, token: endpoint.token, refs: refs, body: body, clients: clients)
        _ = try await load.run(seconds: 1)
        let result = try await load.run(seconds: seconds)

        // Wait for every accepted event on Kafka.
        let accepted = result.samples
        let deadline = ContinuousClock.now + .seconds(120)
        while arrivals.count(of: accepted.map(\.eventID)) < accepted.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        consuming.cancel()
        await consumer.close()

        let acceptMs = accepted.map { Double($0.answered - $0.sent) / 1e6 }.sorted()
        let seen = arrivals.snapshot()
        var kafkaMs: [Double] = []
        var afterAcceptMs: [Double] = []
        for sample in accepted {
            if let at = seen[sample.eventID] {
                kafkaMs.append(Double(Int64(at) - Int64(sample.sent)) / 1e6)
                afterAcceptMs.append(Double(Int64(at) - Int64(sample.answered)) / 1e6)
            }
        }
        kafkaMs.sort()
        afterAcceptMs.sort()
        let rate = Double(accepted.count) / result.elapsed
        printLine(
            String(
                format: "accepted: %d status changes in %.2f s = %.0f accepted changes/s (refused or failed: %d)",
                accepted.count, result.elapsed, rate, result.failures))
        if let failure = result.firstFailure { printLine("  first failure: \(failure)") }
        printLine(
            String(
                format: "accept latency: p50 %.2f ms · p99 %.2f ms · max %.2f ms",
                AgencyBench.percentile(acceptMs, 0.50), AgencyBench.percentile(acceptMs, 0.99), acceptMs.last ?? 0))
        printLine(
            String(
                format:
                    "until on Kafka (from request sent): p50 %.2f ms · p99 %.2f ms · max %.2f ms; after the answer: p50 %.2f ms · p99 %.2f ms",
                AgencyBench.percentile(kafkaMs, 0.50), AgencyBench.percentile(kafkaMs, 0.99), kafkaMs.last ?? 0,
                AgencyBench.percentile(afterAcceptMs, 0.50), AgencyBench.percentile(afterAcceptMs, 0.99)))
        printLine(
            "on Kafka: \(kafkaMs.count) of \(accepted.count) accepted events consumed back"
                + (kafkaMs.count == accepted.count ? "" : " (MISSING \(accepted.count - kafkaMs.count) after 120 s)"))
        let met = rate >= 2000 && AgencyBench.percentile(acceptMs, 0.99) < 20 && kafkaMs.count == accepted.count
        printLine("target (≥ 2,000 accepted/s, p99 accept < 20 ms, every event on Kafka): \(met ? "met" : "MISSED")")
    }
}

/// The parts of `trisam-bench agency`.
enum AgencyBench {
    /// Monotonic nanoseconds (CLOCK_MONOTONIC), the same clock for requests and arrivals.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((Double(sorted.count) * p).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    /// A valid personnummer (Luhn check digit) for person `index`.
    static func personnummer(_ index: Int) -> String {
        let year = 1960 + index % 50
        let month = 1 + (index / 50) % 12
        let day = 1 + (index / 600) % 28
        let serial = 100 + (index / 16_800) % 900
        let digits = Array(String(format: "%02d%02d%02d%03d", year % 100, month, day, serial))
        var sum = 0
        for (offset, character) in digits.enumerated() {
            var value = character.wholeNumberValue! * (offset % 2 == 0 ? 2 : 1)
            if value > 9 { value -= 9 }
            sum += value
        }
        return String(format: "%04d%02d%02d-%03d%d", year, month, day, serial, (10 - sum % 10) % 10)
    }

    /// The date `offset` days from today in Sweden, YYYY-MM-DD.
    static func day(offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? .current
        let date = calendar.date(byAdding: .day, value: offset, to: Date())!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// A typical status change of the agency's own vocabulary.
    static func statusBody(_ agency: Agency) -> String {
        let yesterday = day(offset: -1)
        switch agency {
        case .af: return #"{"type":"af.registered","payload":{"registeredOn":"\#(yesterday)","workCapacityPercent":50}}"#
        case .kommun:
            return
                #"{"type":"kommun.bistand.decided","payload":{"decision":"granted","effectiveDate":"\#(yesterday)","month":"\#(yesterday.prefix(7))"}}"#
        case .fk: return #"{"type":"fk.sgi.status","payload":{"status":"lacking","effectiveDate":"\#(yesterday)"}}"#
        case .region:
            return #"{"type":"region.treatment.status","payload":{"status":"ongoing","unit":"psykiatri","effectiveDate":"\#(yesterday)"}}"#
        }
    }

    /// A top-level string field of a JSON object body.
    static func field(_ name: String, in body: [UInt8]) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?[name] as? String
    }

    /// One accepted request.
    struct Sample: Sendable {
        var eventID: String
        var sent: UInt64
        var answered: UInt64
    }

    /// When each event id was consumed back.
    final class Arrivals: Sendable {
        private let seen = Mutex<[String: UInt64]>([:])
        func record(_ id: String, at time: UInt64) { seen.withLock { if $0[id] == nil { $0[id] = time } } }
        func count(of ids: [String]) -> Int { seen.withLock { seen in ids.reduce(0) { $0 + (seen[$1] == nil ? 0 : 1) } } }
        func snapshot() -> [String: UInt64] { seen.withLock { $0 } }
    }

    /// Concurrent clients on their own threads (blocking sockets: no scheduler in the latency).
    struct Load: Sendable {
        let port: Int
        let token: String
        let refs: [String]
        let body: String
        let clients: Int

        struct Result: Sendable {
            var samples: [Sample] = []
            var failures = 0
            var firstFailure: String?
            var elapsed: Double = 0
        }

        func run(seconds: Double) async throws -> Result {
            let results = Mutex(Result())
            let start = AgencyBench.now()
            let end = start + UInt64(seconds * 1e9)
            let body = Array(self.body.utf8)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let remaining = Atomic<Int>(clients)
                for client in 0..<clients {
                    let thread = Thread { [self] in
                        var local = Result()
                        var connection: Connection?
                        var index = client
                        while AgencyBench.now() < end {
                            let ref = refs[index % refs.count]
                            index += clients
                            do {
                                if connection == nil { connection = try Connection(port: port, token: token) }
                                let sent = AgencyBench.now()
                                let response = try connection!.request("POST", "/persons/\(ref)/statuses", body: body)
                                let answered = AgencyBench.now()
                                if response.status == 202, let id = AgencyBench.field("eventId", in: response.body) {
                                    local.samples.append(Sample(eventID: id, sent: sent, answered: answered))
                                } else {
                                    local.failures += 1
                                    if local.firstFailure == nil {
                                        local.firstFailure =
                                            "\(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))"
                                    }
                                }
                            } catch {
                                local.failures += 1
                                if local.firstFailure == nil { local.firstFailure = "\(error)" }
                                connection?.close()
                                connection = nil
                            }
                        }
                        connection?.close()
                        results.withLock {
                            $0.samples += local.samples
                            $0.failures += local.failures
                            if $0.firstFailure == nil { $0.firstFailure = local.firstFailure }
                        }
                        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { continuation.resume() }
                    }
                    thread.start()
                }
            }
            var result = results.withLock { $0 }
            result.elapsed = Double(AgencyBench.now() - start) / 1e9
            return result
        }
    }

    struct HTTPError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A minimal HTTP/1.1 keep-alive client over a blocking TCP socket to 127.0.0.1.
    final class Connection {
        private let fd: Int32
        private let port: Int
        private let token: String
        private var buffer: [UInt8] = []

        init(port: Int, token: String) throws {
            self.port = port
            self.token = token
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw HTTPError("socket() failed") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                Glibc.close(fd)
                throw HTTPError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }

        func close() { Glibc.close(fd) }

        func post(_ path: String, _ json: String) throws -> (status: Int, body: [UInt8]) {
            try request("POST", path, body: Array(json.utf8))
        }

        func request(_ method: String, _ path: String, body: [UInt8]) throws -> (status: Int, body: [UInt8]) {
            var message = Array(
                "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                    .utf8)
            message += body
            var offset = 0
            while offset < message.count {
                let written = message.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { throw HTTPError("send failed: errno \(errno)") }
                offset += written
            }
            // Head.
            var headEnd: Int?
            while true {
                if let end = Self.find([13, 10, 13, 10], in: buffer) {
                    headEnd = end
                    break
                }
                try fill()
            }
            let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
            buffer.removeFirst(headEnd! + 4)
            let lines = head.split(separator: "\r\n")
            guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
                let status = Int(statusLine.dropFirst(9).prefix(3))
            else { throw HTTPError("bad status line: \(lines.first ?? "")") }
            var length: Int?
            var chunked = false
            for line in lines.dropFirst() {
                let lower = line.lowercased()
                if lower.hasPrefix("content-length:") { length = Int(lower.dropFirst(15).trimmingCharacters(in: .whitespaces)) }
                if lower.hasPrefix("transfer-encoding:") && lower.contains("chunked") { chunked = true }
            }
            // Body.
            var body: [UInt8] = []
            if chunked {
                while true {
                    var lineEnd: Int?
                    while true {
                        if let end = Self.find([13, 10], in: buffer) {
                            lineEnd = end
                            break
                        }
                        try fill()
                    }
                    let size = Int(String(decoding: buffer[..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? "", radix: 16) ?? 0
                    buffer.removeFirst(lineEnd! + 2)
                    while buffer.count < size + 2 { try fill() }
                    body += buffer[..<size]
                    buffer.removeFirst(size + 2)
                    if size == 0 { break }
                }
            } else {
                let count = length ?? 0
                while buffer.count < count { try fill() }
                body = Array(buffer[..<count])
                buffer.removeFirst(count)
            }
            return (status, body)
        }

        private func fill() throws {
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            guard received > 0 else { throw HTTPError(received == 0 ? "the service closed the connection" : "recv failed: errno \(errno)") }
            buffer += chunk[..<received]
        }

        private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
                if Array(haystack[index..<(index + needle.count)]) == needle { return index }
            }
            return nil
        }
    }

    /// A `trisam agency` child process (from the build folder of this executable) with a fresh
    /// store and a generated token.
    final class ServiceProcess {
        let process: ChildProcess
        let directory: URL
        let port: Int
        let token: String

        init(agency: Agency, bootstrap: String) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-bench-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            token = "bench-\(UUID().uuidString.lowercased())"
            let tokens = directory.appendingPathComponent("tokens.json")
            try Data(#"[{"token":"\#(token)","agency":"\#(agency.rawValue)","name":"Bench","role":"handlaggare"}]"#.utf8).write(to: tokens)
            let log = directory.appendingPathComponent("agency.log")
            let executable = try ChildProcess.sibling(named: "trisam")
            var secret = ""
            for _ in 0..<32 { secret += String(format: "%02x", UInt8.random(in: 0...255)) }
            process = try ChildProcess(
                executable,
                [
                    "agency", "--name", agency.rawValue, "--port", "0", "--host", "127.0.0.1",
                    "--tokens-file", tokens.path, "--bootstrap", bootstrap,
                    "--state-dir", directory.appendingPathComponent("state").path, "--log-level", "warning",
                    // The development register key and key pairs: the benchmark's people are made up.
                    "--dev-secret",
                ],
                environment: ["TRISAM_CLIENTREF_SECRET": secret], standardOutput: .file(log), standardError: .file(log))
            let line: Substring
            do {
                line = try await process.waitForLine(limit: .seconds(60)) { $0.contains("listening on http://127.0.0.1:") }
            } catch let error as ChildProcessError {
                throw ValidationError("trisam agency: \(error.description)")
            }
            guard let found = Int(line.split(separator: ":").last ?? "") else { throw ValidationError("trisam agency: no port in \(line)") }
            port = found
        }

        /// SIGTERM, wait, remove the temporary store.
        func stop() {
            process.terminateBlocking(grace: .seconds(60))
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

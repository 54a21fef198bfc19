import ArgumentParser
import Foundation
import TrisamContracts
import TrisamSimulator

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `trisam simulate`: creates a realistic population through the agency services' real HTTP APIs.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Drive the agency services' HTTP APIs with a realistic population (deterministic per seed).",
        discussion: """
            Sizes and shares follow Timrå 2019 (001:L672–688): 286 people by default, 42 % at AF, \
            36 % sick-listed, 52 % without a measure. The first --per-failure-mode × \(FailureMode.allCases.count) \
            people each carry one failure mode of the coordinator's rules (\(FailureMode.allCases.map { $0.rawValue }.joined(separator: ", "))). \
            The same seed, size and --today give the same people and requests. Agency services are \
            found at --base-port + 1…4 (kommun, af, fk, region) with the demo tokens of `trisam dev` \
            unless --tokens names others.
            """
    )

    @Option(help: "Seed of the population.")
    var seed: UInt64 = 2019

    @Option(help: "Number of people.")
    var people: Int = 286

    @Option(help: "People per built-in failure mode.")
    var perFailureMode: Int = 3

    @Option(help: ArgumentHelp("The simulation's today, YYYY-MM-DD (default: today in Europe/Stockholm).", valueName: "date"))
    var today: String?

    @Option(help: "Port of the coordinator in `trisam dev`; the agency services are on the next four ports.")
    var basePort: Int = 8080

    @Option(help: ArgumentHelp("Staff tokens as agency=token,… (default: the demo tokens of `trisam dev`).", valueName: "list"))
    var tokens: String?

    @Option(help: "People simulated at the same time.")
    var concurrency: Int = 8

    @Option(
        help: ArgumentHelp(
            "Afterwards, move the coordinator's clock this many days past --today (needs `trisam dev --controllable-clock` or a coordinator started with --clock fixed:…), so that time-based flags appear.",
            valueName: "days"))
    var advanceDays: Int?

    @Option(help: "Coordinator token for --advance-days (default: the demo token of `trisam dev`).")
    var coordinatorToken: String = "trisam-demo-token-samordnare"

    func validate() throws {
        guard (1...1_000_000).contains(people) else { throw ValidationError("--people must be between 1 and 1000000, got \(people)") }
        guard (0...100).contains(perFailureMode) else {
            throw ValidationError("--per-failure-mode must be between 0 and 100, got \(perFailureMode)")
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64, got \(concurrency)") }
        if let advanceDays, !(1...3650).contains(advanceDays) {
            throw ValidationError("--advance-days must be between 1 and 3650, got \(advanceDays)")
        }
        if let today, LocalDate(today) == nil { throw ValidationError("--today must be a date YYYY-MM-DD, got \"\(today)\"") }
        _ = try tokenMap()
    }

    func run() async throws {
        let date = today.flatMap(LocalDate.init) ?? Self.stockholmToday()
        let tokenMap = try tokenMap()
        var endpoints: [Agency: AgencyEndpoint] = [:]
        for (index, agency) in Agency.allCases.enumerated() {
            endpoints[agency] = AgencyEndpoint(
                baseURL: URL(string: "http://127.0.0.1:\(basePort + 1 + index)")!,
                token: tokenMap[agency] ?? "trisam-demo-token-\(agency.rawValue)")
        }
        let population = PopulationGenerator(seed: seed, size: people, today: date, perFailureMode: perFailureMode).generate()
        let steps = population.reduce(0) { $0 + $1.steps.count }
        printLine("trisam simulate: \(population.count) people, \(steps) requests, seed \(seed), today \(date)")
        let driver = SimulationDriver(endpoints: endpoints, concurrency: concurrency)
        let total = population.count
        let report = await driver.run(
            population,
            progress: { done in
                if done % 50 == 0 || done == total { printLine("  \(done)/\(total) people") }
            })
        printLine(
            String(
                format: "trisam simulate: %d people, %d requests (%d waited for another agency's event) in %.1f s",
                report.people, report.requests, report.retried, report.seconds))
        if let advanceDays {
            try await advanceCoordinatorClock(to: date.adding(days: advanceDays))
        }
        if !report.failures.isEmpty {
            printLine("\(report.failures.count) step(s) refused:")
            for failure in report.failures.prefix(20) { printLine("  \(failure)") }
            throw ExitCode(1)
        }
    }

    /// Moves the coordinator's controllable clock to noon (Stockholm) of `day` and reports what it raised.
    private func advanceCoordinatorClock(to day: LocalDate) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm")!
        let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(basePort)/admin/clock")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(coordinatorToken)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("{\"now\":\"\(Timestamp.format(noon))\"}".utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let text = String(decoding: data, as: UTF8.self)
        guard status == 200 else {
            throw ValidationError("the coordinator refused to move its clock (\(status)): \(text)")
        }
        printLine("trisam simulate: coordinator clock moved to \(day): \(text)")
    }

    private func tokenMap() throws -> [Agency: String] {
        guard let tokens else { return [:] }
        var map: [Agency: String] = [:]
        for item in tokens.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let agency = Agency(rawValue: parts[0]), !parts[1].isEmpty else {
                throw ValidationError("--tokens expects agency=token,… with agencies \(Agency.allowedCodes); got \"\(item)\"")
            }
            map[agency] = parts[1]
        }
        return map
    }

    /// Today's date in Europe/Stockholm.
    static func stockholmToday() -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}

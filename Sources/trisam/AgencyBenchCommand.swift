import ArgumentParser

/// `trisam bench agency`: placeholder until the agency service lands (issue 3).
struct AgencyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agency", abstract: "Benchmark one agency service.")
    func run() async throws { throw ValidationError("not yet implemented") }
}

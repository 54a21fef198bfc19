import ArgumentParser

/// `trisam bench coordinator`: placeholder until the coordinator lands (issue 4).
struct CoordinatorBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "coordinator", abstract: "Benchmark the coordinator.")
    func run() async throws { throw ValidationError("not yet implemented") }
}

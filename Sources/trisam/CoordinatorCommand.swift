import ArgumentParser

/// `trisam coordinator`: placeholder until the coordinator lands (issue 4).
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "coordinator", abstract: "Run the coordinator.")
    func run() async throws { throw ValidationError("not yet implemented") }
}

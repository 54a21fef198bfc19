import ArgumentParser

/// `trisam agency --name <agency>`: placeholder until the agency service lands (issue 3).
struct AgencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agency", abstract: "Run one agency's service.")
    func run() async throws { throw ValidationError("not yet implemented") }
}

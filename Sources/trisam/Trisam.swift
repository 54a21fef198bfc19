import ArgumentParser
import TrisamProcess

/// The `trisam` command: one executable whose subcommands start each role.
@main
struct Trisam: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trisam",
        abstract: "Trisam: coordination between kommun, Arbetsförmedlingen, Försäkringskassan and the region over Kafka.",
        subcommands: [
            BrokerCommand.self, AgencyCommand.self, CoordinatorCommand.self, DevCommand.self, SimulateCommand.self, TopicsCommand.self,
            KeysCommand.self,
        ]
    )

    /// Parses and runs the subcommand; first, a process started by ``ChildProcess`` (by `trisam
    /// dev`, a benchmark or a test) watches that its parent lives (``ParentWatch``).
    static func main() async {
        ParentWatch.startIfAsked()
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

import ArgumentParser

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
}

import ArgumentParser

/// `trisam bench`: benchmarks that print figures (speed targets live here, not in tests).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and latency.",
        subcommands: [KafkaBenchCommand.self, AgencyBenchCommand.self, CoordinatorBenchCommand.self, DecodeBenchCommand.self,
                      EncodeBenchCommand.self, EngineBenchCommand.self]
    )
}

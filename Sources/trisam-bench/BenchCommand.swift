import ArgumentParser

/// `trisam-bench`: benchmarks that print figures (speed targets live here, not in tests). Not part
/// of the product: the roles it measures as processes are started from the `trisam` executable
/// built beside it.
@main
struct TrisamBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trisam-bench",
        abstract: "Measure Trisam's throughput and latency (see Sources/trisam-bench/README.md).",
        subcommands: [
            KafkaBenchCommand.self, AgencyBenchCommand.self, CoordinatorBenchCommand.self, DecodeBenchCommand.self,
            EncodeBenchCommand.self, EngineBenchCommand.self, QueriesBenchCommand.self, StorageBenchCommand.self,
        ]
    )
}

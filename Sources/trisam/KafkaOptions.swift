import ArgumentParser
import Foundation
import TrisamKafka

/// How a role finds and talks to Kafka. Each option falls back to an environment variable, and
/// the bootstrap address finally to the file the embedded broker writes.
struct KafkaOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Kafka bootstrap servers (host:port,…). Default: $TRISAM_BOOTSTRAP, else the file written by `trisam broker`.",
            valueName: "servers"))
    var bootstrap: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A librdkafka properties file (key=value lines), e.g. for TLS/SASL. Default: $TRISAM_KAFKA_CONFIG.", valueName: "file"))
    var kafkaConfig: String?

    @Option(
        name: .customLong("kafka-property"),
        help: ArgumentHelp("A librdkafka property, key=value; repeatable; wins over the file.", valueName: "key=value"))
    var kafkaProperties: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("Folder for local state (bootstrap file, stores). Default: $TRISAM_STATE_DIR or .trisam", valueName: "dir"))
    var stateDir: String?

    /// The state folder, resolved.
    var resolvedStateDir: String {
        stateDir ?? ProcessInfo.processInfo.environment["TRISAM_STATE_DIR"] ?? ".trisam"
    }

    /// Where the embedded broker writes its bootstrap address.
    var bootstrapFile: String { BootstrapFile.path(stateDir: resolvedStateDir) }

    /// The client configuration these options describe.
    func configuration() throws -> KafkaConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var properties: [String: String] = [:]
        if let file = kafkaConfig ?? environment["TRISAM_KAFKA_CONFIG"] {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("cannot read Kafka properties file \(file): \(error.localizedDescription)")
            }
            properties = try KafkaConfiguration.parseProperties(text)
        }
        for property in kafkaProperties {
            guard let separator = property.firstIndex(of: "="), separator != property.startIndex else {
                throw ValidationError("--kafka-property expects key=value, got \"\(property)\"")
            }
            properties[String(property[..<separator])] = String(property[property.index(after: separator)...])
        }
        let servers = try bootstrap ?? environment["TRISAM_BOOTSTRAP"] ?? properties["bootstrap.servers"] ?? readBootstrapFile()
        return KafkaConfiguration(bootstrapServers: servers, properties: properties)
    }

    private func readBootstrapFile() throws -> String {
        guard let servers = BootstrapFile.read(stateDir: resolvedStateDir) else {
            throw ValidationError(
                "no Kafka bootstrap servers: pass --bootstrap, set TRISAM_BOOTSTRAP, or start `trisam broker` (which writes \(bootstrapFile))"
            )
        }
        return servers
    }
}

/// The file through which the embedded broker tells the other roles where it listens.
enum BootstrapFile {
    static func path(stateDir: String) -> String { (stateDir as NSString).appendingPathComponent("bootstrap") }

    static func read(stateDir: String) -> String? {
        guard let text = try? String(contentsOfFile: path(stateDir: stateDir), encoding: .utf8) else { return nil }
        let servers = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return servers.isEmpty ? nil : servers
    }

    /// Writes atomically (temporary file + rename), creating the folder.
    static func write(_ servers: String, stateDir: String) throws {
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        try Data((servers + "\n").utf8).write(to: URL(fileURLWithPath: path(stateDir: stateDir)), options: .atomic)
    }

    /// Removes the file if it still names `servers` (another broker may have replaced it).
    static func remove(ifNaming servers: String, stateDir: String) {
        if read(stateDir: stateDir) == servers {
            try? FileManager.default.removeItem(atPath: path(stateDir: stateDir))
        }
    }
}

import Foundation
import Testing
import TrisamContracts
import TrisamCoordinator
import TrisamFixtures
import TrisamKafka
import TrisamRandom
import TrisamTestSupport

/// Exactly-once effect: a coordinator killed with SIGKILL at random moments and restarted on
/// its store ends with the same states, flags and flag events as one that ran without
/// interruption over the same stream.
@Suite("coordinator restart digest", .serialized)
struct RestartDigestTests {
    @Test("kill -9 at random moments during a stream, restart, same digest as an uninterrupted run")
    func killAndRestart() async throws {
        let persons = 250
        let mix = EventMix(seed: 11)
        let histories = (0..<persons).map { mix.history(of: $0) }
        let waves = histories.map(\.count).max() ?? 0
        let total = histories.reduce(0) { $0 + $1.count }
        #expect(total >= 2_000, "a few thousand events")

        let chaos = try CoordinatorHarness(partitions: 4)
        let referenceStore = chaos.directory.appendingPathComponent("reference.sqlite").path
        let reference = CoordinatorHarness.Companion(of: chaos, store: referenceStore, group: "reference-\(UUID().uuidString.prefix(6))")
        let flags = try FlagListener(cluster: chaos.cluster)
        var random = SeededRandom(seed: chaosSeed("kill -9 of the coordinator at random moments"))
        var kills = 0
        do {
            try await chaos.start()
            try await reference.start()
            // One event per person per wave: within a wave the order across topics cannot matter.
            var published = 0
            for wave in 0..<waves {
                let events = histories.compactMap { $0.count > wave ? $0[wave] : nil }
                try await chaos.publish(events)
                published += events.count
                // Kill at a random moment while a wave is being processed (up to four times; each restart
                // waits for the group to drop the dead member).
                if kills < 4 && (random.chance(0.3) || (kills == 0 && wave == waves / 2)) {
                    try await Task.sleep(for: .milliseconds(Int(random.next() % 400)))
                    try await chaos.kill()
                    kills += 1
                    try await chaos.start()
                }
                let expected = published
                try await eventually("wave \(wave): both coordinators stored \(expected) events", limit: .seconds(60)) {
                    let a = try await chaos.eventsSeen()
                    let b = try await reference.eventsSeen()
                    return a == expected && b == expected
                }
            }
            #expect(kills >= 1)
            try await eventually("both outboxes are drained") {
                let a = try await chaos.anonymous.get("/health").json()["outbox"] as? Int
                let b = try await reference.anonymous.get("/health").json()["outbox"] as? Int
                return a == 0 && b == 0
            }
            #expect(try await chaos.stop() == 0)
            #expect(try await reference.stop() == 0)

            let chaosStore = try CoordinatorStore(path: chaos.storePath)
            let referenceDB = try CoordinatorStore(path: referenceStore)
            let chaosStats = try chaosStore.statistics()
            #expect(chaosStats.eventsSeen == total)
            #expect(chaosStats.persons == persons)
            #expect(try chaosStore.digest() == referenceDB.digest(), "states, open flags and flags by id agree after \(kills) kills")
            let counts = try chaosStore.openFlagCounts()
            #expect(counts.values.reduce(0, +) > 0, "the stream raises flags, so the comparison covers them")
            // Every flag event the store knows was published (ids; duplicates after a crash are allowed).
            let flagEventIds = Set(flags.events.map(\.id))
            let expectedIds = try chaosStore.flagEventIds()
            try await eventually("every flag event is on trisam.flags") { expectedIds.isSubset(of: Set(flags.events.map(\.id))) }
            #expect(!flagEventIds.isEmpty)
        } catch {
            Issue.record("chaos output:\n\(chaos.output)\nreference output:\n\(reference.output)")
            try? await reference.kill()
            await flags.close()
            await chaos.cleanUp()
            throw error
        }
        await flags.close()
        await chaos.cleanUp()
    }
}

extension CoordinatorHarness {
    /// A second coordinator process on the same broker with its own store and consumer group.
    final class Companion: @unchecked Sendable {
        let main: CoordinatorHarness
        let store: String
        let group: String
        private(set) var process: ChildProcess?
        private(set) var port = 0

        init(of main: CoordinatorHarness, store: String, group: String) {
            self.main = main
            self.store = store
            self.group = group
        }

        func start() async throws {
            port = try freeLoopbackPort()
            var arguments = [
                "coordinator", "--bootstrap", main.cluster.bootstrapServers, "--port", String(port),
                "--store", store, "--tokens-file", main.tokensPath, "--clock", main.clock, "--group", group,
                "--state-dir", main.directory.appendingPathComponent("state").path,
            ]
            for (key, value) in fastGroupProperties { arguments += ["--kafka-property", "\(key)=\(value)"] }
            process = try ChildProcess(try trisamExecutable(), arguments, directory: main.directory, environment: ["LOG_LEVEL": "warning"])
            try await anonymous.waitUntilServing("/health", limit: .seconds(30))
        }

        var anonymous: HTTPTestClient { HTTPTestClient(port: port) }
        var output: String { process?.output ?? "" }

        func eventsSeen() async throws -> Int {
            (try await anonymous.get("/health").json()["eventsSeen"] as? Int) ?? -1
        }

        func kill() async throws { try await process?.kill() }

        func stop() async throws -> Int32 {
            defer { process = nil }
            return try await process?.stop() ?? 0
        }
    }
}

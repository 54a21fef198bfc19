import Foundation
import Testing
import TrisamBus
import TrisamContracts
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

/// The acting agency hears of the flags that name it (issue 21): a real `trisam agency --name fk`
/// and a real `trisam coordinator` on an embedded broker. FK keeps the flags naming it for people
/// whose samordning consent covers FK, lists them, and its staff take one; the coordinator
/// records it as assigned to them and says so on `trisam.flags`.
@Suite("Flags at the acting agency across real processes", .serialized)
struct AgencyFlagsEndToEndTests {
    @Test("FK lists the flag naming it only under consent, takes it, and the coordinator shows it taken")
    func takeAtTheAgency() async throws {
        let system = try SystemFixture()
        do {
            try await run(system)
        } catch {
            Issue.record("process output:\n\(system.output)")
            await system.cleanUp()
            throw error
        }
        await system.cleanUp()
    }

    func run(_ system: SystemFixture) async throws {
        let clock = "2026-11-24T09:00:00Z"
        let today = LocalDate("2026-11-24")!
        try await system.startAgency(.fk, clock: clock)
        try await system.startCoordinator(clock: clock)
        let producer = try KafkaProducer(configuration: system.cluster.clientConfiguration, logger: testLogger("producer"))
        let publisher = EventPublisher(producer: producer)
        let fk = system.client(.fk)

        // One person with samordning consent covering FK, one without: both fall in the grey zone.
        let covered = TestEvent.newClientRef()
        let uncovered = TestEvent.newClientRef()
        try await publisher.publish([
            EventEnvelope(
                id: "consent-covered", source: .agency(.kommun), time: Date(), subject: covered,
                event: .consentGiven(
                    ConsentGiven(
                        consentId: "c1", purpose: .samordning, agencies: [.kommun, .fk, .region], validUntil: LocalDate("2027-11-24")!,
                        givenOn: LocalDate("2026-11-01")!))),
            EventEnvelope(
                id: "consent-other", source: .agency(.kommun), time: Date(), subject: uncovered,
                event: .consentGiven(
                    ConsentGiven(
                        consentId: "c2", purpose: .samordning, agencies: [.kommun, .region], validUntil: LocalDate("2027-11-24")!,
                        givenOn: LocalDate("2026-11-01")!))),
        ])
        try await publisher.publish(
            FlagScenarios.greyZone(ref: covered, idPrefix: "af1", today: today)
                + FlagScenarios.greyZone(ref: uncovered, idPrefix: "af2", today: today))
        var flag: [String: Any] = [:]
        try await eventually("FK lists the grey-zone flag of the person whose consent covers FK", limit: .seconds(60)) {
            let flags = (try await fk.get("/flags").json()["flags"] as? [[String: Any]]) ?? []
            flag = flags.first { $0["rule"] as? String == "grey-zone" } ?? [:]
            return !flag.isEmpty
        }
        let listed = (try await fk.get("/flags").json()["flags"] as? [[String: Any]]) ?? []
        #expect(listed.allSatisfy { $0["clientRef"] as? String == covered.rawValue }, "no flag without consent covering FK")
        #expect((flag["agencies"] as? [String])?.contains("fk") == true)
        let flagId = try #require(flag["flagId"] as? String)
        let coordinatorFlags = try await system.coordinatorClient.get("/flags?rule=grey-zone").json()["flags"] as? [[String: Any]]
        #expect(coordinatorFlags?.count == 2, "the coordinator has both")

        // Taking it: 202 with the event; unknown flags are 404; without a token 401.
        let taken = try await call(fk, "POST", "/flags/\(flagId)/take", status: 202)
        #expect(taken["eventId"] is String)
        try await call(fk, "POST", "/flags/nope/take", status: 404)
        #expect(try await HTTPTestClient(port: system.ports[.fk]!).request("POST", "/flags/\(flagId)/take").status == 401)

        // The coordinator records it as assigned to the member of staff at FK, and FK's list says so.
        let name = SystemFixture.names[.fk]!
        try await eventually("the coordinator shows the flag taken by FK's staff", limit: .seconds(60)) {
            let detail = try await system.coordinatorClient.get("/flags/\(flagId)").json()
            let work = (detail["flag"] as? [String: Any])?["work"] as? [String: Any]
            return work?["owner"] as? String == name && work?["ownerAgency"] as? String == "fk"
        }
        let history = (try await system.coordinatorClient.get("/flags/\(flagId)").json()["history"] as? [[String: Any]]) ?? []
        #expect(history.map { $0["type"] as? String } == ["flag.assigned"])
        #expect(history.first?["actor"] as? String == "\(name) (Försäkringskassan)")
        try await eventually("FK's list shows who works it", limit: .seconds(60)) {
            let flags = (try await fk.get("/flags").json()["flags"] as? [[String: Any]]) ?? []
            return flags.first { $0["flagId"] as? String == flagId }?["owner"] as? String == name
        }
        // Taken twice: the second is recorded at FK but the coordinator keeps one assignment.
        try await call(fk, "POST", "/flags/\(flagId)/take", status: 202)
        try await Task.sleep(for: .seconds(2))
        let again = (try await system.coordinatorClient.get("/flags/\(flagId)").json()["history"] as? [[String: Any]]) ?? []
        #expect(again.count == 1)
        await producer.close()
    }
}

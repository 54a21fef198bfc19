import Foundation
import Synchronization
import Testing
import TrisamAgency
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

/// Identity across real processes: four `trisam agency` services and the coordinator on an
/// embedded broker, each agency with its own key pair (FK's service given another private key
/// than the public key the others hold for it).
@Suite("Identity across real processes", .serialized)
struct IdentityEndToEndTests {
    static let tolvan = "19121212-1212"
    static let other = "19750505-1230"

    @Test(
        "a referral with consent shows the person to AF; without consent it is refused and nothing is published; FK with another key cannot open it; no topic holds a personnummer in any form; the stores hold none in clear",
        .timeLimit(.minutes(4)))
    func identityTravelsSealed() async throws {
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
        // FK's service holds a private key of its own that is not the one the others seal to.
        var fkEnvironment = try AgencyTestKeys.environment(for: .fk)
        let wrongKeys = system.directory.appendingPathComponent("fk-other-keys")
        try AgencyKeyFiles.generate(for: .fk, in: wrongKeys.path)
        for agency in [Agency.kommun, .af, .region] {
            let folder = URL(fileURLWithPath: AgencyTestKeys.folders[agency]!)
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path)
            where file.hasPrefix("\(agency.rawValue)-") && file.hasSuffix(".pub") {
                try AgencyKeyFiles.installPublicKey(folder.appendingPathComponent(file).path, into: wrongKeys.path)
            }
        }
        fkEnvironment[AgencyKeyFiles.directoryVariable] = wrongKeys.path
        system.keyOverrides[.fk] = fkEnvironment

        let start = "2027-03-22T08:00:00Z"
        for agency in Agency.allCases { try await system.startAgency(agency, clock: start) }
        try await system.startCoordinator(clock: start)
        let (kommun, af, fk, region) = (system.client(.kommun), system.client(.af), system.client(.fk), system.client(.region))

        let ref = try #require(
            try await call(kommun, "POST", "/persons", ["personnummer": Self.tolvan, "name": "Tolvan Tolvansson"], status: 201)["clientRef"]
                as? String)
        let consent = { (purpose: String, agencies: [String]) in
            ["purpose": purpose, "agencies": agencies, "givenOn": "2027-03-22", "validUntil": "2028-03-01"] as [String: Any]
        }
        try await call(kommun, "POST", "/persons/\(ref)/consents", consent("remiss", ["kommun", "af", "fk"]), status: 201)
        try await call(kommun, "POST", "/persons/\(ref)/consents", consent("samordning", ["kommun", "af", "fk", "region"]), status: 201)
        try await call(kommun, "POST", "/persons/\(ref)/consents", consent("sip", ["kommun", "af", "region"]), status: 201)
        let referral: (String) -> [String: Any] = { to in
            ["to": to, "area": "arbete-aktivitet", "reason": "Långvarigt försörjningsstöd", "requestedMeasure": "Kartläggning"]
        }

        // With consent: AF's staff see who the referral is about.
        try await call(kommun, "POST", "/persons/\(ref)/referrals", referral("af"), status: 201)
        try await eventually("AF's inbox shows the referral with the person's name and number", limit: .seconds(30)) {
            let items = try await af.get("/inbox").json()["items"] as? [[String: Any]] ?? []
            guard let person = items.first(where: { $0["type"] as? String == "referral.sent" })?["person"] as? [String: Any] else {
                return false
            }
            return person["name"] as? String == "Tolvan Tolvansson" && person["number"] as? String == Self.tolvan
        }
        let afView = try await call(af, "GET", "/persons/\(ref)", status: 200)
        #expect((afView["identity"] as? [String: Any])?["number"] as? String == Self.tolvan)
        let found = try await call(af, "POST", "/persons/search", ["personnummer": "191212121212"], status: 200)
        #expect(found["clientRef"] as? String == ref)

        // Without consent covering the region: refused, and nothing goes to the region.
        let refused = try await call(kommun, "POST", "/persons/\(ref)/referrals", referral("region"), status: 403)
        #expect(errorCode(refused) == "consent_missing")

        // FK holds another key: the referral arrives, the identity does not open.
        try await call(kommun, "POST", "/persons/\(ref)/referrals", referral("fk"), status: 201)
        try await eventually("FK has the referral", limit: .seconds(30)) {
            (try await fk.get("/inbox").json()["items"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "referral.sent" }
        }
        let fkView = try await call(fk, "GET", "/persons/\(ref)", status: 200)
        #expect(fkView["identity"] is NSNull)
        let fkAudit = try await call(fk, "GET", "/audit?clientRef=\(ref)", status: 200)["items"] as? [[String: Any]] ?? []
        #expect(fkAudit.contains { $0["action"] as? String == "identity.unreadable" })

        // A handover, a SIP invitation and a plan action carry it too.
        try await call(
            kommun, "POST", "/persons/\(ref)/cases", ["area": "forsorjning", "contact": ["name": "Karin Lund"], "openedOn": "2027-03-22"],
            status: 201)
        try await call(
            kommun, "POST", "/persons/\(ref)/handovers", ["area": "forsorjning", "to": "region", "reason": "Vård först"], status: 201)
        try await call(
            kommun, "POST", "/persons/\(ref)/sips",
            ["reason": "Samordning behövs", "invited": ["af", "region"], "afterDischarge": false, "answerBy": "2027-03-29"], status: 201)
        try await call(
            kommun, "POST", "/persons/\(ref)/plans",
            [
                "leadAgency": "kommun", "participants": ["kommun", "af", "region"], "goals": ["Egen försörjning"],
                "followUpOn": "2027-06-01",
                "actions": [
                    ["owner": "region", "ownerContact": ["name": "Rut Dahl"], "description": "Läkarintyg", "dueDate": "2027-04-10"]
                ],
            ], status: 201)
        try await eventually("the region's inbox shows the handover, the invitation and the action with the person", limit: .seconds(30)) {
            let items = try await region.get("/inbox").json()["items"] as? [[String: Any]] ?? []
            let named = items.filter { ($0["person"] as? [String: Any])?["number"] as? String == Self.tolvan }.compactMap {
                $0["type"] as? String
            }
            return Set(named).isSuperset(of: ["handover.requested", "sip.invitation.sent", "plan.action.assigned"])
        }

        // Another person, registered at AF and referred to kommun.
        let otherRef = try #require(
            try await call(af, "POST", "/persons", ["personnummer": Self.other, "name": "Eva Exempel"], status: 201)["clientRef"] as? String
        )
        try await call(af, "POST", "/persons/\(otherRef)/consents", consent("remiss", ["af", "kommun"]), status: 201)
        try await call(af, "POST", "/persons/\(otherRef)/referrals", referral("kommun"), status: 201)
        try await eventually("kommun sees the second person by name", limit: .seconds(30)) {
            let items = try await kommun.get("/inbox").json()["items"] as? [[String: Any]] ?? []
            return items.contains { ($0["person"] as? [String: Any])?["name"] as? String == "Eva Exempel" }
        }

        // Every topic from the beginning: no personnummer in any key, header or value, in any form.
        let messages = try await Self.readEveryTopic(system.cluster)
        #expect(messages.count >= 15, "\(messages.count) messages")
        var sealed = 0
        for message in messages {
            let texts =
                [String(decoding: message.key ?? [], as: UTF8.self), String(decoding: message.value, as: UTF8.self)]
                + message.headers.flatMap { [$0.name, String(decoding: $0.value ?? [], as: UTF8.self)] }
            for text in texts {
                #expect(!IdentityNumberScan.contains(text), "\(message.topic) offset \(message.offset): an identity number")
                for number in [Self.tolvan, Self.other] {
                    for form in writtenForms(number) { #expect(!text.contains(form), "\(message.topic) offset \(message.offset): \(form)") }
                }
                #expect(!text.contains("Tolvan") && !text.contains("Exempel"), "\(message.topic): a name in clear")
            }
            if String(decoding: message.value, as: UTF8.self).contains("\"sealedIdentity\"") { sealed += 1 }
        }
        #expect(sealed >= 6, "referrals to AF, FK and kommun, the handover, two invitations, the action: \(sealed)")
        #expect(
            !messages.contains {
                $0.topic == Topic.inbox(.region) && String(decoding: $0.value, as: UTF8.self).contains("requestedMeasure")
            },
            "the refused referral was not published")

        // The stores on disk hold no personnummer in clear (the registers are encrypted).
        for agency in Agency.allCases {
            let path = system.directory.appendingPathComponent("state/\(agency.rawValue)/agency.sqlite").path
            var bytes = Data()
            for suffix in ["", "-wal"] { bytes += FileManager.default.contents(atPath: path + suffix) ?? Data() }
            #expect(!bytes.isEmpty, "\(agency.rawValue)'s store")
            let text = String(decoding: bytes, as: UTF8.self)
            for number in [Self.tolvan, Self.other] {
                for form in writtenForms(number) { #expect(!text.contains(form), "\(agency.rawValue)'s store holds \(form)") }
            }
            #expect(!text.contains("Tolvansson"), "\(agency.rawValue)'s store holds the name")
        }
    }

    /// Every message of every Trisam topic, read from the beginning by a new consumer group
    /// until nothing more arrives for three seconds.
    static func readEveryTopic(_ cluster: EmbeddedKafkaCluster) async throws -> [ConsumedMessage] {
        let consumer = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]),
            groupID: "topic-scan-\(UUID().uuidString)", topics: Topic.all, logger: testLogger("scan"))
        let received = Mutex<[ConsumedMessage]>([])
        let reading = Task {
            for try await message in consumer.messages { received.withLock { $0.append(message) } }
        }
        var last = -1
        var quietSince = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            let count = received.withLock { $0.count }
            if count != last {
                last = count
                quietSince = .now
            } else if count > 0, ContinuousClock.now - quietSince > .seconds(3) {
                break
            }
        }
        await consumer.close()
        reading.cancel()
        return received.withLock { $0 }
    }
}

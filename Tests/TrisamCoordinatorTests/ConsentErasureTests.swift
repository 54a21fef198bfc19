import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamKafka
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// When samordning consent ends, the coordinator's store keeps only the record of consent (and
/// the audit log): the person's state, timeline and flags no longer hold what the agencies said.
@Suite("Coordinator erases what consent no longer covers")
struct ConsentErasureTests {
    static let token = "coordinator-token-0123456789"
    static let ref = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!
    static let partition = TopicPartition(topic: "trisam.consent", partition: 0)

    /// 10:00 Stockholm time on a day.
    static func at(_ text: String) -> Date { StockholmTime.startOfDay(day(text)).addingTimeInterval(10 * 3600) }

    static func event(_ id: String, _ agency: Agency, _ date: String, _ payload: TrisamEvent, ref: ClientRef = ref) -> EventEnvelope {
        EventEnvelope(id: id, source: .agency(agency), time: at(date), subject: ref, event: payload)
    }

    /// Every agency has said something: a consent for samordning, bistånd, a case, a sick note,
    /// an FK refusal (grey zone), a referral, a SIP.
    static func history(ref: ClientRef = ref, until: String = "2026-12-31", prefix: String = "") -> [EventEnvelope] {
        [
            event(
                "\(prefix)c1", .kommun, "2026-01-02",
                .consentGiven(
                    ConsentGiven(
                        consentId: "\(prefix)c1", purpose: .samordning, agencies: Agency.allCases, validUntil: day(until),
                        givenOn: day("2026-01-02"))), ref: ref),
            event(
                "\(prefix)b1", .kommun, "2026-02-01",
                .kommunBistandDecided(BistandDecided(decision: .granted, effectiveDate: day("2026-02-01"), month: YearMonth("2026-02")!)),
                ref: ref),
            event(
                "\(prefix)b2", .kommun, "2026-03-01",
                .kommunBistandDecided(BistandDecided(decision: .granted, effectiveDate: day("2026-03-01"), month: YearMonth("2026-03")!)),
                ref: ref),
            event(
                "\(prefix)k1", .kommun, "2026-01-05",
                .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Karin Ek"), openedOn: day("2026-01-05"))), ref: ref),
            event(
                "\(prefix)s1", .region, "2026-02-01",
                .regionSickNoteIssued(
                    SickNoteIssued(
                        sickNoteId: "\(prefix)sn", extentPercent: 100, from: day("2026-02-01"), until: day("2026-05-31"), renewal: false)),
                ref: ref),
            event(
                "\(prefix)f1", .fk, "2026-02-05",
                .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: day("2026-02-05"))), ref: ref),
            event(
                "\(prefix)r1", .kommun, "2026-02-10",
                .referralSent(
                    ReferralSent(
                        referralId: "\(prefix)ref", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning",
                        area: .halsaVard)), ref: ref),
            event(
                "\(prefix)p1", .kommun, "2026-02-12",
                .sipRequested(
                    SipRequested(sipId: "\(prefix)sip", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false)),
                ref: ref),
        ]
    }

    final class Setup: Sendable {
        let directory: URL
        let store: CoordinatorStore
        let clock: CoordinatorClock
        let engine: CoordinatorEngine
        let api: CoordinatorAPI
        private let offset = Mutex<Int64>(0)

        init(now: Date) throws {
            directory = try temporaryDirectory()
            store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
            clock = CoordinatorClock.fixed(at: now)
            let metrics = CoordinatorMetrics()
            engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: clock, metrics: metrics)
            api = CoordinatorAPI(
                store: store, engine: engine, rules: GapRules(), clock: clock, metrics: metrics,
                tokens: AccessTokens([.init(token: ConsentErasureTests.token, name: "Testa Samordnare", role: "samordnare")]))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// The events as the next messages of one partition.
        func batch(_ events: [EventEnvelope]) -> [IncomingEvent] {
            offset.withLock { next in
                events.map { event in
                    defer { next += 1 }
                    return IncomingEvent(partition: ConsentErasureTests.partition, offset: next, envelope: event)
                }
            }
        }

        /// The types of the person's timeline rows, as stored.
        func timelineTypes(_ ref: ClientRef) throws -> [String] {
            try store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT type FROM timeline WHERE clientRef = ? ORDER BY seq", arguments: [ref.rawValue])
            }
        }

        /// `GET /persons/{clientRef}` as a coordinator reads it.
        func personView(_ ref: ClientRef) async throws -> [String: Any] {
            let body = Mutex(Data())
            try await Application(router: api.router()).test(.router) { client in
                try await client.execute(
                    uri: "/persons/\(ref.rawValue)", method: .get, headers: [.authorization: "Bearer \(ConsentErasureTests.token)"]
                ) { response in
                    #expect(response.status == .ok)
                    body.withLock { $0 = Data(buffer: response.body) }
                }
            }
            return (try JSONSerialization.jsonObject(with: body.withLock { $0 }) as? [String: Any]) ?? [:]
        }
    }

    @Test(
        "a withdrawal leaves the person's state, timeline and API view with only the consent record, and resolves the flags as samtycke återkallat"
    )
    func withdrawalErases() async throws {
        let setup = try Setup(now: Self.at("2026-03-25"))
        try await setup.engine.process(setup.batch(Self.history()))
        let open = try setup.store.flags(of: Self.ref).filter { $0.resolvedAt == nil }
        #expect(open.contains { $0.rule == RuleId.greyZone })

        let withdrawal = Self.event(
            "w1", .af, "2026-03-20", .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: day("2026-03-20"))))
        // Read after the withdrawal, from the region's topic: an older fact that must not come back.
        let late = Self.event(
            "t1", .region, "2026-03-02",
            .regionTreatmentStatus(TreatmentStatusChanged(status: .ongoing, unit: .psykiatri, effectiveDate: day("2026-03-02"))))
        let second = setup.batch([withdrawal, late])
        let outcome = try await setup.engine.process(second)
        #expect(Set(outcome.resolved) == Set(open.map(\.rule)))

        #expect(try setup.timelineTypes(Self.ref) == ["consent.given", "consent.withdrawn"])
        let flags = try setup.store.flags(of: Self.ref)
        #expect(flags.allSatisfy { $0.resolvedAt != nil && $0.evidence.isEmpty })
        #expect(flags.filter { open.map(\.flagId).contains($0.flagId) }.allSatisfy { $0.resolution == "Samtycke återkallat." })
        #expect(flags.allSatisfy { !$0.explanation.contains("sjuk") && !$0.explanation.contains("Försäkringskassan") })

        let view = try await setup.personView(Self.ref)
        let state = try #require(view["state"] as? [String: Any])
        #expect(Set(state.keys) == ["clientRef", "consents", "consentEnds", "lastEventTime"])
        let timeline = try #require(view["timeline"] as? [[String: Any]])
        #expect(
            timeline.compactMap { $0["summary"] as? String } == ["Kommunen: samtycke lämnat", "Arbetsförmedlingen: samtycke återkallat"])
        #expect((view["openFlags"] as? [Any])?.isEmpty == true)
        // The read itself is in the audit log, which stays.
        #expect(try setup.store.accessLog().map(\.clientRef) == [Self.ref.rawValue])

        // A redelivery of the same messages, and a copy of an erased event arriving on another
        // topic, change nothing.
        let digest = try setup.store.digest()
        let again = try await setup.engine.process(second)
        #expect(again.alreadyStored == 2)
        try await setup.engine.process(setup.batch([Self.history()[4]]))
        #expect(try setup.store.digest() == digest)
        #expect(try setup.timelineTypes(Self.ref) == ["consent.given", "consent.withdrawn"])
    }

    @Test("consent that expires is enforced by the due check on its first day out of force")
    func expiryByDueCheck() async throws {
        let other = ClientRef(rawValue: "fedcba9876543210fedcba9876543210")!
        let setup = try Setup(now: Self.at("2026-03-25"))
        try await setup.engine.process(setup.batch(Self.history(ref: other, until: "2026-03-31", prefix: "x")))
        let open = try setup.store.flags(of: other).filter { $0.resolvedAt == nil }
        #expect(!open.isEmpty)
        try setup.clock.set(StockholmTime.startOfDay(day("2026-03-31")).addingTimeInterval(23 * 3600))
        try await setup.engine.runDueChecks()
        #expect(try setup.timelineTypes(other).count == Self.history().count)
        try setup.clock.set(StockholmTime.startOfDay(day("2026-04-01")))
        let outcome = try await setup.engine.runDueChecks()
        #expect(Set(outcome.resolved) == Set(open.map(\.rule)))
        #expect(try setup.timelineTypes(other) == ["consent.given"])
        let flags = try setup.store.flags(of: other)
        #expect(flags.allSatisfy { $0.resolvedAt != nil })
        #expect(
            flags.filter { open.map(\.flagId).contains($0.flagId) }.allSatisfy {
                $0.resolution == "Samtycke upphört: giltighetstiden gick ut."
            })
        let view = try await setup.personView(other)
        #expect(Set((view["state"] as? [String: Any])?.keys.map { $0 } ?? []) == ["clientRef", "consents", "consentEnds", "lastEventTime"])
    }
}

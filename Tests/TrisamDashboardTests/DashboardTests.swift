import Foundation
import Testing
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamTestSupport
import TrisamWeb

@testable import TrisamDashboard

let person = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!

/// 10:00 Stockholm time on a day.
func at(_ text: String, hour: Int = 10) -> Date {
    StockholmTime.startOfDay(day(text)).addingTimeInterval(TimeInterval(hour * 3600))
}

/// A person's state folded from events published on given days.
struct Story {
    var state = PersonState(clientRef: person)
    /// The timeline the coordinator would store for the events added.
    var timeline: [TimelineEntry] = []
    mutating func add(_ id: String, _ agency: Agency, _ date: String, _ event: TrisamEvent, hour: Int = 10) {
        let envelope = EventEnvelope(id: id, source: .agency(agency), time: at(date, hour: hour), subject: person, event: event)
        state.apply(envelope)
        timeline.append(TimelineEntry(envelope))
    }
}

func flag(
    _ seq: Int64, _ severity: FlagSeverity, since: String, rule: String = "grey-zone",
    explanation: String = "Personen har fastnat; kommunen behöver agera", agencies: [Agency] = [.kommun],
    ref: String = person.rawValue
) -> FlagRow {
    FlagRow(
        seq: seq, flagId: "\(ref):\(rule):\(seq)", clientRef: ref, rule: rule, severity: severity, title: "Titel \(seq)",
        explanation: explanation, agencies: agencies, since: at(since), raisedAt: at(since))
}

@Suite("Queue") struct QueueTests {
    @Test("sorts by severity then oldest first") func sortsBySeverityThenOldestFirst() {
        let rows = Queue.rows(
            [
                flag(1, .medium, since: "2026-03-01"),
                flag(2, .high, since: "2026-05-01"),
                flag(3, .low, since: "2026-01-01"),
                flag(4, .high, since: "2026-02-01"),
                flag(5, .medium, since: "2026-02-15"),
            ], today: day("2026-06-01"))
        #expect(rows.map(\.flagId).map { $0.split(separator: ":").last! } == ["4", "2", "5", "1", "3"])
        #expect(rows[0].ageDays == 120)
        #expect(rows[0].ageText == "120 dagar")
        #expect(rows[0].severityText == "Hög")
        #expect(rows[0].personPath == "/personer/\(person.rawValue)")
        #expect(rows[0].shortRef == "01234567")
    }

    @Test("row is one sentence naming who acts") func rowIsOneSentenceNamingWhoActs() {
        let row = Queue.rows([flag(1, .high, since: "2026-05-31", agencies: [.fk, .kommun, .fk])], today: day("2026-06-01"))[0]
        #expect(row.sentence == "Personen har fastnat; kommunen behöver agera.")
        #expect(row.actors == "Försäkringskassan och kommunen")
        #expect(row.ageText == "1 dag")
        #expect(Queue.sentence("Klar mening.") == "Klar mening.")
    }

    @Test("filters parse and refuse naming the field") func filtersParseAndRefuseNamingTheField() throws {
        let ids = ["grey-zone", "ping-pong"]
        let parsed = try QueueFilter.parse(["regel": "ping-pong", "myndighet": "af", "allvarlighet": "", "minstDagar": "14"], ruleIds: ids)
            .get()
        #expect(parsed == QueueFilter(rule: "ping-pong", agency: .af, severity: nil, minAgeDays: 14))
        #expect(parsed.isActive)
        #expect(try QueueFilter.parse([:], ruleIds: ids).get().isActive == false)
        for (query, field) in [
            (["regel": "nej"], "regel"), (["myndighet": "skatteverket"], "myndighet"),
            (["allvarlighet": "akut"], "allvarlighet"), (["minstDagar": "-1"], "minstDagar"),
            (["minstDagar": "tio"], "minstDagar"), (["sortera": "x"], "sortera"),
        ] {
            guard case .failure(let error) = QueueFilter.parse(query, ruleIds: ids) else {
                Issue.record("\(query) was accepted")
                continue
            }
            #expect(error.field == field)
            #expect(!error.message.isEmpty)
        }
    }

    @Test("age filter counts whole Stockholm days") func ageFilterCountsWholeStockholmDays() {
        let now = at("2026-06-10", hour: 15)
        let query = QueueFilter(minAgeDays: 10).flagQuery(now: now, limit: 100)
        let bound = try! #require(query.sinceAtOrBefore)
        // Began 31 May (10 days before 10 June) late in the evening: included; 1 June: not.
        #expect(at("2026-05-31", hour: 23) <= bound)
        #expect(StockholmTime.startOfDay(day("2026-06-01")) > bound)
    }
}

@Suite("Ownership chart") struct OwnershipChartTests {
    func areas() -> [AreaState] {
        var story = Story()
        story.add(
            "o1", .kommun, "2026-01-01",
            .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Karin"), openedOn: day("2026-01-01"))))
        story.add("c1", .kommun, "2026-02-28", .caseClosed(CaseClosed(area: .forsorjning, reason: .completed, closedOn: day("2026-02-28"))))
        story.add(
            "o2", .fk, "2026-04-01",
            .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Frida"), openedOn: day("2026-04-01"))))
        return story.state.areas
    }

    @Test("owned stretches and gaps cover every day") func ownedStretchesAndGapsCoverEveryDay() throws {
        let chart = OwnershipChart(areas: areas(), today: day("2026-05-10"), width: 820)
        #expect(chart.start == day("2026-01-01"))
        let row = try #require(chart.rows.first { $0.area == .forsorjning })
        #expect(row.segments.map(\.agency) == [.kommun, nil, .fk])
        #expect(row.segments[0].from == day("2026-01-01"))
        #expect(row.segments[0].until == day("2026-02-28"))
        #expect(row.segments[1].from == day("2026-03-01"))
        #expect(row.segments[1].until == day("2026-03-31"))
        #expect(row.segments[2].ongoing)
        #expect(!row.unownedToday)
        // Segments are contiguous and span the plot.
        for (a, b) in zip(row.segments, row.segments.dropFirst()) {
            #expect(abs(a.x + a.width - b.x) < 0.001)
        }
        #expect(abs(row.segments[0].x - OwnershipChart.labelWidth) < 0.001)
        #expect(abs(row.segments.last!.x + row.segments.last!.width - (820 - 10)) < 0.001)
        // Areas nobody ever owned are one gap.
        let never = try #require(chart.rows.first { $0.area == .samordning })
        #expect(never.segments.map(\.agency) == [nil])
        #expect(never.unownedToday)
        #expect(chart.ticks.first?.day == day("2026-01-01"))
    }

    @Test("svg names owners and gaps") func svgNamesOwnersAndGaps() {
        let svg = OwnershipChart(areas: areas(), today: day("2026-05-10")).svg()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains("Ingen ägare 1 mar 2026 – 31 mar 2026"))
        #expect(svg.contains("Försäkringskassan 1 apr 2026 – pågår"))
        #expect(svg.contains("role=\"img\""))
    }

    @Test("the chart starts when the first agency took ownership") func theChartStartsWhenTheFirstAgencyTookOwnership() throws {
        var story = Story()
        story.add(
            "o1", .af, "2026-05-05",
            .caseOpened(CaseOpened(area: .arbeteAktivitet, contact: Contact(name: "Ali"), openedOn: day("2026-05-05"))))
        let chart = OwnershipChart(areas: story.state.areas, today: day("2026-05-10"))
        #expect(chart.start == day("2026-05-05"))
        let row = try #require(chart.rows.first { $0.area == .arbeteAktivitet })
        #expect(row.segments.map(\.agency) == [.af])
        // Nobody ever owned anything: the last 30 days, all gaps.
        let empty = OwnershipChart(areas: [], today: day("2026-05-10"))
        #expect(empty.start == day("2026-04-10"))
        #expect(empty.rows.count == 4)
        #expect(empty.rows.allSatisfy { $0.segments.map(\.agency) == [nil] })
    }
}

@Suite("Person page") struct PersonPageTests {
    @Test("referrals sips and plan with owners and due dates") func referralsSipsAndPlanWithOwnersAndDueDates() {
        var story = Story()
        story.add(
            "o1", .kommun, "2026-01-01",
            .caseOpened(
                CaseOpened(area: .forsorjning, contact: Contact(name: "Karin Lind", role: "handläggare"), openedOn: day("2026-01-01"))))
        story.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard,
                    answerBy: day("2026-03-15"))))
        story.add(
            "s1", .kommun, "2026-03-02",
            .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false)))
        story.add(
            "s2", .kommun, "2026-03-03",
            .sipScheduled(
                SipScheduled(
                    sipId: "sip1", caller: .kommun, participants: [.kommun, .region],
                    meeting: TimeSlot(start: at("2026-03-20", hour: 9), end: at("2026-03-20", hour: 10)), sequence: 0)))
        story.add(
            "p1", .kommun, "2026-03-04",
            .planCreated(
                PlanCreated(planId: "p1", sipId: "sip1", leadAgency: .kommun, participants: [.kommun, .region], goals: ["Arbete"])))
        story.add(
            "x1", .kommun, "2026-03-04",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .region, description: "Utreda arbetsförmåga",
                    dueDate: day("2026-03-10"))))
        story.add(
            "x2", .kommun, "2026-03-04",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x2", leadAgency: .kommun, owner: .kommun, description: "Följa upp", dueDate: day("2026-04-30"))
            ))
        let timeline = [
            TimelineEntry(
                eventId: "o1", type: "se.trisam.case.opened", source: "kommun", time: at("2026-01-01"), summary: "Kommunen: ärende öppnat"),
            TimelineEntry(
                eventId: "r1", type: "se.trisam.referral.sent", source: "kommun", time: at("2026-03-01"),
                summary: "Kommunen: remiss skickad"),
        ]
        let page = PersonPage(
            state: story.state, timeline: timeline, flags: [flag(1, .medium, since: "2026-03-16", rule: "referral-unanswered")],
            now: at("2026-03-25"))
        #expect(page.referrals.count == 1)
        #expect(page.referrals[0].ageDays == 24)
        #expect(page.referrals[0].overdue)
        #expect(page.referrals[0].to == "Regionen")
        #expect(page.sips.count == 1)
        #expect(page.sips[0].overdue) // the meeting time passed and it was not registered as held
        #expect(page.plans.count == 1)
        #expect(page.plans[0].actions.map(\.owner) == ["Regionen", "Kommunen"])
        #expect(page.plans[0].actions.map(\.due) == ["10 mar 2026", "30 apr 2026"])
        #expect(page.plans[0].actions.map(\.overdue) == [true, false])
        #expect(page.owners.first { $0.area == "Försörjning" }?.owner == "Kommunen")
        #expect(page.owners.first { $0.area == "Försörjning" }?.contact == "Karin Lind, handläggare")
        // Only the kommun has a case: nothing to coordinate, so samordning is no gap.
        #expect(page.owners.first { $0.area == "Samordning" }?.unowned == false)
        #expect(page.owners.first { $0.area == "Samordning" }?.notNeeded == true)
        #expect(page.events.map(\.summary) == ["Kommunen: remiss skickad", "Kommunen: ärende öppnat"])
        #expect(page.openFlags.count == 1)
    }
}

@Suite("Consent ended page") struct ConsentEndedPageTests {
    @Test("after the only consent is withdrawn the person page shows the consent record and nothing from the agencies")
    func onlyTheConsentRecord() {
        var story = Story()
        story.add(
            "c1", .kommun, "2026-01-01",
            .consentGiven(
                ConsentGiven(
                    consentId: "c1", purpose: .samordning, agencies: Agency.allCases, validUntil: day("2026-12-31"),
                    givenOn: day("2026-01-01"))))
        story.add(
            "o1", .kommun, "2026-01-01",
            .caseOpened(
                CaseOpened(area: .forsorjning, contact: Contact(name: "Karin Lind", role: "handläggare"), openedOn: day("2026-01-01"))))
        story.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard)))
        story.add(
            "s1", .kommun, "2026-03-02",
            .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false)))
        story.add("w1", .af, "2026-03-10", .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: day("2026-03-10"))))
        // What the store keeps of the timeline: the consent events.
        let timeline = [
            TimelineEntry(
                eventId: "c1", type: "consent.given", source: "/trisam/kommun", time: at("2026-01-01"), summary: "Kommunen: samtycke lämnat"
            ),
            TimelineEntry(
                eventId: "w1", type: "consent.withdrawn", source: "/trisam/af", time: at("2026-03-10"),
                summary: "Arbetsförmedlingen: samtycke återkallat"),
        ]
        var resolved = flag(1, .medium, since: "2026-02-01", rule: "no-named-contact")
        resolved.resolvedAt = at("2026-03-10")
        resolved.resolution = "Samtycke återkallat."
        let page = PersonPage(state: story.state, timeline: timeline, flags: [resolved], now: at("2026-03-12"))
        #expect(page.openFlags.isEmpty)
        #expect(page.owners.allSatisfy { $0.notNeeded && $0.contact == nil && $0.since == nil && $0.pendingHandover == nil })
        #expect(page.periods.allSatisfy(\.gap) && page.referrals.isEmpty && page.sips.isEmpty && page.plans.isEmpty)
        #expect(page.events.map(\.summary) == ["Arbetsförmedlingen: samtycke återkallat", "Kommunen: samtycke lämnat"])
        #expect(
            page.consents == [
                PersonPage.Consent(
                    purpose: "Samordning", agencies: "Kommunen, Arbetsförmedlingen, Försäkringskassan och regionen",
                    given: "1 jan 2026 (Kommunen)", validUntil: "31 dec 2026", withdrawn: "10 mar 2026 (Arbetsförmedlingen)")
            ])
        #expect(page.consentEnds.count == 4)
        #expect(
            page.consentEnds.contains(
                "Samtycket till samordning för regionen återkallades (registrerat av Arbetsförmedlingen) 10 mar 2026. Uppgifter från regionen har raderats och används inte längre."
            ))
    }
}

@Suite("Calendar and overview") struct CalendarAndOverviewTests {
    func states() -> [PersonState] {
        var a = Story()
        a.add(
            "s1", .kommun, "2026-03-02",
            .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false)))
        a.add(
            "s2", .kommun, "2026-03-03",
            .sipScheduled(
                SipScheduled(
                    sipId: "sip1", caller: .kommun, participants: [.kommun, .region],
                    meeting: TimeSlot(start: at("2026-04-02", hour: 9), end: at("2026-04-02", hour: 10)), sequence: 0)))
        a.add(
            "p1", .kommun, "2026-03-04",
            .planCreated(PlanCreated(planId: "p1", leadAgency: .kommun, participants: [.kommun], goals: ["Arbete"])))
        a.add(
            "f1", .kommun, "2026-03-04",
            .planFollowUpSet(PlanFollowUpSet(planId: "p1", leadAgency: .kommun, participants: [.kommun], followUpOn: day("2026-03-20"))))
        a.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard)))
        a.add(
            "r2", .region, "2026-03-06",
            .referralAccepted(ReferralAccepted(referralId: "ref1", from: .kommun, to: .region, contact: Contact(name: "Dr Berg"))))
        a.add(
            "o1", .kommun, "2026-01-01",
            .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Karin"), openedOn: day("2026-01-01"))))
        var b = Story()
        b.state = PersonState(clientRef: ClientRef(rawValue: "ffffffffffffffffffffffffffffffff")!)
        b.add(
            "t1", .region, "2026-03-05",
            .sipRequested(SipRequested(sipId: "sip9", caller: .region, reason: "Utskrivning", invited: [.kommun], afterDischarge: true)))
        b.add(
            "t2", .af, "2026-02-01",
            .referralSent(
                ReferralSent(referralId: "ref9", from: .af, to: .fk, reason: "Sjuk", requestedMeasure: "Bedömning", area: .forsorjning)))
        b.add(
            "t3", .af, "2026-01-01",
            .caseOpened(CaseOpened(area: .arbeteAktivitet, contact: Contact(name: "Ali"), openedOn: day("2026-01-01"))))
        b.add("t4", .af, "2026-02-15", .caseClosed(CaseClosed(area: .arbeteAktivitet, reason: .completed, closedOn: day("2026-02-15"))))
        return [a.state, b.state]
    }

    @Test("calendar splits overdue upcoming and unbooked") func calendarSplitsOverdueUpcomingAndUnbooked() {
        let calendar = SipCalendar(states: states(), now: at("2026-03-25"))
        #expect(calendar.overdue.map(\.kind) == ["Uppföljning av plan"])
        #expect(calendar.overdue[0].relative == "5 dagar sedan")
        #expect(calendar.upcoming.map(\.kind) == ["SIP-möte"])
        #expect(calendar.upcoming[0].when == "2 apr 2026 09:00")
        #expect(calendar.upcoming[0].relative == "om 8 dagar")
        #expect(calendar.unbooked.map(\.kind) == ["SIP begärd efter utskrivning"])
        #expect(calendar.unbooked[0].shortRef == "ffffffff")
        // After the meeting time passes without being held it is overdue.
        let later = SipCalendar(states: states(), now: at("2026-04-03"))
        #expect(later.overdue.map(\.kind) == ["Uppföljning av plan", "SIP-möte"])
    }

    @Test("referral times bucket answers and waits") func referralTimesBucketAnswersAndWaits() {
        let times = ReferralTimes(states: states(), today: day("2026-03-25"))
        #expect(times.answered == [0, 1, 0, 0, 0]) // answered after 5 days
        #expect(times.waiting == [0, 0, 0, 0, 1]) // waiting 52 days
        let region = times.perAgency.first { $0.agency == "Regionen" }!
        #expect(region.answered == 1 && region.medianDays == 5)
        let fk = times.perAgency.first { $0.agency == "Försäkringskassan" }!
        #expect(fk.waiting == 1 && fk.oldestWaitingDays == 52)
        #expect(
            ReferralTimes.bucket(3) == 0 && ReferralTimes.bucket(4) == 1 && ReferralTimes.bucket(30) == 3 && ReferralTimes.bucket(31) == 4)
    }

    @Test("ownership counts owners and nobody") func ownershipCountsOwnersAndNobody() {
        let counts = OwnershipCounts(states: states())
        #expect(counts.count(.forsorjning, .kommun) == 1)
        #expect(counts.unowned[.arbeteAktivitet] == 1)
        let chart = counts.chart
        #expect(chart.rows.count == 4)
        #expect(chart.rows[0].segments.map(\.name) == ["Kommunen"])
        #expect(chart.svg(id: "x", title: "t").contains("Ingen ägare"))
    }

    @Test("trend counts flags open at each days end") func trendCountsFlagsOpenAtEachDaysEnd() {
        let spans = [
            FlagSpan(rule: "a", severity: .high, since: at("2026-03-01"), raisedAt: at("2026-03-01"), resolvedAt: at("2026-03-03")),
            FlagSpan(rule: "b", severity: .low, since: at("2026-03-02"), raisedAt: at("2026-03-02"), resolvedAt: nil),
            // Raised and resolved within seconds while events were caught up: not a person stuck.
            FlagSpan(
                rule: "c", severity: .high, since: at("2026-02-01"), raisedAt: at("2026-03-04"),
                resolvedAt: at("2026-03-04").addingTimeInterval(5)),
        ]
        let days = FlagTrend.window(endingOn: day("2026-03-04"), count: 5)
        #expect(days.first == day("2026-02-28"))
        #expect(FlagTrend.daily(spans, days: days) == [0, 1, 2, 1, 1])
        #expect(FlagTrend.daily(spans, days: days) { $0.severity == .high } == [0, 1, 1, 0, 0])
    }
}

@Suite("Chart") struct ChartTests {
    @Test("round axis maxima") func roundAxisMaxima() {
        #expect(LineChart.roundUp(0) == 4)
        #expect(LineChart.roundUp(7) == 10)
        #expect(LineChart.roundUp(13) == 20)
        #expect(LineChart.roundUp(286) == 500)
        #expect(LineChart.roundUp(100) == 100)
    }

    @Test("line chart places points on the axis") func lineChartPlacesPointsOnTheAxis() {
        let chart = LineChart(
            days: FlagTrend.window(endingOn: day("2026-03-04"), count: 3), series: [("Alla", "#000", [0, 5, 10])],
            width: 640, height: 260)
        #expect(chart.maximum == 10)
        let ys = chart.series[0].ys
        #expect(ys[0] == 260 - LineChart.bottom) // zero at the bottom of the plot
        #expect(ys[2] == LineChart.top) // the maximum at the top
        #expect(chart.series[0].xs.first == LineChart.left)
    }

    @Test("bars scale to the largest") func barsScaleToTheLargest() {
        let chart = BarChart(items: [("A", 10, "#000"), ("B", 5, "#000"), ("C", 0, "#000")], width: 660)
        #expect(chart.bars.map(\.width) == [600, 300, 0])
        #expect(chart.svg(id: "b", title: "Titel").contains("<title id=\"b-title\">Titel</title>"))
    }

    @Test("text is escaped") func textIsEscaped() {
        #expect(Markup.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        let chart = BarChart(items: [("<script>", 1, "#000")])
        #expect(!chart.svg(id: "b", title: "t").contains("<script>"))
    }
}

@Suite("Session") struct SessionTests {
    @Test("sessions start extend expire and end") func sessionsStartExtendExpireAndEnd() {
        let sessions = WebSessions(lifetime: 60, capacity: 2)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let id = sessions.start(name: "Sara", role: "samordnare", now: start)
        #expect(id.count == 64)
        #expect(sessions.session(id, now: start.addingTimeInterval(50))?.name == "Sara")
        // Extended by use: still alive 100 s after the start.
        #expect(sessions.session(id, now: start.addingTimeInterval(100)) != nil)
        #expect(sessions.session(id, now: start.addingTimeInterval(200)) == nil)
        let other = sessions.start(name: "Anna", role: "samordnare", now: start)
        #expect(other != id)
        sessions.end(other)
        #expect(sessions.session(other, now: start) == nil)
        #expect(sessions.session("unknown", now: start) == nil)
    }

    @Test("each session has its own CSRF token, matched only exactly") func eachSessionHasItsOwnCSRFToken() throws {
        let sessions = WebSessions()
        let first = try #require(sessions.session(sessions.start(name: "Sara", role: "samordnare")))
        let second = try #require(sessions.session(sessions.start(name: "Anna", role: "samordnare")))
        #expect(first.csrfToken.count == 64)
        #expect(first.csrfToken != second.csrfToken)
        #expect(CSRF.matches(first.csrfToken, first.csrfToken))
        #expect(!CSRF.matches(second.csrfToken, first.csrfToken))
        #expect(!CSRF.matches(first.csrfToken.dropLast(), first.csrfToken))
        #expect(!CSRF.matches("", ""))
        #expect(CSRF.token(inForm: "a=1&csrf=abc&b=2") == "abc")
        #expect(CSRF.token(inForm: "xcsrf=abc") == nil)
        #expect(CSRF.token(inForm: "") == nil)
    }

    @Test("only local paths after login") func onlyLocalPathsAfterLogin() {
        #expect(Dashboard.safeNext("/oversikt") == "/oversikt")
        #expect(Dashboard.safeNext("/?regel=grey-zone") == "/?regel=grey-zone")
        #expect(Dashboard.safeNext("//evil.example") == "/")
        #expect(Dashboard.safeNext("https://evil.example") == "/")
        #expect(Dashboard.safeNext("/logga-ut") == "/")
        #expect(Dashboard.safeNext(nil) == "/")
    }

    @Test(
        "a next path with white space or control characters is not followed, wherever they stand",
        arguments: [
            "/\t/127.0.0.2/landed", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example", "/\u{0B}/evil.example",
            "/\u{0}/evil.example", "/\u{7F}/evil.example", "/\u{A0}/evil.example", "/\u{2028}/evil.example", "/\\evil.example",
            "/\t\\evil.example", "/oversikt\t", "/\u{FF0F}evil.example",
        ])
    func noWhiteSpaceInNext(_ next: String) {
        #expect(Dashboard.safeNext(next) == "/")
    }
}

@Suite("Template") struct TemplateTests {
    func dashboard() throws -> Dashboard {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try CoordinatorStore(path: directory.appendingPathComponent("c.sqlite").path)
        return try Dashboard(
            parts: CoordinatorParts(
                store: store, rules: GapRules(), clock: .fixed(at: at("2026-03-25")),
                tokens: AccessTokens([])))
    }

    @Test("person page renders every section escaped") func personPageRendersEverySectionEscaped() throws {
        var story = Story()
        story.add(
            "o1", .kommun, "2026-01-01",
            .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Karin <Lind>"), openedOn: day("2026-01-01"))))
        story.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard)))
        story.add(
            "p1", .kommun, "2026-03-04",
            .planCreated(PlanCreated(planId: "p1", leadAgency: .kommun, participants: [.kommun, .region], goals: ["Arbete"])))
        story.add(
            "x1", .kommun, "2026-03-04",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .region, description: "Utreda arbetsförmåga",
                    dueDate: day("2026-03-10"))))
        let page = PersonPage(
            state: story.state,
            timeline: [
                TimelineEntry(eventId: "o1", type: "t", source: "kommun", time: at("2026-01-01"), summary: "Kommunen: ärende öppnat")
            ], flags: [flag(1, .high, since: "2026-03-01")], now: at("2026-03-25"))
        let dashboard = try dashboard()
        let html = try #require(
            dashboard.templates.render(
                PersonPageContext(
                    frame: Frame(title: "Person x", user: "Sara", csrf: "", loggedIn: true, queue: false, calendar: false, overview: false),
                    person: page, chartSvg: page.chart.svg()), withTemplate: "person"))
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"agarskap\""))
        #expect(html.contains("Karin &lt;Lind&gt;"))
        #expect(!html.contains("Karin <Lind>"))
        #expect(html.contains("Utreda arbetsförmåga"))
        #expect(html.contains("10 mar 2026"))
        #expect(html.contains("Försenad"))
        #expect(html.contains("<td>Regionen</td>")) // referral receiver
        #expect(html.contains("24 dagar")) // the referral's age
        #expect(html.contains("Kommunen: ärende öppnat"))
        #expect(html.contains("Inloggad: Sara"))
        #expect(html.contains("Inga lösta flaggor tidigare."))
        #expect(!html.contains("{{"))
    }

    @Test("calendar renders each list with links") func calendarRendersEachListWithLinks() throws {
        let calendar = SipCalendar(states: CalendarAndOverviewTests().states(), now: at("2026-03-25"))
        let html = try #require(
            try dashboard().templates.render(
                CalendarPageContext(
                    frame: Frame(
                        title: "SIP-kalender", user: "Sara", csrf: "", loggedIn: true, queue: false, calendar: true, overview: false),
                    calendar: calendar, today: "25 mar 2026"), withTemplate: "calendar"))
        #expect(
            html.contains(
                "<tr class=\"overdue\"><td>20 mar 2026<br><span class=\"muted\">5 dagar sedan</span></td><td>Uppföljning av plan</td>"))
        #expect(html.contains("2 apr 2026 09:00"))
        #expect(html.contains("SIP begärd efter utskrivning"))
        #expect(html.contains("<a href=\"/personer/ffffffffffffffffffffffffffffffff\">Person ffffffff</a>"))
        #expect(!html.contains("Inget försenat"))
        #expect(html.contains("aria-current=\"page\">SIP-kalender"))
    }

    @Test("queue renders one row per person, the views with counts, pages and selected filters")
    func queueRendersRowsAndSelectedFilters() throws {
        let dashboard = try dashboard()
        var second = flag(2, .medium, since: "2026-03-10", rule: "ping-pong")
        second.work = FlagWork(owner: .coordinator("Sara"))
        let rows = Queue.personRows(
            [
                QueuedPerson(
                    clientRef: person.rawValue, flags: [flag(1, .high, since: "2026-03-01", rule: "grey-zone"), second],
                    cursor: PersonCursor(rank: 2, oldest: 0, clientRef: person.rawValue))
            ], today: day("2026-03-25"))
        let model = QueuePage(
            frame: Frame(title: "Att agera på", user: "Sara", csrf: "", loggedIn: true, queue: true, calendar: false, overview: false),
            error: nil, heading: "1 person med 2 matchande öppna flaggor",
            tabs: [
                QueueTab(label: "Alla", count: 1, path: "/?regel=ping-pong", current: true, view: ""),
                QueueTab(label: "Mina", count: 1, path: "/?regel=ping-pong&vy=mina", current: false, view: "mina"),
            ], rows: rows, range: "Visar 1–1 av 1 person.", previous: nil, next: "/?efter=2_0.0_x", filtered: true, view: "",
            clearPath: "/",
            rules: [Option(value: "ping-pong", label: "Rundgång (1)", selected: true)],
            agencies: [Option(value: "af", label: "Arbetsförmedlingen", selected: false)],
            severities: [], minAgeDays: "7", marker: "1-0-0-2026-03-25", pollMilliseconds: 5000, now: "25 mar 2026 10:00",
            live: Swedish.live(fetchedAt: "10:00"))
        let html = try #require(dashboard.templates.render(model, withTemplate: "queue"))
        #expect(html.contains("<option value=\"ping-pong\" selected>Rundgång (1)</option>"))
        #expect(html.contains("<option value=\"af\">Arbetsförmedlingen</option>"))
        #expect(html.contains("value=\"7\""))
        #expect(html.contains("data-marker=\"1-0-0-2026-03-25\""))
        #expect(html.contains("<a href=\"/personer/\(person.rawValue)\">Person 01234567</a>"))
        #expect(html.contains("2 öppna flaggor"))
        #expect(html.components(separatedBy: "<tr class=\"person\"").count == 2) // one row for the person
        #expect(html.contains("data-rule=\"grey-zone\"") && html.contains("data-rule=\"ping-pong\""))
        #expect(html.contains("Tagen av Sara."))
        let late = FlagWork(nextStep: FlagWork.NextStep(text: "FK ringer upp.", dueOn: day("2026-03-20")))
        #expect(Swedish.workStatus(late, today: day("2026-03-25")) == "Nästa steg försenat, skulle vara klart 20 mar 2026: FK ringer upp.")
        #expect(Swedish.workStatus(late, today: day("2026-03-20")) == "Nästa steg senast 20 mar 2026: FK ringer upp.")
        #expect(html.contains("Personen har fastnat; kommunen behöver agera."))
        #expect(html.contains("<a href=\"/?regel=ping-pong&amp;vy=mina\" data-view=\"mina\">Mina <span class=\"count\">(1)</span></a>"))
        #expect(html.contains("aria-current=\"page\">Alla <span class=\"count\">(1)</span>"))
        #expect(html.contains("<span id=\"antal\">1 person med 2 matchande öppna flaggor</span>"))
        #expect(html.contains("rel=\"next\" href=\"/?efter=2_0.0_x\""))
        #expect(!html.contains("rel=\"prev\""))
        #expect(html.contains("aria-current=\"page\">Att agera på"))
        #expect(!html.contains("Inga öppna flaggor"))
        // The live update's Swedish comes from the page, not from the script.
        #expect(html.contains("data-updated=\"Uppdaterad {tid}: {antal} öppna flaggor totalt.\""))
        #expect(html.contains("data-new-badge=\"Ny\" data-new-title=\"({antal} nya) \""))
        #expect(html.contains(">Uppdateras automatiskt. Senast hämtad 10:00.</p>"))
    }

    @Test("person page: each flag's work, its history, and the forms with their CSRF field")
    func personPageWorkPanel() throws {
        var open = flag(1, .high, since: "2026-03-01")
        open.work = FlagWork(owner: .assignee(Contact(name: "Frida Ek", phone: "010-123 45 67"), .fk))
        var resolved = flag(2, .medium, since: "2026-02-01", rule: "ping-pong")
        resolved.resolvedAt = at("2026-03-20")
        resolved.resolution = "Villkoret gäller inte längre efter nya händelser."
        let history = [
            FlagHistoryEntry(flagId: open.flagId, type: "flag.taken", eventId: "e1", time: at("2026-03-02"), actor: "Sara"),
            FlagHistoryEntry(
                flagId: open.flagId, type: "flag.assigned", eventId: "e2", time: at("2026-03-03"), actor: "Sara", assignee: "Frida Ek",
                agency: .fk, phone: "010-123 45 67"),
            FlagHistoryEntry(
                flagId: open.flagId, type: "flag.commented", eventId: "e3", time: at("2026-03-04"), actor: "Sara", text: "Ringt <FK>."),
            FlagHistoryEntry(
                flagId: resolved.flagId, type: "flag.set-aside", eventId: "e4", time: at("2026-03-05"), actor: "Olle", text: "Väntar",
                day: day("2026-03-30")),
        ]
        let page = PersonPage(state: Story().state, timeline: [], flags: [open, resolved], now: at("2026-03-25"), history: history)
        let html = try #require(
            try dashboard().templates.render(
                PersonPageContext(
                    frame: Frame(
                        title: "Person x", user: "Sara", csrf: "tok123", loggedIn: true, queue: false, calendar: false, overview: false),
                    person: page, chartSvg: "", notice: "Du har tagit flaggan.", refusedNotice: nil), withTemplate: "person"))
        #expect(html.contains("Tilldelad Frida Ek, Försäkringskassan."))
        #expect(html.contains("<strong>Sara</strong>: Tilldelade flaggan till Frida Ek, Försäkringskassan, tel. 010-123 45 67."))
        #expect(html.contains("Kommentar: ”Ringt &lt;FK&gt;”"))
        #expect(html.contains("Du har tagit flaggan."))
        for kind in ["take", "assign", "comment", "next-step", "set-aside", "close"] {
            #expect(html.contains("<input type=\"hidden\" name=\"atgard\" value=\"\(kind)\">"), "\(kind)")
        }
        let forms = html.components(separatedBy: "<form method=\"post\" action=\"/personer/\(person.rawValue)/flaggor\"").count - 1
        let tokens = html.components(separatedBy: "<input type=\"hidden\" name=\"csrf\" value=\"tok123\">").count - 1
        #expect(forms == 6 && tokens == forms + 1) // and the logout form
        // The resolved flag: its history ends with its work.
        #expect(html.contains("Lösta flaggor och deras historik"))
        #expect(html.contains("Lade flaggan åt sidan till 30 mar 2026. Skäl: Väntar."))
        #expect(
            html.contains("Flaggan löstes av sig själv: Villkoret gäller inte längre efter nya händelser. Arbetet med den är avslutat."))
    }

    @Test("a refused form keeps what was typed and says why beside the field, in Swedish")
    func refusedFormKeepsInput() throws {
        let open = flag(1, .high, since: "2026-03-01")
        let refused = FlagWorkPanel.Refused(
            flagId: open.flagId, kind: .setAside, fields: ["until": "2026-03-20", "reason": "Väntar på <intyg>"],
            refusal: FlagWorkRefusal(.asideNotFuture, field: "until"))
        let page = PersonPage(
            state: Story().state, timeline: [], flags: [open], now: at("2026-03-25"), history: [], refused: refused, user: "Sara")
        let html = try #require(
            try dashboard().templates.render(
                PersonPageContext(
                    frame: Frame(
                        title: "Person x", user: "Sara", csrf: "t", loggedIn: true, queue: false, calendar: false, overview: false),
                    person: page, chartSvg: "", notice: nil, refusedNotice: Swedish.formRefused), withTemplate: "person"))
        #expect(html.contains("<details class=\"work-form\" open>\n<summary>Lägg åt sidan till</summary>"))
        #expect(html.contains("value=\"2026-03-20\" aria-invalid=\"true\""))
        #expect(html.contains("<span class=\"field-error\" id=\"flagga-grey-zone-till-fel\">Välj ett datum efter i dag.</span>"))
        #expect(html.contains("value=\"Väntar på &lt;intyg&gt;\""))
        #expect(html.contains(Swedish.formRefused))
    }
}

@Suite("Plan action status") struct PlanActionStatusTests {
    @Test("an action is under way, overdue, done on a day, or not possible with the reason")
    func statuses() {
        var action = PlanActionState(
            id: "x", owner: .af, ownerContact: nil, description: "Kartlägga",
            dueDate: LocalDate("2026-03-10")!, assigned: Mark(on: LocalDate("2026-03-01")!, event: "a"))
        #expect(Swedish.actionStatus(action, overdue: false) == "Pågår")
        #expect(Swedish.actionStatus(action, overdue: true) == "Försenad")
        action.completed = Mark(on: LocalDate("2026-03-08")!, event: "b")
        #expect(Swedish.actionStatus(action, overdue: false) == "Klar 8 mar 2026")
        action.notPossibleReason = "Personen har flyttat"
        #expect(Swedish.actionStatus(action, overdue: false) == "Inte möjlig 8 mar 2026: Personen har flyttat")
    }
}

@Suite("Calendar order") struct CalendarOrderTests {
    @Test("meetings on the same day are listed by their time, not by person")
    func sameDayByTime() {
        func booked(_ ref: String, hour: Int) -> PersonState {
            var story = Story()
            story.state = PersonState(clientRef: ClientRef(rawValue: String(repeating: ref, count: 32))!)
            story.add(
                "r\(ref)", .kommun, "2026-03-02",
                .sipRequested(
                    SipRequested(sipId: "sip\(ref)", caller: .kommun, reason: "Samordning", invited: [.af], afterDischarge: false)))
            story.add(
                "s\(ref)", .kommun, "2026-03-03",
                .sipScheduled(
                    SipScheduled(
                        sipId: "sip\(ref)", caller: .kommun, participants: [.kommun, .af],
                        meeting: TimeSlot(start: at("2026-04-02", hour: hour), end: at("2026-04-02", hour: hour + 1)), sequence: 0)))
            return story.state
        }
        let calendar = SipCalendar(states: [booked("a", hour: 13), booked("b", hour: 8)], now: at("2026-03-25"))
        #expect(calendar.upcoming.map(\.shortRef) == ["bbbbbbbb", "aaaaaaaa"])
        #expect(calendar.upcoming.map(\.relative) == ["om 8 dagar", "om 8 dagar"])
    }
}

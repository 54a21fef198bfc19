import Foundation
import Testing
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamTestSupport

@testable import TrisamDashboard

/// Issue 21 point 4: the person page tells the truth. Each test reproduces what the page left
/// out or bent.
@Suite("Person page tells the truth") struct PersonTruthTests {
    static let today = "2027-01-03"

    @Test("each flag shows the events it rests on: when each took effect, who reported it, what it said, when recorded")
    func flagEvidence() throws {
        var story = Story()
        story.add(
            "b1", .kommun, "2026-12-03",
            .kommunBistandDecided(
                BistandDecided(decision: .granted, effectiveDate: day("2026-11-01"), month: YearMonth(year: 2026, month: 11)!)))
        story.add(
            "s1", .fk, "2026-12-03", .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: day("2026-11-03"))),
            hour: 11)
        var row = flag(1, .high, since: "2026-11-03", rule: "grey-zone", agencies: [.fk, .kommun])
        row.evidence = ["s1", "b1", "gone"]
        let page = PersonPage(state: story.state, timeline: story.timeline, flags: [row], now: at(Self.today))
        let evidence = try #require(page.openFlags.first?.evidence)
        // Oldest effect first; each with the reporting agency and its content in Swedish.
        #expect(evidence.map(\.effective) == ["1 nov 2026", "3 nov 2026"])
        #expect(evidence.map(\.reporter) == ["Kommunen", "Försäkringskassan"])
        #expect(evidence.map(\.detail) == ["Ekonomiskt bistånd beviljat för november 2026", "Sjukpenning avslagen, SGI saknas"])
        #expect(evidence.map(\.recorded) == ["3 dec 2026 10:00", "3 dec 2026 11:00"])
        #expect(page.openFlags[0].missingEvidence == 1)
        #expect(page.openFlags[0].actors == "Försäkringskassan och kommunen")
    }

    @Test("the timeline shows the day each fact took effect beside the time it was recorded")
    func effectiveAndRecorded() {
        var story = Story()
        // A simulated history: everything recorded in the same minute, each fact on its own day.
        story.add(
            "o1", .kommun, "2026-12-03",
            .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Karin Lind"), openedOn: day("2026-05-07"))))
        story.add(
            "a1", .kommun, "2026-12-03",
            .kommunArbetshinderAssessed(ArbetshinderAssessed(barriers: [.psykiskOhalsa, .sprakhinder], assessedOn: day("2026-09-14"))))
        story.add(
            "h1", .af, "2026-12-03",
            .handoverRequested(HandoverRequested(handoverId: "h1", area: .arbeteAktivitet, to: .kommun, reason: "Kommunens AME")))
        let page = PersonPage(state: story.state, timeline: story.timeline, flags: [], now: at(Self.today))
        #expect(page.events.map(\.recorded) == ["3 dec 2026 10:00", "3 dec 2026 10:00", "3 dec 2026 10:00"])
        #expect(page.events.map(\.effective) == [nil, "14 sep 2026", "7 maj 2026"])
        #expect(page.events.map(\.summary)[1] == "Kommunen: arbetshinder bedömt")
        #expect(page.events.map(\.detail)[1] == "Psykisk ohälsa, språkhinder")
        #expect(page.events.map(\.detail)[0] == "Arbete/aktivitet till kommunen")
    }

    @Test("every agency active in an area shows, with its contact's phone: the region's doctor stays when FK opens a case")
    func everyActiveAgency() throws {
        var story = Story()
        story.add(
            "r1", .region, "2026-09-01",
            .caseOpened(
                CaseOpened(
                    area: .halsaVard, contact: Contact(name: "Dr. Sara Wik", role: "läkare", phone: "060-12 34 56"),
                    openedOn: day("2026-09-01"))))
        story.add(
            "f1", .fk, "2026-11-02",
            .caseOpened(
                CaseOpened(
                    area: .halsaVard, contact: Contact(name: "Frida Ek", role: "handläggare", phone: "010-116 00 00"),
                    openedOn: day("2026-11-02"))))
        let page = PersonPage(state: story.state, timeline: story.timeline, flags: [], now: at(Self.today))
        let health = try #require(page.owners.first { $0.area == "Hälsa/vård" })
        #expect(health.owner == "Försäkringskassan")
        #expect(health.contact == "Frida Ek, handläggare, tel. 010-116 00 00")
        #expect(
            health.active == [
                PersonPage.ActiveCase(
                    agency: "Försäkringskassan", contact: "Frida Ek, handläggare, tel. 010-116 00 00", since: "2 nov 2026", isOwner: true),
                PersonPage.ActiveCase(
                    agency: "Regionen", contact: "Dr. Sara Wik, läkare, tel. 060-12 34 56", since: "1 sep 2026", isOwner: false),
            ])
        // Two agencies are active: samordning needs an owner and has none.
        #expect(page.owners.first { $0.area == "Samordning" }?.unowned == true)
    }

    /// The simulator's ping-pong: kommun owns arbete/aktivitet, then three handovers in one day.
    static func pingPong() -> Story {
        var story = Story()
        story.add(
            "o1", .kommun, "2026-07-06",
            .caseOpened(CaseOpened(area: .arbeteAktivitet, contact: Contact(name: "Johan Ek"), openedOn: day("2026-07-06"))))
        for (n, (from, to)) in [(Agency.kommun, Agency.af), (.af, .kommun), (.kommun, .af)].enumerated() {
            story.add(
                "q\(n)", from, "2026-12-03",
                .handoverRequested(HandoverRequested(handoverId: "h\(n)", area: .arbeteAktivitet, to: to, reason: "Hör hemma där")),
                hour: 9 + 2 * n)
            story.add(
                "a\(n)", to, "2026-12-03",
                .handoverAccepted(
                    HandoverAccepted(handoverId: "h\(n)", area: .arbeteAktivitet, from: from, contact: Contact(name: "Lena Nord"))),
                hour: 10 + 2 * n)
        }
        return story
    }

    @Test("every ownership period and handover shows, so ping-pong is visible (4 periods, 3 handovers)")
    func everyPeriodAndHandover() throws {
        let story = Self.pingPong()
        let page = PersonPage(state: story.state, timeline: story.timeline, flags: [], now: at(Self.today))
        let work = page.periods.filter { $0.area == "Arbete/aktivitet" }
        #expect(work.map(\.who) == ["Kommunen", "Arbetsförmedlingen", "Kommunen", "Arbetsförmedlingen"])
        #expect(work.map(\.from) == ["6 jul 2026", "3 dec 2026", "3 dec 2026", "3 dec 2026"])
        #expect(work.map(\.until) == ["3 dec 2026", "3 dec 2026", "3 dec 2026", "pågår"])
        #expect(work.map(\.days) == [151, 1, 1, 32])
        #expect(page.handovers.count == 3)
        #expect(page.handovers.map(\.from) == ["Kommunen", "Arbetsförmedlingen", "Kommunen"])
        let row = try #require(page.chart.rows.first { $0.area == .arbeteAktivitet })
        #expect(row.markers.map(\.day) == [day("2026-12-03")])
        #expect(row.markers[0].label.hasPrefix("3 överlämningar 3 dec 2026: kommunen till Arbetsförmedlingen"))
        #expect(page.chart.svg().contains("class=\"handover\""))
    }

    @Test("the owner's start agrees between the table of owners, the periods and the chart (no ”sedan 31 okt” beside ”från 1 nov”)")
    func datesAgree() throws {
        var story = Story()
        story.add(
            "o1", .kommun, "2026-01-01",
            .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Karin Lind"), openedOn: day("2026-01-01"))))
        story.add(
            "c1", .kommun, "2026-10-31",
            .caseClosed(CaseClosed(area: .forsorjning, reason: .handover, handoverTo: .fk, closedOn: day("2026-10-31"))))
        story.add(
            "f1", .fk, "2026-10-31",
            .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Frida Ek"), openedOn: day("2026-10-31"))), hour: 11)
        let page = PersonPage(state: story.state, timeline: story.timeline, flags: [], now: at(Self.today))
        #expect(page.owners.first { $0.area == "Försörjning" }?.since == "31 okt 2026")
        #expect(page.periods.filter { $0.area == "Försörjning" }.map(\.from) == ["1 jan 2026", "31 okt 2026"])
        let row = try #require(page.chart.rows.first { $0.area == .forsorjning })
        #expect(row.segments.map(\.agency) == [.kommun, .fk])
        #expect(row.segments.map(\.from) == [day("2026-01-01"), day("2026-10-31")])
        #expect(row.segments[0].until == day("2026-10-30"))
        #expect(row.segments[1].label == "Försäkringskassan 31 okt 2026 – pågår")
    }

    @Test("plan goals and ”Vart vill du?”, an action contact's phone, the SIP's place and participants show")
    func planAndSipDetails() throws {
        var story = Story()
        story.add(
            "s1", .kommun, "2026-11-02",
            .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false)))
        story.add(
            "s2", .kommun, "2026-11-03",
            .sipScheduled(
                SipScheduled(
                    sipId: "sip1", caller: .kommun, participants: [.kommun, .region],
                    meeting: TimeSlot(start: at("2026-11-20", hour: 9), end: at("2026-11-20", hour: 10)), sequence: 0,
                    location: "Kommunhuset, rum 3",
                    attendees: [Attendee(agency: .kommun, name: "Karin Lind"), Attendee(agency: .region, name: "Dr. Sara Wik")])))
        story.add(
            "s3", .kommun, "2026-11-20",
            .sipHeld(
                SipHeld(
                    sipId: "sip1", caller: .kommun, participants: [.kommun, .region],
                    attendees: [Attendee(agency: .kommun, name: "Karin Lind")],
                    heldOn: day("2026-11-20"))))
        story.add(
            "p1", .kommun, "2026-11-20",
            .planCreated(
                PlanCreated(
                    planId: "p1", sipId: "sip1", leadAgency: .kommun, participants: [.kommun, .region], goals: ["Egen försörjning"],
                    subGoals: ["Arbetsträning på 50 procent"], personGoal: "Jag vill jobba med djur")))
        story.add(
            "x1", .kommun, "2026-11-20",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .region,
                    ownerContact: Contact(name: "Dr. Sara Wik", phone: "060-12 34 56"), description: "Bedöma arbetsförmågan",
                    dueDate: day("2026-12-15"))))
        let page = PersonPage(state: story.state, timeline: story.timeline, flags: [], now: at(Self.today))
        let plan = try #require(page.plans.first)
        #expect(plan.personGoal == "”Jag vill jobba med djur”")
        #expect(plan.goals == ["Egen försörjning"])
        #expect(plan.subGoals == ["Arbetsträning på 50 procent"])
        #expect(plan.actions.first?.contact == "Dr. Sara Wik, tel. 060-12 34 56")
        let sip = try #require(page.sips.first)
        #expect(sip.location == "Kommunhuset, rum 3")
        #expect(sip.attendees == "Karin Lind (kommunen), Dr. Sara Wik (regionen)")
        #expect(sip.heldAttendees == "Karin Lind (kommunen)")
        #expect(sip.status == "Hållen 20 nov 2026")

        let html = try #require(
            try TemplateTests().dashboard().templates.render(
                PersonPageContext(
                    frame: Frame(title: "Person x", user: "Sara", csrf: "", loggedIn: true, queue: false, calendar: false, overview: false),
                    person: page, chartSvg: page.chart.svg()), withTemplate: "person"))
        for text in [
            "Vart vill du?", "”Jag vill jobba med djur”", "Egen försörjning", "Arbetsträning på 50 procent", "Plats: Kommunhuset, rum 3",
            "Deltagare: Karin Lind (kommunen), Dr. Sara Wik (regionen)", "Deltog: Karin Lind (kommunen)", "tel. 060-12 34 56",
            "Kallande: Kommunen",
        ] {
            #expect(html.contains(text), "\(text)")
        }
        #expect(!html.contains("<ul></ul>"))
    }

    @Test("an area nobody needs to own is not painted as a gap: samordning with one agency active, hälsa/vård never owned")
    func notNeededIsNoGap() throws {
        var story = Story()
        story.add(
            "o1", .kommun, "2026-05-07",
            .caseOpened(CaseOpened(area: .forsorjning, contact: Contact(name: "Karin Lind"), openedOn: day("2026-05-07"))))
        var page = PersonPage(state: story.state, timeline: story.timeline, flags: [], now: at(Self.today))
        for area in ["Samordning", "Hälsa/vård", "Arbete/aktivitet"] {
            let owner = try #require(page.owners.first { $0.area == area })
            #expect(!owner.unowned && owner.notNeeded && owner.owner == "Inte aktuellt", "\(area)")
        }
        #expect(page.chart.rows.allSatisfy { row in !row.segments.contains(where: \.gap) && !row.unownedToday })
        #expect(page.periods.allSatisfy { !$0.gap })
        #expect(!page.chart.svg().contains("Ingen ägare"))

        // A second agency opens a case: now somebody needs to coordinate, from that day.
        story.add(
            "o2", .af, "2026-08-10",
            .caseOpened(CaseOpened(area: .arbeteAktivitet, contact: Contact(name: "Ali Hassan"), openedOn: day("2026-08-10"))))
        page = PersonPage(state: story.state, timeline: story.timeline, flags: [], now: at(Self.today))
        #expect(page.owners.first { $0.area == "Samordning" }?.unowned == true)
        let samordning = try #require(page.chart.rows.first { $0.area == .samordning })
        #expect(samordning.segments.map(\.gap) == [false, true])
        #expect(samordning.segments[1].from == day("2026-08-10"))
        #expect(page.periods.filter { $0.area == "Samordning" }.map(\.from) == ["10 aug 2026"])
        // Arbete/aktivitet before AF's case was nobody's concern: not a gap.
        let work = try #require(page.chart.rows.first { $0.area == .arbeteAktivitet })
        #expect(work.segments.map(\.gap) == [false, false])
        #expect(work.segments.map(\.agency) == [nil, .af])

        // A handlingsplan whose lead holds the coordination: samordning is no gap either.
        story.add(
            "p1", .kommun, "2026-09-01",
            .planCreated(PlanCreated(planId: "p1", leadAgency: .kommun, participants: [.kommun, .af], goals: ["Arbete"])))
        page = PersonPage(state: story.state, timeline: story.timeline, flags: [], now: at(Self.today))
        let led = try #require(page.owners.first { $0.area == "Samordning" })
        #expect(!led.unowned && led.owner == "Ingen ägare; kommunen leder handlingsplanen")
        let ledRow = try #require(page.chart.rows.first { $0.area == .samordning })
        #expect(!ledRow.segments.contains(where: \.gap) && ledRow.segments.last?.note == "Handlingsplan (kommunen)")
        #expect(!page.periods.contains { $0.area == "Samordning" })
    }
}

import Foundation
import Hummingbird
import TrisamAgency
import TrisamContracts
import TrisamSip
import TrisamWeb

/// The printable SIP document for the meeting (SoL 2:7, HSL 16:4): who the plan is for, when
/// and where the meeting is, who takes part (the person first, närstående if they came, each
/// agency with its named contact) and who attended, the plan's goals in the person's own words,
/// who does what by when, who holds the overall responsibility and when it is followed up.
struct SipDocumentPage: Sendable {
    struct Participant: Sendable {
        var name: String
        var role: String
        var attendance: String
    }

    var frame: WebFrame
    var person: PersonLine
    var sipPath: String
    var meeting: [Fact]
    var participants: [Participant]
    var attendanceHeading: String
    var plan: [Fact]
    var hasPlan: Bool
    var actions: [Row]
    var hasActions: Bool
    var noPlan = "Ingen handlingsplan är kopplad till mötet än. Den som håller i SIP:en skapar den på personens sida."
    var printed: String
}

extension Workspace {
    /// `GET /personer/{ref}/sip/{id}/dokument`: the SIP document, as a print view.
    func sipDocument(_ request: Request, _ context: Context, _ ref: ClientRef) async throws -> Response {
        let staff = try staff(context)
        let id = context.parameters.get("id") ?? ""
        let view = try await sip.view(staff, sipId: id).value
        let summary = try await service.personSummary(staff, clientRef: ref).value
        let person = PersonLine(clientRef: ref.rawValue, identity: summary.identity)
        let grid = TimeGrid(calendar: calendar)
        var meeting = [
            Fact(label: "Kallande verksamhet", value: WorkspaceSwedish.agency(view.caller)),
            Fact(label: "Anledning", value: view.reason ?? "–"),
        ]
        if let scheduled = view.scheduled, let slot = Self.slot(scheduled.meeting) {
            meeting.append(Fact(label: "Tid", value: grid.text(slot)))
            meeting.append(Fact(label: "Plats", value: scheduled.location ?? "–"))
        } else {
            meeting.append(Fact(label: "Tid", value: "Inte bokad än (\(WorkspaceSwedish.sipState(view.state).lowercased()))"))
        }
        if let held = view.held { meeting.append(Fact(label: "Hölls", value: DateText.day(held.heldOn))) }

        // The caller is represented by its named contact for the person (its open case).
        let ownContact = view.caller == agency.rawValue ? summary.cases.first(where: \.open).flatMap { JSONText.contact($0.contact) } : nil
        let participants = Self.sipParticipants(view, callerContact: ownContact)
        let plan = try await plan(for: id, staff: staff, ref)
        var planFacts: [Fact] = []
        var actions: [Row] = []
        if let plan {
            planFacts.append(
                Fact(label: "Övergripande ansvar", value: "\(WorkspaceSwedish.agency(plan.leadAgency)) håller samman planen"))
            planFacts.append(Fact(label: "Vart vill du?", value: JSONText.string(plan.current, "personGoal") ?? "–"))
            planFacts.append(Fact(label: "Mål", value: Self.strings(plan.current, "goals").joined(separator: "; ")))
            let subGoals = Self.strings(plan.current, "subGoals")
            if !subGoals.isEmpty { planFacts.append(Fact(label: "Delmål", value: subGoals.joined(separator: "; "))) }
            planFacts.append(Fact(label: "Nästa uppföljning", value: DateText.day(plan.followUpOn)))
            actions = plan.actions.map { action in
                Row(cells: [
                    Cell(text: action.description), Cell(text: WorkspaceSwedish.agency(action.owner)),
                    Cell(text: JSONText.contact(action.ownerContact) ?? "–"), Cell(text: DateText.day(action.dueDate)),
                    Cell(text: WorkspaceSwedish.actionState(action.state)),
                ])
            }
        }
        var frame = frame(context, title: "SIP – \(person.name)", active: "")
        frame.print = true
        let model = SipDocumentPage(
            frame: frame, person: person, sipPath: "/personer/\(ref.rawValue)/sip/\(id)", meeting: meeting,
            participants: participants, attendanceHeading: view.held == nil ? "Deltar" : "Närvarande",
            plan: planFacts, hasPlan: plan != nil, actions: actions, hasActions: !actions.isEmpty,
            printed: "Utskrivet \(DateText.moment(Timestamp.format(now()))) av \(staff.name), \(WorkspaceSwedish.agency(agency.rawValue)).")
        return pages.render("sipdoc", model)
    }

    /// The plan made at this SIP, else the person's newest open plan that this agency leads.
    func plan(for sipId: String, staff: Staff, _ ref: ClientRef) async throws -> PlanView? {
        try await sip.planForSip(staff, clientRef: ref, sipId: sipId)
    }

    /// Who takes part: the person first (the SIP is made with them), närstående who came, then
    /// each invited agency with its named participant; with attendance once the meeting is held.
    static func sipParticipants(_ view: SipView, callerContact: String?) -> [SipDocumentPage.Participant] {
        let attended = view.held.map { Set($0.attendees.map(\.name)) }
        func attendance(_ name: String?) -> String {
            guard let attended else { return "Ja" }
            guard let name else { return "–" }
            return attended.contains(name) ? "Ja" : "Nej"
        }
        var result = [SipDocumentPage.Participant(name: personAttendee, role: "Den planen gäller", attendance: attendance(personAttendee))]
        for relative in view.held?.attendees.map(\.name).filter({ $0.hasPrefix(relativePrefix) }) ?? [] {
            result.append(.init(name: String(relative.dropFirst(relativePrefix.count)), role: "Närstående", attendance: "Ja"))
        }
        var agencies = [view.caller]
        agencies += view.invitations.filter { $0.answer != "declined" }.map(\.invitee).filter { $0 != view.caller }
        for agency in agencies {
            let invitation = view.invitations.first { $0.invitee == agency }
            let named = view.held?.attendees.first {
                $0.agency.rawValue == agency && !$0.name.hasPrefix(relativePrefix) && $0.name != personAttendee
            }
            let name = JSONText.contact(invitation?.participant) ?? named?.name ?? (agency == view.caller ? callerContact : nil) ?? "–"
            let came = view.held.map { held in held.attendees.contains { $0.agency.rawValue == agency } ? "Ja" : "Nej" } ?? "Ja"
            result.append(.init(name: name, role: WorkspaceSwedish.agency(agency), attendance: came))
        }
        return result
    }

    /// How a närstående is named among the attendees of `sip.held`.
    static let relativePrefix = "Närstående: "
}

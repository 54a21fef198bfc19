import Foundation
import TrisamContracts
import TrisamSip

/// A rescheduled SIP meeting across agencies, as the tests export it.
public func sampleMeeting(
    sequence: Int = 1, meeting: DateInterval = span("2026-03-30T07:00:00Z", "2026-03-30T08:30:00Z"),
    location: String? = "Socialkontoret, Storgatan 4; rum 12, plan 2\nRing på \"SIP\"\\entré B"
) -> SipMeeting {
    SipMeeting(
        sipId: "sip-2026-0042", sequence: sequence, meeting: meeting,
        personReference: SipMeeting.personReference(for: ClientRef(rawValue: "3f9a01c2d4e5f60718293a4b5c6d7e8f")!),
        caller: .kommun, agencies: [.kommun, .af, .region],
        reason: "Behov av samordning mellan försörjningsstöd, arbetsförmedling och psykiatri; tidigare planer motsäger varandra.",
        location: location, afterDischarge: true,
        organizer: CalendarParticipant(name: "Karin Ek", agency: .kommun, address: .email("karin.ek@kommun.example.se"), role: .chair),
        attendees: [
            CalendarParticipant(name: "Karin Ek", agency: .kommun, address: .email("karin.ek@kommun.example.se"), role: .chair),
            CalendarParticipant(name: "Åsa Öberg-Lindqvist", agency: .af, address: .email("asa.oberg@af.example.se")),
            CalendarParticipant(name: "Rehabkoordinator", agency: .region, address: .agency(.region), status: .needsAction),
        ])
}

import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP
import TrisamMail
import TrisamSip

/// What the agency service mails about the SIP meetings it calls, in the transaction of the
/// SIP fact: the invitation to each invited agency's named contact, the booking, each new time
/// and the cancellation to every named participant, and the reminder to a contact whose answer
/// is overdue. Only named people with an e-mail address get mail; one mail per person and fact,
/// with a `Message-ID` made of the SIP, the fact and the address, so the same fact never queues
/// a second mail. The agency that calls the SIP sends all of it (it alone knows every answer).
enum SipMail {
    /// The addresses the caller gave for a SIP (`contacts` of the request), by agency.
    static func storeContacts(_ db: Database, sipId: String, _ contacts: [Agency: Contact]) throws {
        for (agency, contact) in contacts {
            try db.execute(
                sql: "INSERT OR REPLACE INTO sipMailContact (sipId, agency, name, email) VALUES (?, ?, ?, ?)",
                arguments: [sipId, agency.rawValue, contact.name, contact.email])
        }
    }

    static func contacts(_ db: Database, sipId: String) throws -> [Agency: Contact] {
        var contacts: [Agency: Contact] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM sipMailContact WHERE sipId = ?", arguments: [sipId]) {
            guard let agency = Agency(rawValue: row["agency"]) else { continue }
            contacts[agency] = Contact(name: row["name"], email: row["email"])
        }
        return contacts
    }

    /// `<sipId>.<fact>.<hash of the address>@<agency>.sip.trisam`.
    static func messageId(sipId: String, fact: String, recipient: String, agency: Agency) -> String {
        // FNV-1a of the address: stable across runs and processes (Swift's Hasher is not).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in recipient.lowercased().utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "\(sipId).\(fact).\(String(hash, radix: 16))@\(agency.rawValue).sip.trisam"
    }

    /// The invitations of a SIP just requested: one to each invited agency's contact with an address.
    static func queueInvitations(_ db: Database, sipId: String, mail: MailConfiguration) throws {
        guard let sip = try SipStore.sip(db, sipId) else { return }
        let contacts = try contacts(db, sipId: sipId)
        let organizer = contacts[sip.caller]?.name ?? sip.organizer ?? sip.caller.displayName
        for invitation in try SipStore.invitations(db, sipId) {
            guard let contact = contacts[invitation.invitee], let address = contact.email else { continue }
            let text = MailTexts.invitation(
                to: contact.name, invitee: invitation.invitee, caller: sip.caller, organizer: organizer, answerBy: invitation.answerBy,
                reference: MailTexts.reference(sipId: sipId), link: mail.workspaceURL)
            try MailOutbox.enqueue(
                .init(
                    messageId: messageId(sipId: sipId, fact: "invitation", recipient: address, agency: sip.caller), kind: "sip.invitation",
                    sipId: sipId, recipient: address, recipientName: contact.name, text: text, calendar: nil), db)
        }
    }

    /// The reminder to the contact of an invitation that is overdue.
    static func queueReminder(_ db: Database, sipId: String, invitee: Agency, answerBy: LocalDate, mail: MailConfiguration) throws {
        guard let sip = try SipStore.sip(db, sipId) else { return }
        let contacts = try contacts(db, sipId: sipId)
        guard let contact = contacts[invitee], let address = contact.email else { return }
        let text = MailTexts.reminder(
            to: contact.name, invitee: invitee, caller: sip.caller, organizer: contacts[sip.caller]?.name ?? sip.organizer ?? "",
            answerBy: answerBy, reference: MailTexts.reference(sipId: sipId), link: mail.workspaceURL)
        try MailOutbox.enqueue(
            .init(
                messageId: messageId(sipId: sipId, fact: "reminder", recipient: address, agency: sip.caller), kind: "sip.reminder",
                sipId: sipId, recipient: address, recipientName: contact.name, text: text, calendar: nil), db)
    }

    /// A named participant of a booked meeting, with the address mail reaches them at.
    struct Participant: Sendable, Hashable {
        var agency: Agency
        var name: String
        var email: String?
    }

    /// The booked meeting's named participants: the organizer first, then each accepting
    /// agency's participant, with the address of their answer or, for the same name, the one
    /// the caller gave.
    static func participants(_ db: Database, _ sip: SipStore.SipRow) throws -> [Participant] {
        let contacts = try contacts(db, sipId: sip.sipId)
        let answered = Dictionary(
            try SipStore.invitations(db, sip.sipId).compactMap { row in row.participant.map { (row.invitee, $0) } },
            uniquingKeysWith: { first, _ in first })
        return sip.attendees.map { attendee in
            let given = contacts[attendee.agency].flatMap { $0.name == attendee.name ? $0.email : nil }
            let email = attendee.agency == sip.caller ? contacts[sip.caller]?.email : (answered[attendee.agency]?.email ?? given)
            return Participant(agency: attendee.agency, name: attendee.name, email: email)
        }
    }

    /// The addresses of `participants` by agency, for those that have one.
    static func addresses(_ participants: [Participant]) -> [Agency: String] {
        var addresses: [Agency: String] = [:]
        for participant in participants {
            if let email = participant.email, addresses[participant.agency] == nil { addresses[participant.agency] = email }
        }
        return addresses
    }

    /// The booking (sequence 0) or new time of the SIP as it is now stored, with the calendar
    /// invitation (METHOD:REQUEST) to every named participant with an address.
    static func queueScheduled(_ db: Database, sipId: String, mail: MailConfiguration, stamp: Date) throws {
        guard let sip = try SipStore.sip(db, sipId), let meeting = sip.meeting, let sequence = sip.sequence else { return }
        let people = try participants(db, sip)
        let export = try calendarMeeting(sip, meeting: meeting, sequence: sequence, people: people)
        let ics = try render { try SipCalendar().request(export, stamp: stamp) }
        let fact = sequence == 0 ? "scheduled" : "rescheduled-\(sequence)"
        for person in people {
            guard let address = person.email else { continue }
            let text = MailTexts.scheduled(
                to: person.name, meeting: describe(sip, meeting, export), sequence: sequence, link: mail.workspaceURL)
            try MailOutbox.enqueue(
                .init(
                    messageId: messageId(sipId: sipId, fact: fact, recipient: address, agency: sip.caller),
                    kind: sequence == 0 ? "sip.scheduled" : "sip.rescheduled", sipId: sipId, recipient: address, recipientName: person.name,
                    text: text, calendar: CalendarAttachment(method: "REQUEST", content: ics)), db)
        }
    }

    /// The cancellation of the SIP just cancelled: to the booked meeting's participants with the
    /// calendar cancellation (METHOD:CANCEL), or, before a booking, to the invited contacts.
    static func queueCancelled(_ db: Database, sipId: String, mail: MailConfiguration, stamp: Date) throws {
        guard let sip = try SipStore.sip(db, sipId) else { return }
        let reference = MailTexts.reference(sipId: sipId)
        let contacts = try contacts(db, sipId: sipId)
        let organizer = contacts[sip.caller]?.name ?? sip.organizer ?? sip.caller.displayName
        if let meeting = sip.meeting, let sequence = sip.sequence {
            let people = try participants(db, sip)
            let export = try calendarMeeting(sip, meeting: meeting, sequence: sequence, people: people)
            // The reason stays in Trisam: it may say why the person cannot come.
            let ics = try render { try SipCalendar().cancellation(of: export, reason: "se Trisam", stamp: stamp) }
            for person in people {
                guard let address = person.email else { continue }
                let text = MailTexts.cancelled(
                    to: person.name, meeting: describe(sip, meeting, export), caller: sip.caller, organizer: organizer,
                    reference: reference, link: mail.workspaceURL)
                try MailOutbox.enqueue(
                    .init(
                        messageId: messageId(sipId: sipId, fact: "cancelled", recipient: address, agency: sip.caller),
                        kind: "sip.cancelled",
                        sipId: sipId, recipient: address, recipientName: person.name, text: text,
                        calendar: CalendarAttachment(method: "CANCEL", content: ics)), db)
            }
            return
        }
        let declined = Set(try SipStore.invitations(db, sipId).filter { $0.answer == .declined }.map(\.invitee))
        for (agency, contact) in contacts.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where agency != sip.caller && !declined.contains(agency) {
            guard let address = contact.email else { continue }
            let text = MailTexts.cancelled(
                to: contact.name, meeting: nil, caller: sip.caller, organizer: organizer, reference: reference, link: mail.workspaceURL)
            try MailOutbox.enqueue(
                .init(
                    messageId: messageId(sipId: sipId, fact: "cancelled", recipient: address, agency: sip.caller), kind: "sip.cancelled",
                    sipId: sipId, recipient: address, recipientName: contact.name, text: text, calendar: nil), db)
        }
    }

    /// The meeting for the mailed `.ics`: the attendees' real addresses where known (an agency
    /// URN otherwise), the SIP's mail reference instead of the person's, no reason, nothing
    /// about a discharge.
    static func calendarMeeting(_ sip: SipStore.SipRow, meeting: TimeSlot, sequence: Int, people: [Participant]) throws -> SipMeeting {
        let attendees = people.map { person in
            CalendarParticipant(
                name: person.name, agency: person.agency, address: person.email.map(CalendarAddress.email) ?? .agency(person.agency),
                role: person.agency == sip.caller ? .chair : .required, status: .accepted)
        }
        let organizer =
            attendees.first(where: { $0.agency == sip.caller })
            ?? CalendarParticipant(name: sip.caller.displayName, agency: sip.caller, address: .agency(sip.caller), role: .chair)
        return SipMeeting(
            sipId: sip.sipId, sequence: sequence, meeting: DateInterval(start: meeting.start, end: meeting.end),
            personReference: MailTexts.reference(sipId: sip.sipId), caller: sip.caller, agencies: sip.participants,
            location: sip.location, afterDischarge: false, organizer: organizer, attendees: attendees.isEmpty ? [organizer] : attendees)
    }

    private static func describe(_ sip: SipStore.SipRow, _ meeting: TimeSlot, _ export: SipMeeting) -> MailTexts.Meeting {
        MailTexts.Meeting(
            start: meeting.start, end: meeting.end, location: sip.location, caller: sip.caller, organizer: export.organizer.name,
            agencies: sip.participants, reference: export.personReference)
    }

    private static func render(_ write: () throws -> String) throws -> String {
        do {
            return try write()
        } catch let error as CalendarExportError {
            throw APIError.conflict("the meeting cannot be written as a calendar file for e-mail: \(error.description)", field: error.field)
        }
    }
}

extension RequestSipRequest {
    /// The named contacts of the request (`contacts`, by agency): only the caller and invited
    /// agencies, each a valid contact whose address follows the e-mail rule.
    func mailContacts(caller: Agency) throws(APIError) -> [Agency: Contact] {
        var result: [Agency: Contact] = [:]
        for (key, contact) in (contacts ?? [:]).sorted(by: { $0.key < $1.key }) {
            let field = "contacts.\(key)"
            guard let agency = Agency(rawValue: key) else {
                throw .invalid(field, "must be named by one of \(Agency.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard agency == caller || invited.contains(agency) else {
                throw .invalid(field, "must be the calling agency (\(caller.rawValue)) or one of invited")
            }
            do { try contact.validate(field) } catch { throw .violation(error) }
            result[agency] = contact
        }
        return result
    }
}

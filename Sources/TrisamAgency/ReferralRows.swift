import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP

/// A referral as stored by either side.
struct StoredReferral {
    let referralId: String
    let clientRef: ClientRef
    let from: Agency
    let to: Agency
    let area: Area
    let state: ReferralState
}

/// Referral rows: the same table on the sender's and the receiver's side.
enum ReferralRows {
    static func insert(_ db: Database, _ clientRef: ClientRef, _ sent: ReferralSent) throws {
        let now = AgencyStore.now()
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO referral (referralId, clientRef, fromAgency, toAgency, area, reason, requestedMeasure, answerBy,
                                                state, sentAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sent', ?, ?)
                """,
            arguments: [
                sent.referralId, clientRef.rawValue, sent.from.rawValue, sent.to.rawValue, sent.area.rawValue,
                sent.reason, sent.requestedMeasure, sent.answerBy?.description, now, now,
            ])
    }

    static func fetch(_ db: Database, _ referralId: String) throws -> StoredReferral? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM referral WHERE referralId = ?", arguments: [referralId]),
            let clientRef = ClientRef(rawValue: row["clientRef"]), let from = Agency(rawValue: row["fromAgency"]),
            let to = Agency(rawValue: row["toAgency"]), let area = Area(rawValue: row["area"]),
            let state = ReferralState(rawValue: row["state"])
        else { return nil }
        return StoredReferral(referralId: referralId, clientRef: clientRef, from: from, to: to, area: area, state: state)
    }

    /// Records a transition and what it carried.
    static func apply(
        _ db: Database, _ referralId: String, _ state: ReferralState, _ action: ReferralAction,
        text: String?, contact: Contact?
    ) throws {
        let column: String? =
            switch action {
            case .received: nil
            case .accept: "contact"
            case .reject: "rejectReason"
            case .update: "lastNote"
            case .close: "outcome"
            case .cancel: "cancelReason"
            }
        let value: String? = action == .accept ? contact.map { AgencyStore.json($0) } : text
        if let column {
            try db.execute(
                sql: "UPDATE referral SET state = ?, \(column) = ?, updatedAt = ? WHERE referralId = ?",
                arguments: [state.rawValue, value, AgencyStore.now(), referralId])
        } else {
            try db.execute(
                sql: "UPDATE referral SET state = ?, updatedAt = ? WHERE referralId = ?",
                arguments: [state.rawValue, AgencyStore.now(), referralId])
        }
    }

    /// The event an action publishes.
    static func event(for action: ReferralAction, _ referral: StoredReferral, text: String?, contact: Contact?) throws -> TrisamEvent {
        let (id, from, to) = (referral.referralId, referral.from, referral.to)
        switch action {
        case .received: return .referralReceived(ReferralReceived(referralId: id, from: from, to: to))
        case .accept: return .referralAccepted(ReferralAccepted(referralId: id, from: from, to: to, contact: contact!))
        case .reject: return .referralRejected(ReferralRejected(referralId: id, from: from, to: to, reason: text!))
        case .update: return .referralUpdated(ReferralUpdated(referralId: id, from: from, to: to, note: text!))
        case .close: return .referralClosed(ReferralClosed(referralId: id, from: from, to: to, outcome: text!))
        case .cancel: return .referralCancelled(ReferralCancelled(referralId: id, from: from, to: to, reason: text!))
        }
    }

    /// The action an incoming referral event stands for, with what it carried.
    static func action(of event: TrisamEvent) -> (id: String, action: ReferralAction, text: String?, contact: Contact?)? {
        switch event {
        case .referralReceived(let p): (p.referralId, .received, nil, nil)
        case .referralAccepted(let p): (p.referralId, .accept, nil, p.contact)
        case .referralRejected(let p): (p.referralId, .reject, p.reason, nil)
        case .referralUpdated(let p): (p.referralId, .update, p.note, nil)
        case .referralClosed(let p): (p.referralId, .close, p.outcome, nil)
        case .referralCancelled(let p): (p.referralId, .cancel, p.reason, nil)
        default: nil
        }
    }

    /// A referral row for the person summary.
    static func json(_ row: Row) -> PersonSummaryBody.Referral {
        PersonSummaryBody.Referral(
            referralId: row["referralId"], from: row["fromAgency"], to: row["toAgency"], area: row["area"], reason: row["reason"],
            requestedMeasure: row["requestedMeasure"], answerBy: row["answerBy"], state: row["state"], lastNote: row["lastNote"],
            outcome: row["outcome"], rejectReason: row["rejectReason"], cancelReason: row["cancelReason"], sentAt: row["sentAt"],
            updatedAt: row["updatedAt"], contact: JSONValue(parsing: row["contact"]))
    }
}

/// What one agency knows about a person.
enum PersonSummary {
    static func read(_ db: Database, _ clientRef: ClientRef, agency: Agency, today: LocalDate) throws -> PersonSummaryBody {
        let ref = clientRef.rawValue
        let cases = try Row.fetchAll(db, sql: "SELECT * FROM caseFile WHERE clientRef = ? ORDER BY id", arguments: [ref]).map { row in
            PersonSummaryBody.Case(
                area: row["area"], contact: JSONValue(parsing: row["contact"]), openedOn: row["openedOn"],
                closedOn: row["closedOn"], closeReason: row["closeReason"], handoverTo: row["handoverTo"],
                open: (row["closedOn"] as String?) == nil)
        }
        let consents = try AgencyStore.consents(db, clientRef).map { consent in
            PersonSummaryBody.Consent(
                consentId: consent.consentId, purpose: consent.purpose.rawValue,
                agencies: consent.agencies.map(\.rawValue).sorted(), givenOn: consent.givenOn.description,
                validUntil: consent.validUntil.description, withdrawnOn: consent.withdrawnOn?.description,
                valid: consent.isValid(on: today))
        }
        let referrals = try Row.fetchAll(db, sql: "SELECT * FROM referral WHERE clientRef = ? ORDER BY sentAt", arguments: [ref])
        let handovers = try Row.fetchAll(db, sql: "SELECT * FROM handover WHERE clientRef = ? ORDER BY requestedAt", arguments: [ref]).map {
            row in
            PersonSummaryBody.Handover(
                handoverId: row["handoverId"], area: row["area"], from: row["fromAgency"], to: row["toAgency"],
                reason: row["reason"], state: row["state"], refusalReason: row["refusalReason"],
                contact: JSONValue(parsing: row["contact"]), requestedAt: row["requestedAt"],
                answeredAt: row["answeredAt"])
        }
        let statuses = try Row.fetchAll(
            db, sql: "SELECT * FROM status WHERE clientRef = ? ORDER BY publishedAt DESC LIMIT 20", arguments: [ref]
        ).map { row in
            PersonSummaryBody.Status(
                eventId: row["eventId"], type: row["type"], payload: JSONValue(parsing: row["payload"]),
                publishedAt: row["publishedAt"])
        }
        let inbox = try Row.fetchAll(db, sql: "SELECT * FROM inbox WHERE clientRef = ? ORDER BY seq DESC LIMIT 20", arguments: [ref]).map(
            InboxRows.item)
        return PersonSummaryBody(
            clientRef: ref, agency: agency.rawValue, cases: cases, consents: consents,
            referralsSent: referrals.filter { ($0["fromAgency"] as String) == agency.rawValue }.map(ReferralRows.json),
            referralsReceived: referrals.filter { ($0["toAgency"] as String) == agency.rawValue }.map(ReferralRows.json),
            handovers: handovers, statuses: statuses, inbox: inbox)
    }
}

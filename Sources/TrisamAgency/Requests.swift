import Foundation
import TrisamContracts
import TrisamHTTP

// Request bodies of the agency API and their checks. Pure: no I/O. Each `validated` method turns
// a decoded body into the event payload it produces, or refuses it naming the field.

/// Date rules shared by the requests, relative to `today` (Swedish local date).
public struct DateRules: Sendable {
    /// Today's date for the checks.
    public let today: LocalDate
    /// How far back an event date may lie (10 years).
    public static let maxPastDays = 3653
    /// How long a consent may be valid beyond the day it was given (5 years).
    public static let maxConsentDays = 1827
    /// How far ahead an answer date may lie (1 year).
    public static let maxAnswerDays = 366
    /// How far ahead a status's start, effective or end date may lie (1 year): decisions and
    /// sick notes are registered ahead of the day they take effect, not years ahead.
    public static let maxAheadDays = 366
    /// How far ahead the end of a granted aktivitetsersättning may lie (3 years: it is granted
    /// for at most three years at a time).
    public static let maxAktivitetsersattningDays = 1096
    /// How far ahead a plan action may be due (2 years).
    public static let maxDueDays = 731

    public init(today: LocalDate) { self.today = today }

    /// The Gregorian calendar in Europe/Stockholm (made once: creating one per request is costly).
    static let stockholm: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? TimeZone(secondsFromGMT: 3600)!
        return calendar
    }()

    /// Today in Sweden.
    public static func swedishToday(_ now: Date = Date()) -> LocalDate {
        let parts = stockholm.dateComponents([.year, .month, .day], from: now)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// A date something happened: not in the future, at most ten years back.
    public func happened(_ date: LocalDate, _ field: String) throws(APIError) {
        if date > today { throw .invalid(field, "must not be in the future (today is \(today)), got \(date)") }
        if date < today.adding(days: -Self.maxPastDays) {
            throw .invalid(field, "must not be more than 10 years back (before \(today.adding(days: -Self.maxPastDays))), got \(date)")
        }
    }

    /// A date at most ten years back and at most `aheadDays` ahead (`ahead` says it in words),
    /// refused naming the field and the window.
    public func within(_ date: LocalDate, _ field: String, aheadDays: Int, ahead: String) throws(APIError) {
        let earliest = today.adding(days: -Self.maxPastDays)
        let latest = today.adding(days: aheadDays)
        if date < earliest || date > latest {
            throw .invalid(
                field, "must lie from \(earliest) to \(latest) (at most 10 years back and at most \(ahead) ahead of today), got \(date)")
        }
    }
}

/// `POST /persons`: a personnummer (or samordningsnummer) or a reservnummer, and the name.
public struct RegisterPersonRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["personnummer", "reservnummer", "name"]
    public var personnummer: String?
    public var reservnummer: String?
    public var name: String?

    /// The identity; errors never echo the number or the name.
    public func validated(now: Date = Date()) throws(APIError) -> PersonIdentity {
        if let name {
            do { try Check.name(name, "name") } catch { throw .violation(error) }
        }
        return try IdentityFields.identity(personnummer: personnummer, reservnummer: reservnummer, name: name, now: now)
    }
}

/// `POST /persons/search`: the number to look for (never in a URL).
public struct SearchPersonRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["personnummer", "reservnummer"]
    public var personnummer: String?
    public var reservnummer: String?

    /// The identity looked for (without a name).
    public func validated(now: Date = Date()) throws(APIError) -> PersonIdentity {
        try IdentityFields.identity(personnummer: personnummer, reservnummer: reservnummer, name: nil, now: now)
    }
}

/// Exactly one of `personnummer` and `reservnummer`.
enum IdentityFields {
    static func identity(personnummer: String?, reservnummer: String?, name: String?, now: Date) throws(APIError) -> PersonIdentity {
        switch (personnummer, reservnummer) {
        case (let text?, nil):
            do {
                return PersonIdentity(try PersonalIdentityNumber(text, referenceDate: now), name: name)
            } catch {
                throw .invalid("personnummer", "is not valid: \(error.description)")
            }
        case (nil, let text?):
            guard let number = Reservnummer(text) else {
                throw .invalid("reservnummer", "must be 6 to 20 upper-case letters A-Z and digits, with at least one of each")
            }
            return PersonIdentity(number, name: name)
        case (nil, nil):
            throw APIError(status: 400, code: .missingField, field: "personnummer", message: "personnummer or reservnummer is required")
        case (.some, .some):
            throw .invalid("reservnummer", "give either personnummer or reservnummer, not both")
        }
    }
}

/// `POST /persons/{clientRef}/consents`.
public struct ConsentRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["purpose", "agencies", "validUntil", "givenOn"]
    public var purpose: ConsentPurpose
    public var agencies: [Agency]
    public var validUntil: LocalDate
    public var givenOn: LocalDate

    public func validated(by agency: Agency, consentId: String, rules: DateRules) throws(APIError) -> ConsentGiven {
        let payload = ConsentGiven(consentId: consentId, purpose: purpose, agencies: agencies, validUntil: validUntil, givenOn: givenOn)
        do { try payload.validate() } catch { throw .violation(error) }
        if !agencies.contains(agency) {
            throw .invalid("agencies", "must include this agency (\(agency.rawValue)), which registers the consent")
        }
        try rules.happened(givenOn, "givenOn")
        if validUntil < rules.today { throw .invalid("validUntil", "must not be in the past (today is \(rules.today)), got \(validUntil)") }
        if validUntil > givenOn.adding(days: DateRules.maxConsentDays) {
            throw .invalid(
                "validUntil", "must be at most 5 years after givenOn (\(givenOn.adding(days: DateRules.maxConsentDays))), got \(validUntil)"
            )
        }
        return payload
    }
}

/// `POST /persons/{clientRef}/consents/{consentId}/withdraw`.
public struct WithdrawConsentRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["withdrawnOn"]
    public var withdrawnOn: LocalDate

    public func validated(consentId: String, rules: DateRules) throws(APIError) -> ConsentWithdrawn {
        try rules.happened(withdrawnOn, "withdrawnOn")
        return ConsentWithdrawn(consentId: consentId, withdrawnOn: withdrawnOn)
    }
}

/// `POST /persons/{clientRef}/cases`.
public struct OpenCaseRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["area", "contact", "openedOn"]
    public var area: Area
    public var contact: Contact
    public var openedOn: LocalDate

    public func validated(rules: DateRules) throws(APIError) -> CaseOpened {
        let payload = CaseOpened(area: area, contact: contact, openedOn: openedOn)
        do { try payload.validate() } catch { throw .violation(error) }
        try rules.happened(openedOn, "openedOn")
        return payload
    }
}

/// `POST /persons/{clientRef}/cases/{area}/close`. Closing by handover happens only through the
/// handover flow.
public struct CloseCaseRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["reason", "closedOn"]
    public var reason: CaseCloseReason
    public var closedOn: LocalDate

    public func validated(area: Area, rules: DateRules) throws(APIError) -> CaseClosed {
        if reason == .handover {
            throw .invalid(
                "reason",
                "handover is set only when a handover is accepted; use POST /persons/{clientRef}/handovers; allowed here: completed, moved, deceased, other"
            )
        }
        try rules.happened(closedOn, "closedOn")
        return CaseClosed(area: area, reason: reason, closedOn: closedOn)
    }
}

/// `POST /persons/{clientRef}/cases/{area}/contact`.
public struct ChangeContactRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["contact", "changedOn"]
    public var contact: Contact
    public var changedOn: LocalDate

    public func validated(area: Area, rules: DateRules) throws(APIError) -> CaseContactChanged {
        let payload = CaseContactChanged(area: area, contact: contact, changedOn: changedOn)
        do { try payload.validate() } catch { throw .violation(error) }
        try rules.happened(changedOn, "changedOn")
        return payload
    }
}

/// `POST /persons/{clientRef}/handovers`.
public struct HandoverRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["area", "to", "reason"]
    public var area: Area
    public var to: Agency
    public var reason: String

    public func validated(from agency: Agency, handoverId: String) throws(APIError) -> HandoverRequested {
        if to == agency { throw .invalid("to", "must name another agency than \(agency.rawValue)") }
        let payload = HandoverRequested(handoverId: handoverId, area: area, to: to, reason: reason)
        do { try payload.validate() } catch { throw .violation(error) }
        return payload
    }
}

/// `POST /handovers/{handoverId}/accept`.
public struct AcceptHandoverRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["contact", "acceptedOn"]
    public var contact: Contact
    public var acceptedOn: LocalDate

    public func validated(handoverId: String, area: Area, from: Agency, rules: DateRules) throws(APIError) -> (HandoverAccepted, CaseOpened)
    {
        let accepted = HandoverAccepted(handoverId: handoverId, area: area, from: from, contact: contact)
        do { try accepted.validate() } catch { throw .violation(error) }
        try rules.happened(acceptedOn, "acceptedOn")
        return (accepted, CaseOpened(area: area, contact: contact, openedOn: acceptedOn))
    }
}

/// A body with a free-text field (`reason`, `note`, `outcome`).
public struct TextRequest: Sendable {
    public let field: String
    public let text: String

    /// Decodes `{"<field>": "…"}` with nothing else.
    public static func decode(_ data: Data, field: String) throws(APIError) -> TextRequest {
        let object = try StrictBody.object(data)
        for key in object.keys.sorted() where key != field { throw .unknownField(key) }
        guard let value = object[field] else { throw .missing(field) }
        guard let text = value as? String else { throw .invalid(field, "must be a string") }
        do { try Check.text(text, field) } catch { throw .violation(error) }
        return TextRequest(field: field, text: text)
    }
}

/// `POST /referrals/{id}/accept`.
public struct AcceptReferralRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["contact"]
    public var contact: Contact
}

/// An empty body (`{}` or nothing), for `POST /referrals/{id}/received`.
public enum EmptyBody {
    public static func check(_ data: Data) throws(APIError) {
        if data.isEmpty { return }
        let object = try StrictBody.object(data)
        if let key = object.keys.sorted().first { throw .unknownField(key) }
    }
}

/// `POST /persons/{clientRef}/referrals`.
public struct ReferralRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["to", "area", "reason", "requestedMeasure", "answerBy"]
    public var to: Agency
    public var area: Area
    public var reason: String
    public var requestedMeasure: String
    public var answerBy: LocalDate?

    public func validated(from agency: Agency, referralId: String, rules: DateRules) throws(APIError) -> ReferralSent {
        if to == agency { throw .invalid("to", "must name another agency than \(agency.rawValue)") }
        let payload = ReferralSent(
            referralId: referralId, from: agency, to: to, reason: reason,
            requestedMeasure: requestedMeasure, area: area, answerBy: answerBy)
        do { try payload.validate() } catch { throw .violation(error) }
        if let answerBy {
            if answerBy < rules.today { throw .invalid("answerBy", "must not be in the past (today is \(rules.today)), got \(answerBy)") }
            if answerBy > rules.today.adding(days: DateRules.maxAnswerDays) {
                throw .invalid(
                    "answerBy", "must be within one year (by \(rules.today.adding(days: DateRules.maxAnswerDays))), got \(answerBy)")
            }
        }
        return payload
    }
}

/// `POST /persons/{clientRef}/statuses`: `{"type": "<status type>", "payload": {…}}`. The payload
/// is checked by the event contract itself (strictly, unknown fields refused).
public struct StatusRequest: Sendable {
    public let envelope: EventEnvelope

    /// Decodes and validates a status change of `agency` about `clientRef`.
    public static func decode(
        _ data: Data, agency: Agency, clientRef: ClientRef, rules: DateRules,
        eventId: String = EventID.random(), now: Date = Date()
    ) throws(APIError) -> StatusRequest {
        let object = try StrictBody.object(data)
        for key in object.keys.sorted() where key != "type" && key != "payload" { throw .unknownField(key) }
        let allowed = EventType.statusTypes(of: agency)
        let allowedList = allowed.map(\.rawValue).joined(separator: ", ")
        guard let typeValue = object["type"] else { throw .missing("type") }
        guard let typeName = typeValue as? String else { throw .invalid("type", "must be a string") }
        guard let type = EventType(rawValue: typeName), allowed.contains(type) else {
            throw APIError(
                status: 400, code: .invalidField, field: "type",
                message: "type \"\(typeName.prefix(60))\" is not in \(agency.rawValue)'s vocabulary; allowed: \(allowedList)")
        }
        guard let payloadValue = object["payload"] else { throw .missing("payload") }
        guard let payloadObject = payloadValue as? [String: Any] else {
            throw .invalid("payload", "must be a JSON object")
        }
        let envelope: EventEnvelope
        do {
            // The wire carries milliseconds; the stored event has the same time as the published one.
            let time = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
            envelope = try EventEnvelope(
                id: eventId, source: .agency(agency), time: time, subject: clientRef, type: type,
                payloadAt: "payload", in: data, parsedPayload: payloadObject)
        } catch {
            switch error {
            case .invalidPayload(let violation): throw .violation(violation, prefix: "payload")
            case .sourceNotAllowed(let reason): throw .invalid("type", reason)
            case .malformedJSON(let reason): throw .invalid("payload", reason)
            default: throw .invalid("payload", error.description)
            }
        }
        // The payload decoded strictly (no unknown fields), so its keys are the contract's.
        try StatusDates.check(payloadObject, type: type, rules: rules)
        return StatusRequest(envelope: envelope)
    }
}

/// Date checks on status payloads (every date of every status type is a first-level field):
/// the day something was registered, attempted, assessed or reached lies in the last ten years
/// and not in the future; a start, effective or end date lies in the last ten years or at most
/// one year ahead (three years for the end of a granted aktivitetsersättning); a reported month
/// lies in the last ten years and not after this month. contracts/openapi.yaml states the same.
enum StatusDates {
    /// Fields of a fact that has happened by the time it is registered.
    static let happened: Set<String> = ["registeredOn", "attemptedOn", "assessedOn", "deregisteredOn", "reachedOn"]
    /// Fields of a day that may be registered ahead of it.
    static let ahead: Set<String> = ["startDate", "effectiveDate", "from", "until", "endDate", "endedOn"]

    static func check(_ object: [String: Any], type: EventType, rules: DateRules) throws(APIError) {
        for key in object.keys.sorted() {
            guard let text = object[key] as? String else { continue }
            let field = "payload.\(key)"
            if key == "month", let month = YearMonth(text) {
                let current = YearMonth(year: rules.today.year, month: rules.today.month)!
                let earliest = rules.today.adding(days: -DateRules.maxPastDays)
                let first = YearMonth(year: earliest.year, month: earliest.month)!
                if month > current || month < first {
                    throw .invalid(
                        field, "must lie from \(first) to \(current) (at most 10 years back, not after this month), got \(month)")
                }
                continue
            }
            guard let date = LocalDate(text) else { continue }
            if happened.contains(key) {
                try rules.happened(date, field)
            } else if ahead.contains(key) {
                if type == .fkAktivitetsersattningGranted, key == "until" {
                    try rules.within(date, field, aheadDays: DateRules.maxAktivitetsersattningDays, ahead: "3 years")
                } else {
                    try rules.within(date, field, aheadDays: DateRules.maxAheadDays, ahead: "1 year")
                }
            }
        }
    }
}

struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

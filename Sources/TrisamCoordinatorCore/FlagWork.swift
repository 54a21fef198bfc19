import Foundation
import TrisamContracts

/// Pure: the work coordinators do on one flag (issue 21) and which action is allowed when.
///
/// A flag has at most one owner (a coordinator who took it, or a named person at an agency it is
/// assigned to), at most one agreed next step, and may be parked: set aside until a day (it is
/// back in the queue from that day, or at once when the person's situation changes) or closed as
/// no gap (back only when the situation changes). A flag that resolves by itself ends its work:
/// no action is allowed on it after that.
public struct FlagWork: Sendable, Equatable {
    /// Who works the flag.
    public enum Owner: Sendable, Equatable {
        /// A coordinator took it (their name).
        case coordinator(String)
        /// It is assigned to a named person at an agency.
        case assignee(Contact, Agency)

        /// The name the filter "Mina" compares with the one logged in.
        public var name: String {
            switch self {
            case .coordinator(let name): name
            case .assignee(let contact, _): contact.name
            }
        }
    }

    /// Why a flag is out of the queue.
    public enum Parked: Sendable, Equatable {
        /// Set aside until `until` (back in the queue on that day).
        case aside(until: LocalDate, reason: String)
        /// Closed as no gap.
        case closed(reason: String)
    }

    /// A step agreed, to be done by a day.
    public struct NextStep: Sendable, Equatable {
        public var text: String
        public var dueOn: LocalDate

        public init(text: String, dueOn: LocalDate) {
            self.text = text
            self.dueOn = dueOn
        }
    }

    public var owner: Owner?
    public var parked: Parked?
    public var nextStep: NextStep?
    /// Whether the flag resolved (its work ended).
    public var ended: Bool

    public init(owner: Owner? = nil, parked: Parked? = nil, nextStep: NextStep? = nil, ended: Bool = false) {
        self.owner = owner
        self.parked = parked
        self.nextStep = nextStep
        self.ended = ended
    }

    /// Longest set-aside, in days.
    public static let maxAsideDays = 365

    /// Whether the flag is set aside on `today` (the day it comes back, it is not).
    public func isAside(on today: LocalDate) -> Bool {
        if case .aside(let until, _) = parked { return until > today }
        return false
    }

    /// Whether the flag is closed as no gap.
    public var isClosed: Bool {
        if case .closed = parked { return true }
        return false
    }

    /// Whether the flag belongs in the normal queue on `today`: not resolved, not closed, not set aside.
    public func isInQueue(on today: LocalDate) -> Bool { !ended && !isClosed && !isAside(on: today) }

    /// Whether a change in the person's situation brings the flag back (it is out of the queue
    /// and not resolved).
    public func reopensOnChange(today: LocalDate) -> Bool { !ended && (isClosed || isAside(on: today)) }

    /// The flag back in the queue (parked no longer).
    public func reopened() -> FlagWork {
        var copy = self
        copy.parked = nil
        return copy
    }

    /// The work after `action` by `actor` on `today`, or the refusal naming the field and why.
    public func applying(_ action: FlagAction, by actor: String, today: LocalDate) throws(FlagWorkRefusal) -> FlagWork {
        if ended { throw FlagWorkRefusal(.resolved, field: nil) }
        if isClosed, action.kind != .comment { throw FlagWorkRefusal(.closed, field: nil) }
        var next = self
        switch action {
        case .take:
            if owner == .coordinator(actor) { throw FlagWorkRefusal(.alreadyYours, field: nil) }
            next.owner = .coordinator(actor)
        case .assign(let contact, let agency):
            try Self.check(name: contact.name, field: "name")
            if let phone = contact.phone {
                let trimmed = phone.trimmingCharacters(in: .whitespaces)
                guard (3...30).contains(trimmed.count),
                    trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == " " || $0 == "-" || $0 == "+") })
                else { throw FlagWorkRefusal(.badPhone, field: "phone") }
            }
            let assignee = Contact(name: contact.name.trimmed, phone: contact.phone?.trimmed)
            if owner == .assignee(assignee, agency) { throw FlagWorkRefusal(.alreadyAssigned, field: "name") }
            next.owner = .assignee(assignee, agency)
        case .comment(let text):
            try Self.check(text: text, field: "comment")
        case .nextStep(let text, let dueOn):
            try Self.check(text: text, field: "nextStep")
            guard dueOn >= today else { throw FlagWorkRefusal(.dueInPast, field: "dueOn") }
            next.nextStep = NextStep(text: text.trimmed, dueOn: dueOn)
        case .setAside(let until, let reason):
            guard until > today else { throw FlagWorkRefusal(.asideNotFuture, field: "until") }
            guard until <= today.adding(days: Self.maxAsideDays) else { throw FlagWorkRefusal(.asideTooLong, field: "until") }
            try Self.check(text: reason, field: "reason")
            next.parked = .aside(until: until, reason: reason.trimmed)
        case .close(let reason):
            try Self.check(text: reason, field: "reason")
            next.parked = .closed(reason: reason.trimmed)
        }
        return next
    }

    static func check(text: String, field: String) throws(FlagWorkRefusal) {
        do { try Check.text(text, field) } catch { throw FlagWorkRefusal(violation: error, field: field) }
    }

    static func check(name: String, field: String) throws(FlagWorkRefusal) {
        do { try Check.name(name, field) } catch { throw FlagWorkRefusal(violation: error, field: field) }
    }
}

/// What a coordinator does to a flag.
public enum FlagAction: Sendable, Equatable {
    case take
    case assign(Contact, Agency)
    case comment(String)
    case nextStep(String, dueOn: LocalDate)
    case setAside(until: LocalDate, reason: String)
    case close(reason: String)

    /// The fields each kind of action takes (API bodies and the dashboard's forms use the same names).
    public static func fields(of kind: Kind) -> [String] {
        switch kind {
        case .take: []
        case .assign: ["name", "agency", "phone"]
        case .comment: ["comment"]
        case .nextStep: ["nextStep", "dueOn"]
        case .setAside: ["until", "reason"]
        case .close: ["reason"]
        }
    }

    /// The action of `kind` from its fields (strings, as a form or a JSON body gives them; an
    /// empty optional field counts as absent), or the refusal naming the first wrong field.
    public static func parse(_ kind: Kind, _ fields: [String: String]) throws(FlagWorkRefusal) -> FlagAction {
        func value(_ name: String) -> String? {
            guard let text = fields[name], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return text
        }
        func required(_ name: String) throws(FlagWorkRefusal) -> String {
            guard let text = value(name) else { throw FlagWorkRefusal(.missing, field: name) }
            return text
        }
        func date(_ name: String) throws(FlagWorkRefusal) -> LocalDate {
            guard let day = LocalDate(try required(name).trimmingCharacters(in: .whitespaces)) else {
                throw FlagWorkRefusal(.badDate, field: name)
            }
            return day
        }
        switch kind {
        case .take: return .take
        case .assign:
            let name = try required("name")
            guard let agency = Agency(rawValue: try required("agency").trimmingCharacters(in: .whitespaces)) else {
                throw FlagWorkRefusal(.badAgency, field: "agency")
            }
            return .assign(Contact(name: name, phone: value("phone")), agency)
        case .comment: return .comment(try required("comment"))
        case .nextStep:
            let text = try required("nextStep")
            return .nextStep(text, dueOn: try date("dueOn"))
        case .setAside:
            let until = try date("until")
            return .setAside(until: until, reason: try required("reason"))
        case .close: return .close(reason: try required("reason"))
        }
    }

    /// The action without its values.
    public enum Kind: String, Sendable, CaseIterable {
        case take, assign, comment
        case nextStep = "next-step"
        case setAside = "set-aside"
        case close
    }

    public var kind: Kind {
        switch self {
        case .take: .take
        case .assign: .assign
        case .comment: .comment
        case .nextStep: .nextStep
        case .setAside: .setAside
        case .close: .close
        }
    }

    /// The event that records the action on `trisam.flags`.
    public func event(flagId: String, rule: String, actor: String) -> TrisamEvent {
        switch self {
        case .take: .flagTaken(FlagTaken(flagId: flagId, rule: rule, actor: actor))
        case .assign(let contact, let agency):
            .flagAssigned(
                FlagAssigned(
                    flagId: flagId, rule: rule, actor: actor,
                    assignee: Contact(name: contact.name.trimmed, phone: contact.phone?.trimmed), agency: agency))
        case .comment(let text): .flagCommented(FlagCommented(flagId: flagId, rule: rule, actor: actor, comment: text.trimmed))
        case .nextStep(let text, let dueOn):
            .flagNextStepAgreed(FlagNextStepAgreed(flagId: flagId, rule: rule, actor: actor, nextStep: text.trimmed, dueOn: dueOn))
        case .setAside(let until, let reason):
            .flagSetAside(FlagSetAside(flagId: flagId, rule: rule, actor: actor, until: until, reason: reason.trimmed))
        case .close(let reason): .flagClosed(FlagClosed(flagId: flagId, rule: rule, actor: actor, reason: reason.trimmed))
        }
    }
}

/// Why an action on a flag is refused: the field concerned (nil: the action as a whole) and the
/// reason, in English for the API and in Swedish for the dashboard.
public struct FlagWorkRefusal: Error, Equatable, Sendable {
    public enum Reason: Sendable, Equatable {
        case resolved, closed, alreadyYours, alreadyAssigned, badPhone, dueInPast, asideNotFuture, asideTooLong
        case missing, badDate, badAgency
        /// A text field broke the contract's rule (empty, too long, a personnummer in it).
        case text(String)
    }

    public var reason: Reason
    /// The field (API name: `comment`, `reason`, `until`, `dueOn`, `nextStep`, `assignee.name`,
    /// `assignee.phone`), nil when the action as a whole is refused.
    public var field: String?

    public init(_ reason: Reason, field: String?) {
        self.reason = reason
        self.field = field
    }

    init(violation: PayloadViolation, field: String) {
        self.init(.text(violation.reason), field: field)
    }

    /// Whether the flag's state refuses the action (409) rather than a field's value (400).
    public var isConflict: Bool {
        switch reason {
        case .resolved, .closed, .alreadyYours, .alreadyAssigned: true
        default: false
        }
    }

    /// In English, for the API.
    public var message: String {
        switch reason {
        case .resolved: "the flag is resolved: its work has ended"
        case .closed: "the flag is closed as no gap; only comments are possible until the person's situation changes"
        case .alreadyYours: "you have already taken this flag"
        case .alreadyAssigned: "the flag is already assigned to this person"
        case .badPhone: "must be 3–30 characters of digits, spaces, '-' or '+'"
        case .dueInPast: "must be today or later"
        case .asideNotFuture: "must be after today"
        case .asideTooLong: "must be at most \(FlagWork.maxAsideDays) days ahead"
        case .missing: "is required"
        case .badDate: "must be a date YYYY-MM-DD"
        case .badAgency: "must be kommun, af, fk or region"
        case .text(let reason): reason
        }
    }

    /// In Swedish, for the dashboard (beside the field).
    public var svenska: String { Svenska.flagWorkRefusal(self) }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

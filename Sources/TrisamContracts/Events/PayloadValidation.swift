/// A payload field that violates its contract: which field (a JSON path such as
/// `contact.name` or `goals[1]`) and why, in words an integrator can act on.
public struct PayloadViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

/// The payload (JSON body) of one Trisam event type.
///
/// Conforming types mirror `contracts/schemas/<type>.json`; ``validate()`` checks what a
/// schema states beyond types (lengths, ranges, conditional fields).
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The event type this payload belongs to.
    static var eventType: EventType { get }
    /// Checks the rules of the schema that `Codable` cannot express.
    func validate() throws(PayloadViolation)
    /// Why `source` may not publish this event, or nil if it may (kommun cannot publish an FK
    /// decision; only the receiver of a referral may accept it).
    func refusal(of source: EventSource) -> String?
    /// The topics this event goes to when `source` publishes it (DESIGN.md, "Topics and events").
    func topics(from source: EventSource) -> [String]
}

extension EventPayload {
    public func validate() throws(PayloadViolation) {}

    /// Agency vocabulary: only the owning agency publishes it.
    public func refusal(of source: EventSource) -> String? {
        guard let owner = Self.eventType.owningAgency else { return nil }
        return source == .agency(owner) ? nil : "only \(owner.rawValue) publishes \(Self.eventType.rawValue)"
    }

    /// Agency vocabulary goes to the owning agency's status topic.
    public func topics(from source: EventSource) -> [String] {
        guard let owner = Self.eventType.owningAgency else { return [] }
        return [Topic.status(owner)]
    }
}

/// Refusal helpers for shared event types.
enum Source {
    /// Refuses anything but an agency.
    static func mustBeAgency(_ source: EventSource, _ type: EventType) -> String? {
        source.agency == nil ? "\(type.rawValue) is published by an agency, not \(source)" : nil
    }

    /// Refuses anything but `agency`.
    static func mustBe(_ agency: Agency, _ source: EventSource, role: String, _ type: EventType) -> String? {
        source == .agency(agency) ? nil : "\(type.rawValue) is published by the \(role) (\(agency.rawValue)), not \(source)"
    }

    /// Inbox topics of the agencies, without duplicates, in a stable order.
    static func inboxes(_ agencies: [Agency]) -> [String] {
        var seen = Set<Agency>()
        return agencies.filter { seen.insert($0).inserted }.map(Topic.inbox)
    }
}

/// Field checks shared by all payloads. Limits match `contracts/schemas/common.json`.
public enum Check {
    /// Longest free text (reasons, notes, outcomes).
    public static let maxTextLength = 2000
    /// Longest name or short label.
    public static let maxNameLength = 200
    /// Longest identifier (referralId, sipId, …).
    public static let maxIdentifierLength = 128

    /// Free text: not blank, at most ``maxTextLength`` characters, and no personnummer in it.
    public static func text(_ value: String, _ field: String, maxLength: Int = maxTextLength) throws(PayloadViolation) {
        if isBlank(value) {
            throw PayloadViolation(field: field, reason: "must not be empty")
        }
        if let length = length(of: value, over: maxLength) {
            throw PayloadViolation(field: field, reason: "must be at most \(maxLength) characters, got \(length)")
        }
        if containsIdentityNumber(value) { throw identityNumberViolation(field) }
    }

    /// Whether every character of `value` is whitespace (so also when it is empty): what
    /// `value.allSatisfy(\.isWhitespace)` says, read from the UTF-8 bytes where they settle it.
    static func isBlank(_ value: String) -> Bool {
        for byte in value.utf8 {
            switch byte {
            case 0x09...0x0D, 0x20:
                continue
            case ..<0x80:
                // ASCII other than whitespace, after nothing but ASCII whitespace, starts a
                // character of its own (no grapheme rule joins it to a space or a control), and
                // that character is not whitespace.
                return false
            default:
                // Beyond ASCII, whitespace is a matter of Unicode: U+00A0 and U+2003 are
                // whitespace, and so is a space with a combining mark after it (one character).
                return value.allSatisfy(\.isWhitespace)
            }
        }
        return true
    }

    /// The number of characters of `value` if it is more than `maxLength`, else nil. Characters
    /// (grapheme clusters) are counted only when cheaper bounds leave it open: no string has more
    /// characters than Unicode scalars, nor more scalars than UTF-8 bytes.
    static func length(of value: String, over maxLength: Int) -> Int? {
        let utf8 = value.utf8
        if utf8.count <= maxLength { return nil }
        var scalars = 0
        for byte in utf8 where byte & 0xC0 != 0x80 { scalars += 1 } // bytes that start a scalar
        if scalars <= maxLength { return nil }
        let count = value.count
        return count > maxLength ? count : nil
    }

    /// A name or label: like ``text(_:_:maxLength:)`` with ``maxNameLength``.
    public static func name(_ value: String, _ field: String) throws(PayloadViolation) {
        try text(value, field, maxLength: maxNameLength)
    }

    /// An identifier: 1–128 characters of `A–Z a–z 0–9 . _ : -`, starting with a letter or digit,
    /// with no personnummer in it.
    public static func identifier(_ value: String, _ field: String) throws(PayloadViolation) {
        guard isIdentifier(value) else {
            throw PayloadViolation(
                field: field,
                reason:
                    "must be 1–\(maxIdentifierLength) characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
        }
        if identifierContainsIdentityNumber(value) { throw identityNumberViolation(field) }
    }

    /// Whether an identifier holds a personnummer or samordningsnummer anywhere but in the
    /// clientRefs it names (`<clientRef>:<rule>:<n>`, the coordinator's flag ids). A clientRef is
    /// the pseudonym the bus is built on (it travels as every message's key), and its 32 hex
    /// characters read as a personnummer by chance about once in a few thousand (…8501011234…):
    /// such a person's flags must not be refused. A `:`-separated part that is a clientRef is
    /// therefore not scanned; everything else is.
    public static func identifierContainsIdentityNumber(_ value: String) -> Bool {
        guard containsIdentityNumber(value) else { return false }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.contains(where: { ClientRef(rawValue: String($0)) != nil }) else { return true }
        return containsIdentityNumber(parts.map { ClientRef(rawValue: String($0)) != nil ? "x" : $0 }.joined(separator: ":"))
    }

    /// Whether `value` is a valid identifier (see ``identifier(_:_:)``).
    public static func isIdentifier(_ value: String) -> Bool {
        let bytes = value.utf8
        guard let first = bytes.first, bytes.count <= maxIdentifierLength, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-")
        }
    }

    /// An extent in percent, in `range`.
    public static func percent(_ value: Int, _ field: String, in range: ClosedRange<Int> = 1...100) throws(PayloadViolation) {
        guard range.contains(value) else {
            throw PayloadViolation(
                field: field, reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
    }

    /// A list with at least `minimum` entries and no duplicates.
    public static func list<T: Hashable>(_ values: [T], _ field: String, minimum: Int = 1, maximum: Int = 100) throws(PayloadViolation) {
        if values.count < minimum {
            throw PayloadViolation(field: field, reason: minimum == 1 ? "must not be empty" : "must have at least \(minimum) entries")
        }
        if values.count > maximum {
            throw PayloadViolation(field: field, reason: "must have at most \(maximum) entries, got \(values.count)")
        }
        if Set(values).count != values.count {
            throw PayloadViolation(field: field, reason: "must not contain duplicates")
        }
    }

    /// `first` is on or before `second`.
    public static func order(_ first: LocalDate, _ second: LocalDate, _ field: String, after other: String) throws(PayloadViolation) {
        guard first <= second else {
            throw PayloadViolation(field: field, reason: "must not be before \(other) (\(first))")
        }
    }

    /// Two agencies that must differ (one cannot refer or hand over to itself).
    public static func different(_ a: Agency, _ b: Agency, _ field: String) throws(PayloadViolation) {
        guard a != b else { throw PayloadViolation(field: field, reason: "must name another agency than \(a.rawValue)") }
    }

    /// Whether the text holds a personnummer or samordningsnummer in any of its written forms,
    /// after Unicode normalisation (see ``IdentityNumberScan``): such text must not travel on
    /// the bus.
    public static func containsIdentityNumber(_ text: String) -> Bool {
        IdentityNumberScan.contains(text)
    }

    /// The refusal of a value that holds an identity number.
    static func identityNumberViolation(_ field: String) -> PayloadViolation {
        PayloadViolation(
            field: field, reason: "must not contain a personnummer or samordningsnummer; persons are identified by clientRef only")
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}

/// A named contact person at an agency (handläggare, arbetsförmedlare, rehabkoordinator).
public struct Contact: Codable, Sendable, Hashable {
    /// The person's name.
    public var name: String
    /// Their role, e.g. "försörjningsstödshandläggare".
    public var role: String?
    /// A work phone number.
    public var phone: String?
    /// A work e-mail address (``EmailAddress``), where the SIP mails reach them.
    public var email: String?

    public init(name: String, role: String? = nil, phone: String? = nil, email: String? = nil) {
        self.name = name
        self.role = role
        self.phone = phone
        self.email = email
    }

    /// What the coordinator keeps of the contact: all but the e-mail address, which only the
    /// agency that mails the SIP invitations needs (data minimisation; its stored state has no
    /// place for it).
    public var keptByCoordinator: Contact { Contact(name: name, role: role, phone: phone) }

    /// Refuses a contact that breaks a rule, naming `field` and the part (`field.email`, …).
    public func validate(_ field: String) throws(PayloadViolation) {
        if let email {
            guard EmailAddress.isValid(email) else {
                throw PayloadViolation(
                    field: "\(field).email",
                    reason: "must be a work e-mail address like anna.berg@kommun.se (at most 254 characters, ASCII)")
            }
            if Check.containsIdentityNumber(email) { throw Check.identityNumberViolation("\(field).email") }
        }
        try Check.name(name, "\(field).name")
        if let role { try Check.name(role, "\(field).role") }
        if let phone {
            guard (3...30).contains(phone.count),
                phone.allSatisfy({ $0.isNumber || $0 == " " || $0 == "-" || $0 == "+" })
            else {
                throw PayloadViolation(field: "\(field).phone", reason: "must be 3–30 characters of digits, spaces, '-' or '+'")
            }
            if Check.containsIdentityNumber(phone) { throw Check.identityNumberViolation("\(field).phone") }
        }
    }
}

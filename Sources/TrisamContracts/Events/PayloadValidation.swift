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
        if value.allSatisfy(\.isWhitespace) {
            throw PayloadViolation(field: field, reason: "must not be empty")
        }
        if value.count > maxLength {
            throw PayloadViolation(field: field, reason: "must be at most \(maxLength) characters, got \(value.count)")
        }
        if containsIdentityNumber(value) {
            throw PayloadViolation(field: field, reason: "must not contain a personnummer or samordningsnummer; persons are identified by clientRef only")
        }
    }

    /// A name or label: like ``text(_:_:maxLength:)`` with ``maxNameLength``.
    public static func name(_ value: String, _ field: String) throws(PayloadViolation) {
        try text(value, field, maxLength: maxNameLength)
    }

    /// An identifier: 1–128 characters of `A–Z a–z 0–9 . _ : -`, starting with a letter or digit.
    public static func identifier(_ value: String, _ field: String) throws(PayloadViolation) {
        guard isIdentifier(value) else {
            throw PayloadViolation(field: field, reason: "must be 1–\(maxIdentifierLength) characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
        }
    }

    /// Whether `value` is a valid identifier (see ``identifier(_:_:)``).
    public static func isIdentifier(_ value: String) -> Bool {
        let bytes = value.utf8
        guard let first = bytes.first, bytes.count <= maxIdentifierLength, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-") }
    }

    /// An extent in percent, in `range`.
    public static func percent(_ value: Int, _ field: String, in range: ClosedRange<Int> = 1...100) throws(PayloadViolation) {
        guard range.contains(value) else {
            throw PayloadViolation(field: field, reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
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

    /// Whether the text holds a 10- or 12-digit number (optionally with `-` or `+` before the last
    /// four digits) whose last digit is a valid Luhn check digit: a personnummer or
    /// samordningsnummer that must not travel on the bus.
    public static func containsIdentityNumber(_ text: String) -> Bool {
        var digits: [UInt8] = []
        var run: [UInt8] = []  // raw bytes of the current candidate including separator
        func check() -> Bool {
            defer { digits.removeAll(keepingCapacity: true); run.removeAll(keepingCapacity: true) }
            let tail: ArraySlice<UInt8>
            switch digits.count {
            case 10: tail = digits[0...]
            case 12: tail = digits[2...]
            default: return false
            }
            if let separator = run.firstIndex(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }),
               run.count - separator - 1 != 4 { return false }
            let month = Int(tail[tail.startIndex + 2]) * 10 + Int(tail[tail.startIndex + 3])
            let day = Int(tail[tail.startIndex + 4]) * 10 + Int(tail[tail.startIndex + 5])
            guard (1...12).contains(month), (1...31).contains(day) || (61...91).contains(day) else { return false }
            return luhnValid(tail)
        }
        for byte in text.utf8 {
            if byte >= 48 && byte <= 57 {
                digits.append(byte - 48)
                run.append(byte)
            } else if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")) && !digits.isEmpty
                        && !run.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }) {
                run.append(byte)
            } else {
                if check() { return true }
            }
        }
        return check()
    }

    static func luhnValid(_ digits: ArraySlice<UInt8>) -> Bool {
        var sum = 0
        for (index, digit) in digits.enumerated() {
            var value = Int(digit)
            if index % 2 == 0 { value *= 2; if value > 9 { value -= 9 } }
            sum += value
        }
        return sum % 10 == 0
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

    public init(name: String, role: String? = nil, phone: String? = nil) {
        self.name = name
        self.role = role
        self.phone = phone
    }

    func validate(_ field: String) throws(PayloadViolation) {
        try Check.name(name, "\(field).name")
        if let role { try Check.name(role, "\(field).role") }
        if let phone {
            guard (3...30).contains(phone.count),
                  phone.allSatisfy({ $0.isNumber || $0 == " " || $0 == "-" || $0 == "+" }) else {
                throw PayloadViolation(field: "\(field).phone", reason: "must be 3–30 characters of digits, spaces, '-' or '+'")
            }
        }
    }
}

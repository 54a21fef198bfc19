import Foundation

/// Who a person is, as an agency's identity register holds it and as it travels sealed to a
/// receiving agency: a personnummer, a samordningsnummer or the region's reservnummer, and the
/// name where known.
///
/// Printing it never shows the number or the name: ``description`` and the reflection give the
/// kind and the masked number only. Only ``number`` and ``name`` hold them, for the staff who
/// are entitled to read them.
public struct PersonIdentity: Sendable, Hashable {
    /// Which kind of number identifies the person.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A personnummer (folkbokförd in Sweden).
        case personnummer
        /// A samordningsnummer (day of birth + 60).
        case samordningsnummer
        /// The region's reservnummer, for people with neither.
        case reservnummer
    }

    /// The kind of ``number``.
    public let kind: Kind
    /// The normalised number: 12 digits `YYYYMMDDNNNN`, or the reservnummer as ``Reservnummer``
    /// normalises it. Never log it.
    public let number: String
    /// The person's name as registered, if any. Never log it.
    public let name: String?

    /// A personnummer or samordningsnummer with the name.
    public init(_ number: PersonalIdentityNumber, name: String?) {
        self.kind = number.kind == .personnummer ? .personnummer : .samordningsnummer
        self.number = number.normalized
        self.name = name
    }

    /// A reservnummer with the name.
    public init(_ number: Reservnummer, name: String?) {
        self.kind = .reservnummer
        self.number = number.normalized
        self.name = name
    }

    /// Reads an identity back (from the register or a sealed identity), checking the number
    /// again; nil if it is not valid for its kind or the name breaks the name rules.
    public init?(kind: Kind, number: String, name: String?) {
        switch kind {
        case .personnummer, .samordningsnummer:
            guard number.utf8.count == 12, let parsed = try? PersonalIdentityNumber(number, referenceDate: Date.distantFuture),
                (parsed.kind == .personnummer) == (kind == .personnummer)
            else { return nil }
            self.init(parsed, name: name)
        case .reservnummer:
            guard let parsed = Reservnummer(number), parsed.normalized == number else { return nil }
            self.init(parsed, name: name)
        }
        if let name, !Self.isValidName(name) { return nil }
    }

    /// The pseudonym of this person (``Pseudonymizer``).
    public func clientRef(_ pseudonymizer: Pseudonymizer) -> ClientRef {
        switch kind {
        case .personnummer, .samordningsnummer:
            // Valid by construction.
            pseudonymizer.clientRef(for: try! PersonalIdentityNumber(number, referenceDate: Date.distantFuture))
        case .reservnummer:
            pseudonymizer.clientRef(forReservnummer: number)
        }
    }

    /// The number as staff read it: `YYYYMMDD-NNNN`, or the reservnummer as normalised.
    public var formattedNumber: String {
        kind == .reservnummer ? number : "\(number.prefix(8))-\(number.suffix(4))"
    }

    /// The masked number, safe for logs: `YYYYMMDD-****`, or the first two characters of a
    /// reservnummer and stars.
    public var masked: String {
        kind == .reservnummer ? "\(number.prefix(2))****" : "\(number.prefix(8))-****"
    }

    /// A name: not blank, at most ``Check/maxNameLength`` characters, no identity number in it.
    public static func isValidName(_ name: String) -> Bool {
        (try? Check.name(name, "name")) != nil
    }
}

extension PersonIdentity: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The kind and the masked number; never the number or the name.
    public var description: String { "PersonIdentity(\(kind.rawValue), \(masked))" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A reflection without the number and the name.
    public var customMirror: Mirror { Mirror(self, children: ["kind": kind, "masked": masked], displayStyle: .struct) }
}

/// A reservnummer: the number a region gives a person in its care who has neither personnummer
/// nor samordningsnummer. Regions write them differently, so Trisam takes 6 to 20 upper-case
/// letters A–Z and digits with at least one of each (so it is never a personnummer), written
/// without spaces or hyphens.
public struct Reservnummer: Sendable, Hashable {
    /// The number as written (upper-case letters and digits only).
    public let normalized: String

    /// Parses a reservnummer; nil if it does not have the form above.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard (6...20).contains(bytes.count) else { return nil }
        var letters = false
        var digits = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): letters = true
            default: return nil
            }
        }
        guard letters, digits else { return nil }
        self.normalized = text
    }
}

extension Reservnummer: CustomStringConvertible, CustomReflectable {
    /// Masked: the first two characters and stars.
    public var description: String { "\(normalized.prefix(2))****" }
    /// A reflection without the number.
    public var customMirror: Mirror { Mirror(self, children: ["masked": description], displayStyle: .struct) }
}

extension Pseudonymizer {
    /// The pseudonym of a reservnummer: as for a personnummer, over `R` and the normalised
    /// reservnummer, so that it never meets the pseudonym of a personnummer.
    public func clientRef(forReservnummer normalized: String) -> ClientRef {
        clientRef(ofNormalizedText: "R" + normalized)
    }
}

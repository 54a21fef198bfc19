import Foundation
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamWeb

/// A page of the workspace other than the inbox: a heading, the person it concerns, a
/// confirmation of what was just done, and blocks of facts, tables, buttons and forms.
struct WorkPage: Sendable {
    var frame: WebFrame
    var heading: String
    var lead: String?
    var person: PersonLine?
    var notice: String?
    var back: Link?
    var blocks: [Block]
}

/// Who a page is about: name and number where this agency's identity register holds them, else
/// the short pseudonymous reference.
struct PersonLine: Sendable {
    var name: String
    var number: String?
    var reference: String
    var href: String

    init(clientRef: String, identity: IdentityBody?) {
        reference = String(clientRef.prefix(8))
        href = "/personer/\(clientRef)"
        if let identity {
            name = identity.name ?? WorkspaceSwedish.identityKind(identity.kind) + " " + identity.number
            number = identity.name == nil ? nil : identity.number
        } else {
            name = "\(WorkspaceSwedish.noIdentity) \(reference)"
            number = nil
        }
    }
}

struct Fact: Sendable {
    var label: String
    var value: String
}

struct Link: Sendable {
    var href: String
    var label: String
    var primary = false
    var download = false
}

struct Cell: Sendable {
    var text: String
    var href: String?
    var muted = false
}

struct Row: Sendable {
    var cells: [Cell]
    var highlight = false
}

struct Table: Sendable {
    var caption: String
    var headers: [String]
    var rows: [Row]
    var empty: String
    var hasRows: Bool

    init(_ caption: String, _ headers: [String], _ rows: [Row], empty: String) {
        self.caption = caption
        self.headers = headers
        self.rows = rows
        self.empty = empty
        self.hasRows = !rows.isEmpty
    }
}

/// One section of a page.
struct Block: Sendable {
    var blockId: String?
    var blockHeading: String?
    var blockText: String?
    var facts: [Fact] = []
    var hasFacts = false
    var table: Table?
    var links: [Link] = []
    var hasLinks = false
    var forms: [Form] = []
    var flagItems: [FlagItem] = []
    var hasFlagItems = false

    static func flags(_ items: [FlagItem], heading: String, text: String?) -> Block {
        Block(blockId: "flaggor", blockHeading: heading, blockText: text, flagItems: items, hasFlagItems: !items.isEmpty)
    }
    static func facts(_ heading: String?, _ facts: [Fact], id: String? = nil) -> Block {
        Block(blockId: id, blockHeading: heading, facts: facts, hasFacts: !facts.isEmpty)
    }
    static func table(_ table: Table, id: String? = nil) -> Block { Block(blockId: id, table: table) }
    static func links(_ links: [Link], heading: String? = nil) -> Block {
        Block(blockHeading: heading, links: links, hasLinks: !links.isEmpty)
    }
    static func forms(_ forms: [Form], heading: String? = nil, text: String? = nil) -> Block {
        Block(blockHeading: heading, blockText: text, forms: forms)
    }
    static func text(_ text: String, heading: String? = nil) -> Block { Block(blockHeading: heading, blockText: text) }
}

/// A form that was posted and refused: which, what was typed, and the refusal.
struct Posted: Sendable {
    var form: String
    var input: FormInput
    var error: APIError
}

extension [Form] {
    /// Every form ready to render; the posted one with what was typed and its refusal.
    func prepared(_ posted: Posted?) -> [Form] {
        map { form in posted?.form == form.id ? form.filled(posted?.input, posted?.error) : form.filled(nil, nil) }
    }
}

extension Field {
    static func grid(_ name: String, _ label: String, days: [TimeGrid.Day], api: [String], hint: String?) -> Field {
        var field = Field(kind: .grid, id: name, name: name, label: label, hint: hint, value: "", apiFields: api)
        field.days = days
        field.refresh()
        return field
    }

    /// The four fields of a named contact (name, role, work phone, work e-mail), prefilled.
    static func contact(
        _ prefix: String, name: String = "", role: String = "", email: String = "", heading: String = "Kontaktperson"
    ) -> [Field] {
        [
            .text(
                "\(prefix)-namn", "\(heading): namn", value: name, api: ["contact.name", "contact", "participant.name", "participant"],
                required: true, autocomplete: "name"),
            .text("\(prefix)-roll", "\(heading): roll", value: role, api: ["contact.role", "participant.role"]),
            .text(
                "\(prefix)-telefon", "\(heading): telefon i tjänsten", api: ["contact.phone", "participant.phone"],
                hint: "Siffror, mellanslag, bindestreck eller +.", type: "tel"),
            .text(
                "\(prefix)-epost", "\(heading): e-post i tjänsten", value: email,
                api: ["contact.email", "participant.email"],
                hint: "Dit kallelser till SIP-möten skickas, med kalenderfil. Skriv aldrig personnummer här.", type: "email",
                autocomplete: "email"),
        ]
    }
}

extension FormInput {
    /// The contact typed in the four fields of ``Field/contact(_:name:role:heading:)``.
    func contact(_ prefix: String) -> [String: Any] {
        var contact: [String: Any] = [:]
        if let name = text("\(prefix)-namn") { contact["name"] = name }
        if let role = text("\(prefix)-roll") { contact["role"] = role }
        if let phone = text("\(prefix)-telefon") { contact["phone"] = phone }
        if let email = text("\(prefix)-epost") { contact["email"] = email }
        return contact
    }
}

/// Text of values the API answers as JSON (contacts, payload fields).
enum JSONText {
    static func string(_ value: JSONValue?, _ key: String) -> String? {
        guard case .object(let object) = value, case .string(let text) = object[key] else { return nil }
        return text
    }

    static func object(_ value: JSONValue?, _ key: String) -> JSONValue? {
        guard case .object(let object) = value else { return nil }
        return object[key]
    }

    /// "Anna Berg, handläggare, tel. 010-123 45 67"; nil without a name.
    static func contact(_ value: JSONValue?) -> String? {
        guard let name = string(value, "name") else { return nil }
        return [name, string(value, "role"), string(value, "phone").map { "tel. \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    static func contact(_ contact: Contact?) -> String? {
        guard let contact else { return nil }
        return [contact.name, contact.role, contact.phone.map { "tel. \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }
}

/// Dates the API answers, as staff read them.
enum DateText {
    /// "3 dec 2026" from `2026-12-03`; the text itself if it is no date.
    static func day(_ text: String?) -> String {
        guard let text else { return "–" }
        if let date = LocalDate(String(text.prefix(10))), text.count == 10 { return WebSwedish.date(date) }
        if let moment = Timestamp.parse(text) { return WebSwedish.dateTime(moment) }
        return text
    }

    static func moment(_ text: String?) -> String {
        guard let text, let moment = Timestamp.parse(text) else { return day(text) }
        return WebSwedish.dateTime(moment)
    }
}

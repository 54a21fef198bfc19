import Foundation
import TrisamHTTP
import TrisamWeb

/// A submitted `application/x-www-form-urlencoded` body: every value of every name, in order.
struct FormInput: Sendable {
    var pairs: [(String, String)]

    init(pairs: [(String, String)] = []) { self.pairs = pairs }

    init(body: String) {
        pairs = body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The first value of `name`, trimmed; nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let value = pairs.first(where: { $0.0 == name })?.1.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty
        else { return nil }
        return value
    }

    /// Every non-empty value of `name` (checkboxes).
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name && !$0.1.isEmpty }.map(\.1) }

    /// The raw first value (what was typed, for showing it again).
    func raw(_ name: String) -> String? { pairs.first(where: { $0.0 == name })?.1 }

    /// Non-empty lines of a text area.
    func lines(_ name: String) -> [String] {
        (text(name) ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// One choice of a select, a group of checkboxes or radio buttons.
struct Choice: Sendable {
    var id: String
    var name: String
    var value: String
    var label: String
    var selected: Bool
}

/// One field of a form, with its label, hint, the refusal shown beside it and what was typed.
struct Field: Sendable {
    enum Kind: Sendable { case hidden, input, textarea, select, group, check, grid }
    var kind: Kind
    var id: String
    var name: String
    var label: String
    var hint: String?
    var error: String?
    var value: String
    var inputType = "text"
    var required = false
    var autocomplete: String?
    /// Checkboxes (`checkbox`) or radio buttons (`radio`) for a group.
    var groupType = "checkbox"
    var options: [Choice] = []
    var days: [TimeGrid.Day] = []
    /// The API's field names this field answers for (a refusal naming one is shown here).
    var apiFields: [String]

    // What the template reads (it sees stored properties only); set by ``refresh()``.
    var hidden = false
    var input = false
    var textarea = false
    var select = false
    var group = false
    var check = false
    var grid = false
    var checked = false
    var describedBy: String?

    /// Sets what the template reads from the kind, value, hint and error.
    mutating func refresh() {
        hidden = kind == .hidden
        input = kind == .input
        textarea = kind == .textarea
        select = kind == .select
        group = kind == .group
        check = kind == .check
        grid = kind == .grid
        checked = value == "ja"
        let ids = [hint.map { _ in "\(id)-hint" }, error.map { _ in "\(id)-error" }].compactMap { $0 }
        describedBy = ids.isEmpty ? nil : ids.joined(separator: " ")
    }

    func refreshed() -> Field {
        var field = self
        field.refresh()
        return field
    }

    static func text(
        _ name: String, _ label: String, value: String = "", api: [String], hint: String? = nil, required: Bool = false,
        type: String = "text", autocomplete: String? = nil
    ) -> Field {
        Field(
            kind: .input, id: name, name: name, label: label, hint: hint, value: value, inputType: type, required: required,
            autocomplete: autocomplete, apiFields: api
        ).refreshed()
    }

    static func date(_ name: String, _ label: String, value: String = "", api: [String], hint: String? = nil, required: Bool = true)
        -> Field
    {
        text(name, label, value: value, api: api, hint: hint, required: required, type: "date")
    }

    static func area(_ name: String, _ label: String, value: String = "", api: [String], hint: String? = nil, required: Bool = true)
        -> Field
    {
        Field(kind: .textarea, id: name, name: name, label: label, hint: hint, value: value, required: required, apiFields: api)
            .refreshed()
    }

    static func select(
        _ name: String, _ label: String, _ choices: [(String, String)], value: String = "", api: [String], hint: String? = nil
    )
        -> Field
    {
        Field(
            kind: .select, id: name, name: name, label: label, hint: hint, value: value, required: true,
            options: choices.map { Choice(id: "\(name)-\($0.0)", name: name, value: $0.0, label: $0.1, selected: $0.0 == value) },
            apiFields: api
        ).refreshed()
    }

    static func group(
        _ name: String, _ label: String, _ choices: [(String, String)], selected: [String], radio: Bool = false, api: [String],
        hint: String? = nil
    ) -> Field {
        Field(
            kind: .group, id: name, name: name, label: label, hint: hint, value: "", required: true,
            groupType: radio ? "radio" : "checkbox",
            options: choices.map { Choice(id: "\(name)-\($0.0)", name: name, value: $0.0, label: $0.1, selected: selected.contains($0.0)) },
            apiFields: api
        ).refreshed()
    }

    static func check(_ name: String, _ label: String, checked: Bool = false, api: [String], hint: String? = nil) -> Field {
        Field(kind: .check, id: name, name: name, label: label, hint: hint, value: checked ? "ja" : "", apiFields: api).refreshed()
    }

    static func hidden(_ name: String, _ value: String) -> Field {
        Field(kind: .hidden, id: name, name: name, label: "", value: value, apiFields: []).refreshed()
    }

    /// Whether a refusal naming `field` belongs here (`exact`: only the very name).
    func answers(_ field: String, exact: Bool) -> Bool {
        apiFields.contains { api in
            field == api || (!exact && (field.hasPrefix(api + ".") || field.hasPrefix(api + "[")))
        }
    }
}

/// One form: where it posts, its fields and the refusal of the whole form.
struct Form: Sendable {
    var id: String
    var heading: String
    var intro: String?
    var action: String
    var submit: String
    var csrf: String
    var fields: [Field]
    /// A danger (cancel, refuse) rather than the main action of the page.
    var secondary = false
    /// The refusal of the whole form (its summary at the top).
    var formError: String?
    /// Shown folded until opened (less used actions), unless refused.
    var folded = false
    /// A GET form (choosing what to show; no CSRF token, nothing changes).
    var get = false

    /// Whether the form shows unfolded (set by ``filled(_:_:)``).
    var open = true

    /// The form with what was typed and, if refused, the refusal beside the field it names.
    func filled(_ input: FormInput?, _ refusal: APIError?) -> Form {
        var form = self
        form.open = !form.folded
        if let input {
            for index in form.fields.indices where form.fields[index].kind != .hidden {
                let name = form.fields[index].name
                switch form.fields[index].kind {
                case .group, .select:
                    let chosen = input.all(name)
                    for option in form.fields[index].options.indices {
                        form.fields[index].options[option].selected = chosen.contains(form.fields[index].options[option].value)
                    }
                    form.fields[index].value = chosen.first ?? ""
                case .grid:
                    let chosen = Set(input.all(name))
                    for day in form.fields[index].days.indices {
                        for block in form.fields[index].days[day].blocks.indices {
                            form.fields[index].days[day].blocks[block].selected = chosen.contains(
                                form.fields[index].days[day].blocks[block].value)
                        }
                    }
                case .check: form.fields[index].value = input.text(name) == nil ? "" : "ja"
                default: form.fields[index].value = input.raw(name) ?? ""
                }
            }
        }
        guard let refusal else {
            for index in form.fields.indices { form.fields[index].refresh() }
            return form
        }
        form.open = true
        let named = refusal.field.flatMap { field in
            form.fields.firstIndex { $0.answers(field, exact: true) } ?? form.fields.firstIndex { $0.answers(field, exact: false) }
        }
        if let named {
            form.fields[named].error = WorkspaceSwedish.refusal(refusal, label: form.fields[named].label)
            form.formError = "Formuläret skickades inte. Rätta det som är markerat nedan."
        } else {
            form.formError = WorkspaceSwedish.refusal(refusal, label: nil)
        }
        for index in form.fields.indices { form.fields[index].refresh() }
        return form
    }
}

/// A refusal raised by the workspace itself (a time it cannot read), in Swedish already.
func localRefusal(_ field: String, _ swedish: String) -> APIError {
    APIError(status: 400, code: .invalidField, field: field, message: "sv:" + swedish)
}

import Foundation
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore

/// The work on one flag as the person page shows it: who works it, its history, and the forms
/// to take, assign, comment, agree the next step, set aside and close it, with what was typed
/// and the refusal beside the field when a form was refused.
struct FlagWorkPanel: Sendable, Equatable {
    /// One line of the history.
    struct Line: Sendable, Equatable {
        var time: String
        var actor: String
        var text: String
    }

    /// A form refused: which, what was typed, and the refusal.
    struct Refused: Sendable, Equatable {
        var flagId: String
        var kind: FlagAction.Kind
        var fields: [String: String]
        var refusal: FlagWorkRefusal?
        /// A refusal of the whole form (the flag is gone, the action cannot be saved).
        var message: String?

        init(flagId: String, kind: FlagAction.Kind, fields: [String: String], refusal: FlagWorkRefusal?, message: String? = nil) {
            self.flagId = flagId
            self.kind = kind
            self.fields = fields
            self.refusal = refusal
            self.message = message
        }
    }

    var flagId: String
    /// The element id of the flag on the page (`flagga-grey-zone`), the prefix of its inputs' ids.
    var anchor: String
    var workText: String?
    var isClosed: Bool
    var isAside: Bool
    var canAct: Bool
    /// Whether the one logged in has taken it (then "Ta" is not offered).
    var takenByMe: Bool
    var history: [Line]
    var hasHistory: Bool

    // What was typed into a refused form (empty otherwise), and the refusals beside the fields.
    var name = ""
    var phone = ""
    var agencies: [Option] = []
    var comment = ""
    var nextStep = ""
    var dueOn = ""
    var until = ""
    var asideReason = ""
    var closeReason = ""
    var takeError: String?
    var nameError: String?
    var agencyError: String?
    var phoneError: String?
    var commentError: String?
    var nextStepError: String?
    var dueOnError: String?
    var untilError: String?
    var asideReasonError: String?
    var closeReasonError: String?
    var openAssign = false
    var openComment = false
    var openNextStep = false
    var openAside = false
    var openClose = false
    /// The earliest day a flag can be set aside until (tomorrow), for the date input.
    var minAside: String
    var today: String

    init(flag: FlagRow, history: [FlagHistoryEntry], today: LocalDate, refused: Refused?, user: String? = nil) {
        takenByMe = user != nil && flag.work.owner == .coordinator(user ?? "")
        flagId = flag.flagId
        anchor = "flagga-" + flag.rule
        workText = Swedish.workStatus(flag.work, today: today)
        isClosed = flag.work.isClosed
        isAside = flag.work.isAside(on: today)
        canAct = flag.resolvedAt == nil
        var lines = [Line(time: Swedish.dateTime(flag.raisedAt), actor: "Trisam", text: Swedish.flagRaisedHistory(flag))]
        lines += history.filter { $0.flagId == flag.flagId }.map {
            Line(time: Swedish.dateTime($0.time), actor: Swedish.historyActor($0), text: Swedish.historyText($0))
        }
        if let resolvedAt = flag.resolvedAt {
            lines.append(Line(time: Swedish.dateTime(resolvedAt), actor: "Trisam", text: Swedish.flagResolvedHistory(flag.resolution)))
        }
        self.history = lines
        hasHistory = !lines.isEmpty
        minAside = today.adding(days: 1).description
        self.today = today.description
        let refused = refused?.flagId == flag.flagId ? refused : nil
        let fields = refused?.fields ?? [:]
        agencies =
            [Option(value: "", label: Swedish.chooseAgency, selected: (fields["agency"] ?? "").isEmpty)]
            + Agency.allCases.map { Option(value: $0.rawValue, label: $0.displayName, selected: fields["agency"] == $0.rawValue) }
        guard let refused else { return }
        let error = refused.refusal?.svenska ?? refused.message
        let field = refused.refusal?.field
        switch refused.kind {
        case .take:
            takeError = error
        case .assign:
            openAssign = true
            name = fields["name"] ?? ""
            phone = fields["phone"] ?? ""
            switch field {
            case "agency": agencyError = error
            case "phone": phoneError = error
            default: nameError = error
            }
        case .comment:
            openComment = true
            comment = fields["comment"] ?? ""
            commentError = error
        case .nextStep:
            openNextStep = true
            nextStep = fields["nextStep"] ?? ""
            dueOn = fields["dueOn"] ?? ""
            if field == "dueOn" { dueOnError = error } else { nextStepError = error }
        case .setAside:
            openAside = true
            until = fields["until"] ?? ""
            asideReason = fields["reason"] ?? ""
            if field == "until" { untilError = error } else { asideReasonError = error }
        case .close:
            openClose = true
            closeReason = fields["reason"] ?? ""
            closeReasonError = error
        }
    }
}

/// A resolved flag with its history (the person page's "Lösta flaggor").
struct ResolvedFlag: Sendable, Equatable {
    var title: String
    var resolved: String
    var panel: FlagWorkPanel
}

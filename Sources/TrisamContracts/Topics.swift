/// The Kafka topics of Trisam (DESIGN.md, "Topics and events").
///
/// Topic layout follows confidentiality: an agency reads only its own inbox; status topics are
/// read by the coordinator only.
public enum Topic {
    /// `trisam.<agency>.status`: the agency's status changes about a person.
    public static func status(_ agency: Agency) -> String { "trisam.\(agency.rawValue).status" }
    /// `trisam.<agency>.inbox`: referrals, invitations, plan actions and answers addressed to it.
    public static func inbox(_ agency: Agency) -> String { "trisam.\(agency.rawValue).inbox" }
    /// Consent given / withdrawn, read by all.
    public static let consent = "trisam.consent"
    /// Flags raised / resolved by the coordinator (compacted by person + rule on a real cluster).
    public static let flags = "trisam.flags"
    /// Messages that failed validation, with the reason, for operators.
    public static let deadLetter = "trisam.deadletter"

    /// Every Trisam topic, in a stable order.
    public static var all: [String] {
        Agency.allCases.map(status) + Agency.allCases.map(inbox) + [consent, flags, deadLetter]
    }

    /// Topics on a real cluster that should be log-compacted rather than time-retained.
    public static let compacted: Set<String> = [flags]
}

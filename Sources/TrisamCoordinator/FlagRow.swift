import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// One flag as stored.
public struct FlagRow: Sendable, Equatable {
    public var seq: Int64 = 0
    public var flagId: String
    public var clientRef: String
    public var rule: String
    public var severity: FlagSeverity
    public var title: String
    public var explanation: String
    public var agencies: [Agency]
    public var evidence: [String]
    public var since: Date
    public var raisedAt: Date
    public var resolvedAt: Date?
    public var resolution: String?
    /// The work coordinators do on it (owner, set aside or closed, next step).
    public var work = FlagWork()
    /// How many work actions were recorded (numbers the next one's event id).
    public var workCount = 0

    init(flagId: String, clientRef: String, finding: RuleFinding, raisedAt: Date) {
        self.flagId = flagId
        self.clientRef = clientRef
        rule = finding.rule
        severity = finding.severity
        title = finding.title
        explanation = finding.explanation
        agencies = finding.agencies
        evidence = finding.evidence
        since = finding.since
        self.raisedAt = raisedAt
    }

    init(row: Row) {
        seq = row["seq"]
        flagId = row["flagId"]
        clientRef = row["clientRef"]
        rule = row["rule"]
        severity = FlagSeverity(rawValue: row["severity"]) ?? .medium
        title = row["title"]
        explanation = row["explanation"]
        agencies = (row["agencies"] as String).split(separator: ",").compactMap { Agency(rawValue: String($0)) }
        evidence = (try? JSONDecoder().decode([String].self, from: Data((row["evidence"] as String).utf8))) ?? []
        since = Date(timeIntervalSince1970: row["since"])
        raisedAt = Date(timeIntervalSince1970: row["raisedAt"])
        resolvedAt = (row["resolvedAt"] as Double?).map(Date.init(timeIntervalSince1970:))
        resolution = row["resolution"]
        work = Self.work(row, ended: resolvedAt != nil)
        workCount = row["workCount"] ?? 0
    }

    /// The work columns of a `flag` row.
    static func work(_ row: Row, ended: Bool) -> FlagWork {
        var work = FlagWork(ended: ended)
        if let name: String = row["ownerName"] {
            if (row["ownerKind"] as String?) == "assignee", let agency = Agency(rawValue: row["ownerAgency"] ?? "") {
                work.owner = .assignee(Contact(name: name, phone: row["ownerPhone"]), agency)
            } else {
                work.owner = .coordinator(name)
            }
        }
        switch row["parked"] as String? {
        case "aside":
            if let until = LocalDate(row["parkedUntil"] ?? "") { work.parked = .aside(until: until, reason: row["parkedReason"] ?? "") }
        case "closed": work.parked = .closed(reason: row["parkedReason"] ?? "")
        default: break
        }
        if let text: String = row["nextStep"], let due = LocalDate(row["nextStepDue"] ?? "") {
            work.nextStep = FlagWork.NextStep(text: text, dueOn: due)
        }
        return work
    }

    /// `,af,fk,`: searchable with instr().
    static func encodeAgencies(_ agencies: [Agency]) -> String { "," + agencies.map(\.rawValue).joined(separator: ",") + "," }
    /// A JSON array of strings (flag evidence).
    static func encodeList(_ list: [String]) -> String {
        var writer = JSONByteWriter(capacity: 2 + 40 * list.count)
        writer.strings(list)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP

// What the staff workspace (TrisamWorkspace) reads beside the JSON API's own operations: a
// member of staff from a web session, the SIP meetings and plans of a person, and the marker
// of the inbox's live update. Every change still goes through the API's operations.

extension Staff {
    /// A member of staff of `agency`, as a web session names them (the session was started by
    /// a login that checked a staff token, or by a single sign-on front).
    public static func session(agency: Agency, name: String, role: String) -> Staff {
        Staff(agency: agency, name: name, role: role)
    }
}

extension SipService {
    /// The SIP meetings and plans this agency holds of a person (newest first): its own and
    /// those it was invited to or owns actions of. Audited as a read of the person.
    public func meetingsAndPlans(_ staff: Staff, clientRef: ClientRef) async throws(APIError) -> (sips: [String], plans: [String]) {
        try await base.transaction { db in
            let sips = try String.fetchAll(
                db, sql: "SELECT sipId FROM sip WHERE clientRef = ? ORDER BY rowid DESC", arguments: [clientRef.rawValue])
            let plans = try String.fetchAll(
                db,
                sql: """
                    SELECT planId FROM (
                        SELECT planId, rowid AS at FROM plan WHERE clientRef = ?
                        UNION SELECT planId, MIN(rowid) AS at FROM planAction WHERE clientRef = ? GROUP BY planId)
                    GROUP BY planId ORDER BY MAX(at) DESC
                    """, arguments: [clientRef.rawValue, clientRef.rawValue])
            try AgencyStore.audit(db, staff, "person.read", clientRef: clientRef, detail: "SIP meetings and plans")
            return (sips, plans)
        }
    }
}

extension AgencyService {
    /// A marker of the inbox and the flags naming this agency (it changes when either does) and
    /// the number of inbox items: the live update of the workspace's inbox fetches the page again
    /// when the marker changes. Reads no person's data.
    public func inboxMarker() async throws(APIError) -> (newest: String, count: Int) {
        try await readOnly { db in
            // The newest inbox row, and the flags' version: raised, taken, resolved, closed, held.
            let newest = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM inbox") ?? 0
            let counters = try ChangeCounters.read(db)
            return ("\(newest)-\(counters.flagVersion)", counters.inboxRows)
        }
    }
}

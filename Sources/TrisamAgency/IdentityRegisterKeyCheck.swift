import Foundation
import GRDB
import TrisamContracts

/// What a service checks of its identity register key at start, before it serves anyone: that
/// the key opens the register, and, during a rotation, that every field written under the
/// previous key is encrypted again under the current one.
extension IdentityRegister {
    /// The newest rows that the current key must open when no previous key is configured.
    static let keyCheckSample = 100

    /// What ``prepareKey(_:key:previous:)`` found.
    struct KeyCheck: Equatable, Sendable {
        /// The identities looked at (every one during a rotation, else the newest sample).
        var checked = 0
        /// Identities with at least one field encrypted again under the current key.
        var reencrypted = 0
        /// Identities with a field that opens with neither key: unreadable, treated as absent.
        var unreadable = 0
    }

    /// Checks the register key, and re-encrypts under `key` what opens only with `previous`,
    /// in the caller's transaction (all or nothing).
    ///
    /// - Throws: ``IdentityRegisterKeyMismatch`` when the register holds identities and none of
    ///   those checked opens with either key: the service has not been given the key the
    ///   register was written with.
    @discardableResult
    static func prepareKey(_ db: Database, key: IdentityRegisterKey, previous: IdentityRegisterKey?) throws -> KeyCheck {
        let sql =
            previous == nil
            ? "SELECT clientRef, number, name FROM identity ORDER BY rowid DESC LIMIT \(keyCheckSample)"
            : "SELECT clientRef, number, name FROM identity"
        var check = KeyCheck()
        let rows = try Row.fetchCursor(db, sql: sql)
        var updates: [(clientRef: String, number: Data, name: Data?)] = []
        while let row = try rows.next() {
            guard let clientRef = ClientRef(rawValue: row["clientRef"]) else { continue }
            check.checked += 1
            var fields: [String: Data?] = ["number": row["number"], "name": row["name"]]
            var rewritten = false
            var readable = true
            for (field, value) in fields {
                guard let value else { continue }
                if (try? key.open(value, clientRef: clientRef, field: field)) != nil { continue }
                if let previous, let text = try? previous.open(value, clientRef: clientRef, field: field) {
                    fields[field] = try key.seal(text, clientRef: clientRef, field: field)
                    rewritten = true
                } else {
                    readable = false
                }
            }
            if !readable { check.unreadable += 1 }
            if rewritten {
                check.reencrypted += 1
                updates.append((clientRef.rawValue, fields["number"]!!, fields["name"] ?? nil))
            }
        }
        if check.checked > 0, check.unreadable == check.checked {
            throw IdentityRegisterKeyMismatch(checked: check.checked, rotating: previous != nil)
        }
        let update = try db.cachedStatement(sql: "UPDATE identity SET number = ?, name = ? WHERE clientRef = ?")
        for row in updates { try update.execute(arguments: [row.number, row.name, row.clientRef]) }
        return check
    }
}

/// The register key opens none of the identities checked: it is not the key they were
/// written with. Names the variables, never a key.
public struct IdentityRegisterKeyMismatch: Error, Equatable, CustomStringConvertible {
    /// The identities checked.
    public var checked: Int
    /// Whether a previous key was configured too.
    public var rotating: Bool

    public var description: String {
        let keys = "\(IdentityRegisterKey.keyVariable) (or \(IdentityRegisterKey.keyFileVariable))"
        let previous = "\(IdentityRegisterKey.previousKeyVariable) (or \(IdentityRegisterKey.previousKeyFileVariable))"
        return rotating
            ? "the identity register key in \(keys) and the previous key in \(previous) open none of the \(checked) identities checked in the register; neither is the key they were written with"
            : "the identity register key in \(keys) opens none of the \(checked) newest identities in the register: it is not the key they were written with. To rotate the key, set the new key there and the old one in \(previous)"
    }
}

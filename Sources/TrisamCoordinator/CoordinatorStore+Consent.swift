import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// Erasure when samordning consent ends, in the transaction that stores the folded person (so it
/// is all or nothing with the state, flags, outbox and offsets, and a replay repeats it harmlessly).
extension CoordinatorStore {
    /// What a resolved flag's explanation says once its facts are erased.
    static let erasedExplanation = "Uppgifterna bakom flaggan är raderade eftersom samtycket till samordning har upphört."

    /// Erases what the store keeps that consent no longer covers for a person: the timeline rows
    /// of events that were not folded and, for agencies whose samordning consent ended, every
    /// timeline row they published (their consent events stay: they are the record of consent)
    /// and the explanation and evidence of the person's resolved flags (which may cite their
    /// facts; the flag's rule, dates and resolution stay). Idempotent.
    static func eraseWithoutConsent(_ clientRef: ClientRef, _ effects: ConsentEffects, in db: Database) throws {
        for eventId in effects.dropped {
            try db.cachedStatement(sql: "DELETE FROM timeline WHERE clientRef = ? AND eventId = ?")
                .execute(arguments: [clientRef.rawValue, eventId])
        }
        guard !effects.ended.isEmpty else { return }
        for agency in Set(effects.ended.map(\.agency)) {
            try db.cachedStatement(sql: "DELETE FROM timeline WHERE clientRef = ? AND source = ? AND type NOT IN (?, ?)")
                .execute(arguments: [
                    clientRef.rawValue, EventSource.agency(agency).uri, EventType.consentGiven.rawValue,
                    EventType.consentWithdrawn.rawValue,
                ])
        }
        try db.cachedStatement(
            sql: "UPDATE flag SET explanation = ?, evidence = '[]', resolvedEvidence = '[]' WHERE clientRef = ? AND resolvedAt IS NOT NULL"
        ).execute(arguments: [erasedExplanation, clientRef.rawValue])
    }
}

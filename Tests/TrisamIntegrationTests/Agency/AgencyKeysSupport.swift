import Foundation
import TrisamAgency
import TrisamContracts

/// Key material for `trisam agency` processes in tests: a register key and, per agency, a keys
/// directory with its own key pair and every agency's public key (as `trisam dev` makes them).
/// One collaboration for the whole test run, so that services started in different folders
/// still open what the others seal to them.
enum AgencyTestKeys {
    /// The identity register key the test processes use (64 hex characters).
    static let registerKey = String(repeating: "7a", count: 32)

    /// The keys directory of each agency, made once per test run.
    static let folders: [Agency: String] = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-test-keys-\(UUID().uuidString)").path
        do {
            return try AgencyKeyFiles.generateCollaboration(in: root)
        } catch {
            preconditionFailure("cannot write test keys under \(root): \(error)")
        }
    }()

    /// The environment that configures `agency`'s register key and keys directory.
    static func environment(for agency: Agency) throws -> [String: String] {
        [IdentityRegisterKey.keyVariable: registerKey, AgencyKeyFiles.directoryVariable: folders[agency]!]
    }
}

import Foundation
import TrisamAgency
import TrisamContracts

/// Key material for `trisam agency` processes in tests: a register key and, per agency, a keys
/// directory with its own key pair and every agency's public key (as `trisam dev` makes them).
enum AgencyTestKeys {
    /// The identity register key the test processes use (64 hex characters).
    static let registerKey = String(repeating: "7a", count: 32)

    /// The environment that configures `agency`'s keys, generating the collaboration's
    /// directories under `directory/keys` on first use.
    static func environment(for agency: Agency, in directory: URL) throws -> [String: String] {
        let folders = try AgencyKeyFiles.generateCollaboration(in: directory.appendingPathComponent("keys").path)
        return [IdentityRegisterKey.keyVariable: registerKey, AgencyKeyFiles.directoryVariable: folders[agency]!]
    }
}

import ArgumentParser
import Foundation
import TrisamAgency
import TrisamContracts

/// `trisam keys generate`: key pairs for sealing identities between agencies (HPKE, RFC 9180).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Key pairs for the identities sealed between agencies.",
        subcommands: [Generate.self]
    )

    /// `trisam keys generate --agency af --dir DIR`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a new P-256 key pair of an agency: <keyId>.key (private, mode 0600) and <keyId>.pub.",
            discussion: """
                The agency's service loads every <keyId>.key of its own and every <keyId>.pub in its keys directory \
                (--keys-dir, $TRISAM_KEYS_DIR). Copy the .pub file into the keys directory of each other agency's service: \
                they seal identities to the newest public key of an agency. To rotate, generate a new pair, hand the new \
                .pub to the others, and keep the old .key until nothing sealed to it can arrive any more.
                """
        )

        @Option(help: ArgumentHelp("The agency: kommun, af, fk or region.", valueName: "agency"))
        var agency: String

        @Option(help: ArgumentHelp("The directory to write the pair into (created if missing).", valueName: "dir"))
        var dir: String

        func validate() throws {
            guard Agency(rawValue: agency) != nil else {
                throw ValidationError("--agency must be one of \(Agency.allowedCodes), got \"\(agency)\"")
            }
        }

        func run() throws {
            let written = try AgencyKeyFiles.generate(for: Agency(rawValue: agency)!, in: dir)
            printLine("key id \(written.id)")
            printLine("private key \(written.privateKeyPath) (keep it on the \(agency) service only)")
            printLine("public key \(written.publicKeyPath) (copy it to the other agencies' keys directories)")
        }
    }
}

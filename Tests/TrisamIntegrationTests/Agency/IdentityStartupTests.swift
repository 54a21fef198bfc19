import Foundation
import Testing
import TrisamAgency
import TrisamContracts
import TrisamProcess
import TrisamTestSupport

/// The keys an agency service needs before it starts: without the identity register key or its
/// key pair it refuses to start, saying what is missing; `trisam keys generate` writes a pair.
@Suite("Agency service keys at start")
struct IdentityStartupTests {
    /// Runs `trisam agency --name af` (without a broker: it stops before connecting) in `env`.
    static func start(_ arguments: [String], environment: [String: String]) throws -> ChildProcess.Completion {
        let env = [
            "TRISAM_CLIENTREF_SECRET": String(repeating: "5e", count: 32), "PATH": "/usr/bin:/bin",
            "TRISAM_AGENCY_TOKENS": #"[{"token":"af-startup-token-0123456789","agency":"af","name":"Test","role":"handlaggare"}]"#,
        ].merging(
            environment, uniquingKeysWith: { _, new in new })
        return try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["-i"] + env.map { "\($0.key)=\($0.value)" } + [try trisamExecutable().path, "agency", "--name", "af", "--port", "0"]
                + arguments)
    }

    @Test("without the identity register key, or without a keys directory, the service refuses to start and says what is missing")
    func refusesWithoutKeys() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let noRegisterKey = try Self.start(["--state-dir", directory.path], environment: [:])
        #expect(noRegisterKey.status != 0)
        #expect(String(decoding: noRegisterKey.errors, as: UTF8.self).contains("TRISAM_IDENTITY_KEY"))
        let noKeys = try Self.start(
            ["--state-dir", directory.path], environment: [IdentityRegisterKey.keyVariable: AgencyTestKeys.registerKey])
        #expect(noKeys.status != 0)
        #expect(String(decoding: noKeys.errors, as: UTF8.self).contains("no keys directory"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("af/agency.sqlite").path), "no store was opened")
    }

    @Test(
        "trisam keys generate writes a private key only its owner can read and a public key; a directory with another agency's private key is refused"
    )
    func generate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.appendingPathComponent("af-keys")
        let run = try ChildProcess.run(try trisamExecutable(), ["keys", "generate", "--agency", "af", "--dir", keys.path])
        #expect(run.status == 0, "\(String(decoding: run.errors, as: UTF8.self))")
        let files = try FileManager.default.contentsOfDirectory(atPath: keys.path).sorted()
        #expect(files.count == 2 && files[0].hasSuffix(".key") && files[1].hasSuffix(".pub") && files[0].hasPrefix("af-"), "\(files)")
        let mode = try FileManager.default.attributesOfItem(atPath: keys.appendingPathComponent(files[0]).path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let pem = try String(contentsOf: keys.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(String(decoding: run.output, as: UTF8.self).contains("key id \(files[0].dropLast(4))"))
        // Without the other agencies' public keys the service refuses to start, naming them.
        let alone = try Self.start(
            ["--state-dir", directory.path, "--keys-dir", keys.path],
            environment: [IdentityRegisterKey.keyVariable: AgencyTestKeys.registerKey])
        #expect(alone.status != 0)
        #expect(String(decoding: alone.errors, as: UTF8.self).contains("no public key of kommun, fk, region"))
        // Another agency's private key in the directory is refused.
        try AgencyKeyFiles.generate(for: .fk, in: keys.path)
        #expect(throws: AgencyKeyFilesError.self) { try AgencyKeyFiles.load(directory: keys.path, agency: .af) }
    }
}

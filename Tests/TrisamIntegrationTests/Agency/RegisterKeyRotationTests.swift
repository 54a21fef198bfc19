import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

extension AgencyChecks {
    @Suite("Agency register key: a wrong key is refused at start, a rotation re-encrypts")
    struct RegisterKeyRotation {
        /// The person's name as AF's own staff see it, or nil.
        static func name(_ af: Checks.AgencyProcess, _ ref: String) async throws -> String? {
            let response = try await af.client().get("/persons/\(ref)")
            #expect(response.status == 200, "\(response.text)")
            return (try response.json()["identity"] as? [String: Any])?["name"] as? String
        }

        @Test(
            "a new key alone is refused and names the previous-key variable; with the old key as previous the register moves to the new key"
        )
        func rotation() async throws {
            let cluster = try Checks.cluster(brokers: 1)
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let af = try await Checks.AgencyProcess(
                .af, bootstrap: cluster.bootstrapServers, directory: directory, extraArguments: ["--log-level", "notice"])
            let registered = try await af.client().post(
                "/persons", json: ["personnummer": Checks.personnummer(4_242), "name": "Rotera Nyckelsson"])
            #expect(registered.status == 201, "\(registered.text)")
            let ref = try #require(try registered.json()["clientRef"] as? String)
            #expect(try await Self.name(af, ref) == "Rotera Nyckelsson")
            #expect(try await af.stop() == 0)

            let newKey = IdentityRegisterKey.random().hex
            af.environment = [IdentityRegisterKey.keyVariable: newKey]
            do {
                try await af.restart()
                Issue.record("the service started with a register key that opens none of its register")
            } catch {
                #expect("\(error)".contains("opens none of the 1 newest identities"), "\(error)")
                #expect("\(error)".contains(IdentityRegisterKey.previousKeyVariable), "\(error)")
                #expect(!"\(error)".contains(newKey) && !"\(error)".contains(AgencyTestKeys.registerKey), "never a key in the output")
            }

            af.environment = [IdentityRegisterKey.keyVariable: newKey, IdentityRegisterKey.previousKeyVariable: AgencyTestKeys.registerKey]
            try await af.restart()
            #expect(try await Self.name(af, ref) == "Rotera Nyckelsson")
            #expect(af.output.contains("identity register key rotation") && af.output.contains("reencrypted=1"), "\(af.output)")
            #expect(try await af.stop() == 0)

            // The rotation is done: the new key alone opens the register.
            af.environment = [IdentityRegisterKey.keyVariable: newKey]
            try await af.restart()
            #expect(try await Self.name(af, ref) == "Rotera Nyckelsson")
            let audit = try await af.client().get("/audit?limit=50")
            let actions = (try audit.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.contains("identity.rekey"), "\(actions)")
            #expect(try await af.stop() == 0)
        }
    }
}

import Foundation
import GRDB
import Testing
import TrisamContracts

@testable import TrisamAgency

/// The register key at start: a key that opens none of the register is refused, and during a
/// rotation what the previous key opens is encrypted again under the new one.
@Suite("Identity register key at start")
struct IdentityRegisterKeyCheckTests {
    static let oldKey = IdentityRegisterKey.random()
    static let newKey = IdentityRegisterKey.random()

    /// A kommun register with three people written under `oldKey`.
    static func register() async throws -> (IdentitySide, [ClientRef]) {
        let side = try IdentitySide(.kommun, registerKey: oldKey)
        var refs: [ClientRef] = []
        for (number, name) in [("19121212-1212", "Tolvan Tolvansson"), ("19800101-0019", "Anna Andersson"), ("KX123456", "Reserv Nummer")] {
            let field = number.hasPrefix("KX") ? "reservnummer" : "personnummer"
            refs.append(try await side.register(#"{"\#(field)":"\#(number)","name":"\#(name)"}"#))
        }
        return (side, refs)
    }

    /// The identities `key` opens, by clientRef.
    static func names(_ side: IdentitySide, _ refs: [ClientRef], key: IdentityRegisterKey) async throws -> [String?] {
        try await side.service.store.pool.read { db in
            try refs.map { try IdentityRegister.read(db, $0, key: key, pseudonymizer: .development)?.name }
        }
    }

    @Test("a rotation encrypts every identity again under the new key in one transaction; the next start has nothing left to do")
    func rotation() async throws {
        let (side, refs) = try await Self.register()
        let check = try await side.service.store.pool.write { db in
            try IdentityRegister.prepareKey(db, key: Self.newKey, previous: Self.oldKey)
        }
        #expect(check == IdentityRegister.KeyCheck(checked: 3, reencrypted: 3, unreadable: 0))
        #expect(try await Self.names(side, refs, key: Self.newKey) == ["Tolvan Tolvansson", "Anna Andersson", "Reserv Nummer"])
        #expect(try await Self.names(side, refs, key: Self.oldKey) == [nil, nil, nil], "the old key opens nothing any more")
        let again = try await side.service.store.pool.write { db in
            try IdentityRegister.prepareKey(db, key: Self.newKey, previous: Self.oldKey)
        }
        #expect(again == IdentityRegister.KeyCheck(checked: 3, reencrypted: 0, unreadable: 0))
        let plain = try await side.service.store.pool.write { db in try IdentityRegister.prepareKey(db, key: Self.newKey, previous: nil) }
        #expect(plain == IdentityRegister.KeyCheck(checked: 3, reencrypted: 0, unreadable: 0))
    }

    @Test("a key that opens none of the register is refused, naming the variables; the register is left as it was")
    func wrongKey() async throws {
        let (side, refs) = try await Self.register()
        #expect(throws: IdentityRegisterKeyMismatch(checked: 3, rotating: false)) {
            try side.service.store.pool.write { db in try IdentityRegister.prepareKey(db, key: Self.newKey, previous: nil) }
        }
        let stranger = IdentityRegisterKey.random()
        #expect(throws: IdentityRegisterKeyMismatch(checked: 3, rotating: true)) {
            try side.service.store.pool.write { db in try IdentityRegister.prepareKey(db, key: Self.newKey, previous: stranger) }
        }
        #expect(try await Self.names(side, refs, key: Self.oldKey) == ["Tolvan Tolvansson", "Anna Andersson", "Reserv Nummer"])
        let text = IdentityRegisterKeyMismatch(checked: 3, rotating: false).description
        #expect(text.contains("TRISAM_IDENTITY_KEY") && text.contains("TRISAM_IDENTITY_PREVIOUS_KEY"))
        // An empty register accepts any key: there is nothing to check it against.
        let empty = try IdentitySide(.af, registerKey: Self.newKey)
        #expect(
            try await empty.service.store.pool.write { db in try IdentityRegister.prepareKey(db, key: Self.oldKey, previous: nil) }
                == IdentityRegister.KeyCheck())
    }

    @Test("fields under either key are brought under the new one; a field no key opens is counted, not fatal")
    func mixedFields() async throws {
        let (side, refs) = try await Self.register()
        // The first person's name was written again under the new key (a start without the
        // previous key, then a registration), its number still under the old one.
        try await side.service.store.pool.write { db in
            let name = try Self.newKey.seal("Tolvan Tolvansson", clientRef: refs[0], field: "name")
            try db.execute(sql: "UPDATE identity SET name = ? WHERE clientRef = ?", arguments: [name, refs[0].rawValue])
            let lost = try IdentityRegisterKey.random().seal("Anna Andersson", clientRef: refs[1], field: "name")
            try db.execute(sql: "UPDATE identity SET name = ? WHERE clientRef = ?", arguments: [lost, refs[1].rawValue])
        }
        let check = try await side.service.store.pool.write { db in
            try IdentityRegister.prepareKey(db, key: Self.newKey, previous: Self.oldKey)
        }
        #expect(check == IdentityRegister.KeyCheck(checked: 3, reencrypted: 3, unreadable: 1))
        #expect(try await Self.names(side, refs, key: Self.newKey) == ["Tolvan Tolvansson", nil, "Reserv Nummer"])
    }

    @Test("the previous key is read from its own variables, in the same forms; neither set is no rotation")
    func previousFromEnvironment() throws {
        #expect(try IdentityRegisterKey.previousFromEnvironment([:]) == nil)
        #expect(
            try IdentityRegisterKey.previousFromEnvironment([IdentityRegisterKey.previousKeyVariable: Self.oldKey.hex])?.hex
                == Self.oldKey.hex)
        #expect(throws: IdentityRegisterKeyError.invalidHex("TRISAM_IDENTITY_PREVIOUS_KEY")) {
            try IdentityRegisterKey.previousFromEnvironment([IdentityRegisterKey.previousKeyVariable: "zz"])
        }
        #expect(throws: IdentityRegisterKeyError.conflicting("TRISAM_IDENTITY_PREVIOUS_KEY", "TRISAM_IDENTITY_PREVIOUS_KEY_FILE")) {
            try IdentityRegisterKey.previousFromEnvironment([
                IdentityRegisterKey.previousKeyVariable: Self.oldKey.hex, IdentityRegisterKey.previousKeyFileVariable: "/nonexistent",
            ])
        }
        #expect(throws: IdentityRegisterKeyError.missing) { try IdentityRegisterKey.fromEnvironment([:]) }
    }
}

import TrisamContracts

/// The collaboration secret of the tests (hex, as `TRISAM_CLIENTREF_SECRET` takes it): the agency
/// services and the coordinators that tests start share it, so a number registered at an agency
/// and searched for at the coordinator gives the same clientRef.
public let testClientRefSecret = String(repeating: "5e", count: 32)

/// The pseudonymizer of ``testClientRefSecret``.
public let testPseudonymizer: Pseudonymizer = {
    do {
        return try Pseudonymizer(secret: [UInt8](repeating: 0x5e, count: 32))
    } catch {
        preconditionFailure("32 bytes are a valid secret")
    }
}()

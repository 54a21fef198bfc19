/// Ids the services make (CloudEvents `id`, and the ids of consents, referrals, handovers, SIPs
/// and plans): random version-4 UUIDs in lowercase.
public enum EventID {
    /// A new random id. Uses the system's random generator directly (Foundation's `UUID()` opened
    /// a device file per call on Linux, measurable on the request path).
    ///
    /// About one UUID in 20,000 has digits that read as a personnummer (`…a121212-1212-4…`), which
    /// validation refuses in every identifier; such an id is drawn again.
    public static func random() -> String {
        while true {
            let id = uuid()
            if !Check.containsIdentityNumber(id) { return id }
        }
    }

    private static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64
        var low = generator.next() as UInt64
        high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000 // version 4
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000 // RFC 4122 variant
        let hex = hexDigits(high) + hexDigits(low)
        var text = ""
        text.reserveCapacity(36)
        for (index, character) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append("-") }
            text.append(character)
        }
        return text
    }

    private static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

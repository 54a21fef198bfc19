import TrisamContracts

/// A consent as an agency's store knows it (registered here, or read from `trisam.consent`).
public struct ConsentRecord: Sendable, Equatable {
    public var consentId: String
    public var purpose: ConsentPurpose
    public var agencies: Set<Agency>
    public var givenOn: LocalDate
    public var validUntil: LocalDate
    public var withdrawnOn: LocalDate?

    public init(
        consentId: String, purpose: ConsentPurpose, agencies: Set<Agency>, givenOn: LocalDate,
        validUntil: LocalDate, withdrawnOn: LocalDate? = nil
    ) {
        self.consentId = consentId
        self.purpose = purpose
        self.agencies = agencies
        self.givenOn = givenOn
        self.validUntil = validUntil
        self.withdrawnOn = withdrawnOn
    }

    /// Whether the consent is in force on `date`: given, not expired, not withdrawn.
    public func isValid(on date: LocalDate) -> Bool {
        guard givenOn <= date, date <= validUntil else { return false }
        if let withdrawnOn, withdrawnOn <= date { return false }
        return true
    }
}

/// Whether consent covers sharing. Pure: no I/O.
public enum ConsentCoverage {
    /// The first consent valid on `date` for `purpose` that covers every agency of `agencies`.
    public static func covering(
        _ consents: [ConsentRecord], purpose: ConsentPurpose, agencies: Set<Agency>,
        on date: LocalDate
    ) -> ConsentRecord? {
        consents.first { $0.purpose == purpose && $0.isValid(on: date) && agencies.isSubset(of: $0.agencies) }
    }

    /// The refusal message when no consent covers the sharing.
    public static func refusal(purpose: ConsentPurpose, agencies: Set<Agency>) -> String {
        let names = agencies.map(\.rawValue).sorted().joined(separator: " and ")
        return "no valid consent for purpose \(purpose.rawValue) covering \(names); register one with POST /persons/{clientRef}/consents"
    }
}

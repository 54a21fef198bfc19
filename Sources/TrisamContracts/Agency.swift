/// One of the four bodies that share responsibility for a person.
///
/// The raw value is the code used in topic names, CloudEvents sources and APIs.
public enum Agency: String, Vocabulary {
    /// Municipal social services: ekonomiskt bistånd / försörjningsstöd, labour-market unit.
    case kommun
    /// Arbetsförmedlingen, the public employment service.
    case af
    /// Försäkringskassan, the social insurance agency.
    case fk
    /// Regional health care: vårdcentral, psykiatri.
    case region

    /// The name agency staff use, in Swedish.
    public var displayName: String {
        switch self {
        case .kommun: "Kommunen"
        case .af: "Arbetsförmedlingen"
        case .fk: "Försäkringskassan"
        case .region: "Regionen"
        }
    }

    /// The name in running text: Arbetsförmedlingen and Försäkringskassan are proper names;
    /// kommunen and regionen are written in lower case mid-sentence.
    public var nameInText: String {
        switch self {
        case .kommun, .region: displayName.lowercased()
        case .af, .fk: displayName
        }
    }
}

/// An area of a person's situation that exactly one agency owns at a time.
public enum Area: String, Vocabulary {
    /// Försörjning: the person's income support (försörjningsstöd, benefits).
    case forsorjning
    /// Arbete/aktivitet: work, job seeking, programmes, activity.
    case arbeteAktivitet = "arbete-aktivitet"
    /// Hälsa/vård: health care, treatment, sick notes.
    case halsaVard = "halsa-vard"
    /// Samordning: overall coordination (SIP lead, rehabilitation coordination).
    case samordning

    /// The name agency staff use, in Swedish.
    public var displayName: String {
        switch self {
        case .forsorjning: "Försörjning"
        case .arbeteAktivitet: "Arbete/aktivitet"
        case .halsaVard: "Hälsa/vård"
        case .samordning: "Samordning"
        }
    }
}

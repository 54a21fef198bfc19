import Foundation
import TrisamContracts
import TrisamRandom

/// How a simulated person falls between agencies: each failure mode of the coordinator's gap
/// rules (DOMAIN.md, "How people fall between agencies") that the agency APIs can produce.
public enum FailureMode: String, CaseIterable, Sendable {
    /// Sick-listed, FK denies sjukpenning (no SGI), not at AF, only bistånd left (002:L83).
    case greyZone = "grey-zone"
    /// AF judges no work capacity and deregisters; nobody takes over (002:L81).
    case afDeregistered = "af-deregistered"
    /// Aktivitetsersättning with nobody owning activity (002:L125).
    case aktivitetsersattning = "aktivitetsersattning"
    /// Sjukpenning ends within weeks and nobody plans for after (002:L83).
    case benefitEnding = "benefit-ending"
    /// A referral to AF that is never answered (000:L435).
    case referralUnanswered = "referral-unanswered"
    /// A referral to the region rejected, with no next step (000:L445).
    case referralRejected = "referral-rejected"
    /// The sick note ran out while ill health is a barrier and bistånd goes on (000:L393).
    case sickNoteLapsed = "sick-note-lapsed"
    /// Handed over kommun → AF → kommun → AF (000:L449–451).
    case pingPong = "ping-pong"
    /// AF asks the kommun to take over arbete/aktivitet and the kommun never answers: the Timrå
    /// case of agencies leaving "med hänvisning till" a receiver that never took over (001:L289).
    case handoverUnanswered = "handover-unanswered"
    /// A 75 % sick note and a 50 % municipal measure (001:L528).
    case conflictingDemands = "conflicting-demands"
    /// Ill health a barrier for over a year of bistånd and no SIP (000:L509).
    case illHealthNoSip = "ill-health-no-sip"
    /// FK acts without an open case with a named handläggare (000:L387).
    case noNamedContact = "no-named-contact"
    /// Kommun calls a SIP and AF never answers the invitation (000:L509).
    case sipInvitationUnanswered = "sip-invitation-unanswered"
    /// A SIP is called, answered and scheduled but never recorded as held (000:L88).
    case sipNotHeld = "sip-not-held"
    /// A handlingsplan action that its owner never carries out (001:L658).
    /// (A plan without a lead agency cannot be produced: the agency API refuses it, naming
    /// `leadAgency`; the coordinator's `plan-without-lead` rule fires only when the lead later
    /// closes all its cases.)
    case planActionOverdue = "plan-action-overdue"
}

/// A person of the simulated population, with the steps that tell their story to the agencies.
public struct SimulatedPerson: Sendable {
    /// Synthetic personnummer (valid checksum), 10 digits with separator.
    public var personnummer: String
    public var isWoman: Bool
    public var age: Int
    public var barriers: [Arbetshinder]
    /// The failure mode deliberately built in, if any (the profile alone may trip rules too).
    public var failureMode: FailureMode?
    public var steps: [SimulationStep]
}

/// Generates a realistic population deterministically from a seed.
///
/// Shares from Timrå, Sept 2019, 286 people on försörjningsstöd (001:L672–688): 52 % women,
/// 25 % under 25, 14 % over 55; 42 % registered at AF; barriers mental health 28 %, physical 26 %,
/// language 23 %, social 17 %, NPF 15 %; measure: none 52 %, municipal (AMT) 28 %, AF 22 %;
/// sick note full time 28 %, part time 8 %. Bistånd duration: 14 % the whole time (001:L692).
public struct PopulationGenerator: Sendable {
    public var seed: UInt64
    public var size: Int
    /// The simulation's "today" (Europe/Stockholm date).
    public var today: LocalDate
    /// How many people get each failure mode built in (the rest follow their profile only).
    public var perFailureMode: Int

    public init(seed: UInt64, size: Int = 286, today: LocalDate, perFailureMode: Int = 3) {
        self.seed = seed
        self.size = size
        self.today = today
        self.perFailureMode = perFailureMode
    }

    /// The population; the same seed, size and today always give the same people and steps.
    public func generate() -> [SimulatedPerson] {
        var random = SeededRandom(seed: seed)
        let modes = FailureMode.allCases
        var people: [SimulatedPerson] = []
        var used = Set<String>()
        for index in 0..<size {
            let mode: FailureMode? = index < modes.count * perFailureMode ? modes[index % modes.count] : nil
            var story = Story(index: index, today: today, random: random)
            let person = story.tell(mode: mode, usedNumbers: &used)
            random = story.random
            people.append(person)
        }
        return people
    }
}

/// Builds one person's steps.
struct Story {
    let index: Int
    let today: LocalDate
    var random: SeededRandom
    var steps: [SimulationStep] = []
    private var registered: Set<Agency> = []
    /// The person's personnummer, sent only to the agencies' own services (never on the bus).
    private var number = ""
    /// The person's made-up name, given at the first registration (kommun's); the other agencies
    /// learn it from the identities sealed to them.
    private var name = ""

    init(index: Int, today: LocalDate, random: SeededRandom) {
        self.index = index
        self.today = today
        self.random = random
    }

    private static let womensNames = ["Amina", "Britt", "Emma", "Fatima", "Hanna", "Ida", "Leila", "Maja", "Sara", "Tove", "Ulla"]
    private static let mensNames = ["Ahmed", "Björn", "David", "Erik", "Hassan", "Jonas", "Lars", "Mohammed", "Oskar", "Viktor"]
    private static let surnames = [
        "Andersson", "Berglund", "Ekström", "Hussein", "Johansson", "Karlsson", "Lindqvist", "Nilsson", "Omar", "Persson",
        "Sandberg", "Yilmaz",
    ]
    private static let kommunStaff = ["Karin Lind", "Johan Ek", "Maria Sjöberg", "Elin Holm"]
    private static let afStaff = ["Ali Hassan", "Lena Nord", "Peter Ås"]
    private static let fkStaff = ["Frida Ek", "Nils Berg"]
    private static let regionStaff = ["Rolf Berg", "Dr. Sara Wik"]

    mutating func tell(mode: FailureMode?, usedNumbers: inout Set<String>) -> SimulatedPerson {
        let isWoman = random.chance(0.52)
        let ageRoll = Double.random(in: 0..<1, using: &random)
        let age = ageRoll < 0.25 ? random.int(18...24) : ageRoll < 0.86 ? random.int(25...55) : random.int(56...64)
        var number = personnummer(age: age, woman: isWoman)
        while usedNumbers.contains(number) { number = personnummer(age: age, woman: isWoman) }
        usedNumbers.insert(number)
        self.number = number
        // From the index, not the random stream, so the population stays what it was.
        let firstNames = isWoman ? Self.womensNames : Self.mensNames
        self.name = "\(firstNames[index % firstNames.count]) \(Self.surnames[(index / firstNames.count) % Self.surnames.count])"

        var barriers: [Arbetshinder] = []
        if random.chance(0.28) { barriers.append(.psykiskOhalsa) }
        if random.chance(0.26) { barriers.append(.fysiskOhalsa) }
        if random.chance(0.23) { barriers.append(.sprakhinder) }
        if random.chance(0.17) { barriers.append(.bristandeArbetslivserfarenhet) }
        if random.chance(0.15) { barriers.append(.funktionsvariation) }
        // Months on bistånd in the last year: 14 % all along, others 1–12 months.
        let bistandMonths = random.chance(0.14) ? 12 : random.int(1...12)

        // Every person starts at kommun: registered, consent for all purposes, a case with a handläggare.
        register(.kommun)
        for purpose in ConsentPurpose.allCases {
            steps.append(
                SimulationStep(
                    .kommun, "POST", "/persons/{clientRef}/consents",
                    body: Body.json([
                        "purpose": purpose.rawValue, "agencies": Agency.allCases.map(\.rawValue),
                        "validUntil": today.adding(days: 365).description, "givenOn": today.adding(days: -bistandMonths * 30).description,
                    ]), label: "samtycke \(purpose.rawValue)"))
        }
        openCase(
            .kommun, .forsorjning, contact: random.pick(Self.kommunStaff), role: "försörjningsstödshandläggare",
            on: today.adding(days: -bistandMonths * 30))
        // Ill health as a barrier for over a year of bistånd: 17 months without a break, and the
        // barrier assessed 14 months ago (in the order kommun would have decided them).
        let longIllHealth = mode == .illHealthNoSip
        if longIllHealth && !barriers.contains(.psykiskOhalsa) { barriers.append(.psykiskOhalsa) }
        for monthsAgo in stride(from: longIllHealth ? 16 : bistandMonths - 1, through: 0, by: -1) {
            let month = Self.month(today, minus: monthsAgo)
            status(.kommun, BistandDecided(decision: .granted, effectiveDate: month.firstDay, month: month.yearMonth))
        }
        if !barriers.isEmpty {
            let assessedOn = today.adding(days: longIllHealth ? -420 : -random.int(20...120))
            status(.kommun, ArbetshinderAssessed(barriers: barriers, assessedOn: assessedOn))
        }

        switch mode {
        case nil: profileOnly(barriers: barriers)
        case .illHealthNoSip: break // built into the bistånd months and the assessment above
        case .greyZone: greyZone()
        case .afDeregistered: afDeregistered()
        case .aktivitetsersattning: aktivitetsersattning()
        case .benefitEnding: benefitEnding()
        case .referralUnanswered: referralUnanswered()
        case .referralRejected: referralRejected()
        case .sickNoteLapsed: sickNoteLapsed()
        case .pingPong: pingPong()
        case .handoverUnanswered: handoverUnanswered()
        case .conflictingDemands: conflictingDemands()
        case .noNamedContact: noNamedContact()
        case .sipInvitationUnanswered: sipInvitationUnanswered()
        case .sipNotHeld: sipNotHeld()
        case .planActionOverdue: planActionOverdue()
        }
        return SimulatedPerson(
            personnummer: number, isWoman: isWoman, age: age, barriers: barriers,
            failureMode: mode, steps: steps)
    }

    // MARK: Profiles and failure modes

    /// No deliberate failure: the shares of the population decide AF registration, sick notes
    /// and measures.
    private mutating func profileOnly(barriers: [Arbetshinder]) {
        if random.chance(0.42) {
            register(.af)
            let on = today.adding(days: -random.int(30...300))
            status(.af, AfRegistered(registeredOn: on, workCapacityPercent: random.pick([50, 75, 100])))
            openCase(.af, .arbeteAktivitet, contact: random.pick(Self.afStaff), role: "arbetsförmedlare", on: on)
        }
        let sick = Double.random(in: 0..<1, using: &random)
        if sick < 0.36 {
            register(.region)
            let extent = sick < 0.28 ? 100 : 50
            let from = today.adding(days: -random.int(10...90))
            status(
                .region,
                SickNoteIssued(
                    sickNoteId: "sn-\(index)", extentPercent: extent, from: from,
                    until: today.adding(days: random.int(20...90)), renewal: false))
            openCase(.region, .halsaVard, contact: random.pick(Self.regionStaff), role: "läkare", on: from)
        }
        let measure = Double.random(in: 0..<1, using: &random)
        if measure < 0.28 {
            status(
                .kommun,
                MunicipalMeasureStarted(
                    measureId: "m-\(index)", measure: random.pick([.coachingteamet, .arbetsmarknadsenhet, .arbetstraning]),
                    startDate: today.adding(days: -random.int(5...60)), extentPercent: 25))
        } else if measure < 0.50, registered.contains(.af) {
            status(
                .af,
                AfProgrammeStarted(
                    programmeId: "p-\(index)", programme: random.pick([.rustaOchMatcha, .jobUga, .extratjanst]),
                    startDate: today.adding(days: -random.int(5...60)), extentPercent: 50))
        }
        // Referrals that are answered: kommun asks AF or the region, who confirm receipt and
        // accept naming a contact, so that answer times have data besides the failures.
        if registered.contains(.af), random.chance(0.15) {
            answeredReferral(
                to: .af, area: .arbeteAktivitet, reason: "Behöver stöd att komma vidare mot arbete",
                measure: "Fördjupad kartläggning")
        } else if registered.contains(.region), random.chance(0.15) {
            answeredReferral(
                to: .region, area: .halsaVard, reason: "Ohälsa hindrar arbete; behöver bedömning",
                measure: "Bedömning av arbetsförmåga")
        }
        // Coordination that works: some people known to AF or the region get a SIP booked a few
        // weeks ahead, others a handlingsplan with actions (one done, one due soon, one later).
        let partners = [Agency.af, .region].filter(registered.contains)
        if !partners.isEmpty {
            let coordination = Double.random(in: 0..<1, using: &random)
            if coordination < 0.10 {
                scheduledSip(partners)
            } else if coordination < 0.25 {
                planWithActions(partners)
            }
        }
    }

    /// A kommun referral that `to` confirms and accepts, naming a contact.
    private mutating func answeredReferral(to: Agency, area: Area, reason: String, measure: String) {
        let name = "referral"
        steps.append(
            SimulationStep(
                .kommun, "POST", "/persons/{clientRef}/referrals",
                body: Body.json([
                    "to": to.rawValue, "area": area.rawValue, "reason": reason, "requestedMeasure": measure,
                    "answerBy": today.adding(days: 14).description,
                ]), capture: .init(field: "referralId", name: name), label: "remiss till \(to.rawValue)"))
        steps.append(
            SimulationStep(
                to, "POST", "/referrals/{\(name)}/received", body: Body.json([:]),
                label: "\(to.rawValue) bekräftar remissen"))
        steps.append(
            SimulationStep(
                to, "POST", "/referrals/{\(name)}/accept",
                body: Body.json([
                    "contact": participant(to)
                ]), label: "\(to.rawValue) accepterar remissen"))
    }

    /// Staff who answer for `agency` at a SIP or own a plan action.
    private mutating func participant(_ agency: Agency) -> [String: Any] {
        switch agency {
        case .af: Body.contact(random.pick(Self.afStaff), role: "arbetsförmedlare")
        case .fk: Body.contact(random.pick(Self.fkStaff), role: "handläggare")
        case .region: Body.contact(random.pick(Self.regionStaff), role: "rehabkoordinator")
        case .kommun: Body.contact(random.pick(Self.kommunStaff), role: "försörjningsstödshandläggare")
        }
    }

    /// Kommun calls a SIP, every invitee accepts with time 35 to 45 days ahead, kommun books the
    /// earliest common hour: an upcoming meeting (still upcoming after `trisam dev` moves the
    /// coordinator's clock 31 days ahead; by then the coordinator flags it `sip-not-held`, as a
    /// SIP should be held within 30 days of the request).
    private mutating func scheduledSip(_ invited: [Agency]) {
        steps.append(
            SimulationStep(
                .kommun, "POST", "/persons/{clientRef}/sips",
                body: Body.json([
                    "reason": random.pick([
                        "Försörjningsstöd, sjukskrivning och arbetssökande behöver samordnas",
                        "Personen vill ha en gemensam plan mot arbete eller studier",
                        "Flera insatser pågår parallellt utan samordning",
                    ]),
                    "invited": invited.map(\.rawValue),
                ]), capture: .init(field: "sipId", name: "sip"), label: "SIP kallad"))
        let slots = availability(days: 35...45)
        for agency in invited {
            steps.append(
                SimulationStep(
                    agency, "POST", "/sips/{sip}/invitations/\(agency.rawValue)/answer",
                    body: Body.json([
                        "answer": "accepted", "participant": participant(agency), "availability": slots,
                    ]), label: "\(agency.rawValue) tackar ja till SIP"))
        }
        steps.append(
            SimulationStep(
                .kommun, "POST", "/sips/{sip}/schedule",
                body: Body.json(["durationMinutes": 60, "location": "Kommunhuset, Storgatan 12, rum Samråd"]),
                label: "SIP bokad"))
    }

    /// A handlingsplan led by kommun: kommun's own action done at once; the first partner's
    /// action due in 8 to 12 days (done by the partner for half the people, otherwise overdue
    /// once the clock has passed it) and one in 40 to 60 days; follow-up in 8 to 28 days (past
    /// after `trisam dev`'s clock advance) or 35 to 75 days.
    private mutating func planWithActions(_ partners: [Agency]) {
        let partner = partners[0]
        let partnerDoesIt = random.chance(0.5)
        let soon = today.adding(days: random.int(8...12))
        let (first, later) =
            partner == .af
            ? ("Kartlägga arbetsförmåga och föreslå insats", "Anvisa till arbetsmarknadspolitiskt program")
            : ("Bedöma arbetsförmåga och skriva läkarintyg", "Följa upp behandlingen och meddela kommunen")
        steps.append(
            SimulationStep(
                .kommun, "POST", "/persons/{clientRef}/plans",
                body: Body.json([
                    "leadAgency": "kommun", "participants": ["kommun"] + partners.map(\.rawValue),
                    "goals": [random.pick(["Egen försörjning", "Arbete eller studier", "Stabil hälsa och hållbar vardag"])],
                    "subGoals": ["Tydlig ansvarsfördelning mellan myndigheterna"],
                    "personGoal": random.pick(["Jag vill ha ett jobb", "Jag vill börja plugga", "Jag vill må bättre och klara mig själv"]),
                    "followUpOn": today.adding(days: random.chance(0.5) ? random.int(8...28) : random.int(35...75)).description,
                    "actions": [
                        [
                            "owner": "kommun", "ownerContact": participant(.kommun),
                            "description": "Ansöka om arbetsträning hos arbetsmarknadsenheten",
                            "dueDate": today.adding(days: 3).description,
                        ],
                        [
                            "owner": partner.rawValue, "ownerContact": participant(partner), "description": first,
                            "dueDate": soon.description,
                        ],
                        [
                            "owner": partner.rawValue, "ownerContact": participant(partner), "description": later,
                            "dueDate": today.adding(days: random.int(40...60)).description,
                        ],
                    ],
                ]),
                captures: [
                    .init(field: "planId", name: "plan"), .init(field: "actionIds.0", name: "action0"),
                    .init(field: "actionIds.1", name: "action1"),
                ],
                label: "handlingsplan med åtgärder"))
        steps.append(
            SimulationStep(
                .kommun, "POST", "/plans/{plan}/actions/{action0}/done", body: Body.json([:]),
                label: "kommunen gör sin åtgärd"))
        if partnerDoesIt {
            steps.append(
                SimulationStep(
                    partner, "POST", "/plans/{plan}/actions/{action1}/done", body: Body.json([:]),
                    label: "\(partner.rawValue) gör sin åtgärd"))
        }
    }

    private mutating func greyZone() {
        register(.region)
        register(.fk)
        let from = today.adding(days: -random.int(40...120))
        status(
            .region,
            SickNoteIssued(
                sickNoteId: "sn-\(index)", extentPercent: 100, from: from,
                until: today.adding(days: 60), renewal: false))
        openCase(.region, .halsaVard, contact: random.pick(Self.regionStaff), role: "läkare", on: from)
        status(.fk, SjukpenningDecided(decision: .noSgi, effectiveDate: from.adding(days: 14)))
        openCase(.fk, .halsaVard, contact: random.pick(Self.fkStaff), role: "handläggare", on: from.adding(days: 10))
        status(.kommun, ForsorjningshinderReported(code: .sjukskrivenLakarintyg, month: today.yearMonth))
    }

    private mutating func afDeregistered() {
        register(.af)
        let registeredOn = today.adding(days: -random.int(200...400))
        status(.af, AfRegistered(registeredOn: registeredOn, workCapacityPercent: 50))
        openCase(.af, .arbeteAktivitet, contact: random.pick(Self.afStaff), role: "arbetsförmedlare", on: registeredOn)
        let judged = today.adding(days: -random.int(30...60))
        status(.af, AfWorkCapacityLacking(assessedOn: judged))
        status(.af, AfDeregistered(deregisteredOn: judged.adding(days: 5), reason: .lackingWorkCapacity))
        steps.append(
            SimulationStep(
                .af, "POST", "/persons/{clientRef}/cases/arbete-aktivitet/close",
                body: Body.json([
                    "reason": "other", "closedOn": judged.adding(days: 5).description,
                ]), label: "AF avslutar ärendet"))
    }

    private mutating func aktivitetsersattning() {
        register(.fk)
        let from = today.adding(days: -random.int(90...200))
        status(.fk, AktivitetsersattningGranted(from: from, until: today.adding(days: 400), extentPercent: 100))
        openCase(.fk, .forsorjning, contact: random.pick(Self.fkStaff), role: "handläggare", on: from)
    }

    private mutating func benefitEnding() {
        register(.fk)
        register(.region)
        let from = today.adding(days: -random.int(150...170))
        status(
            .region,
            SickNoteIssued(
                sickNoteId: "sn-\(index)", extentPercent: 100, from: from,
                until: today.adding(days: 25), renewal: false))
        status(.fk, SjukpenningDecided(decision: .granted, effectiveDate: from, extentPercent: 100, until: today.adding(days: 25)))
        openCase(.fk, .halsaVard, contact: random.pick(Self.fkStaff), role: "handläggare", on: from)
    }

    private mutating func referralUnanswered() {
        register(.af)
        steps.append(
            SimulationStep(
                .kommun, "POST", "/persons/{clientRef}/referrals",
                body: Body.json([
                    "to": "af", "area": "arbete-aktivitet",
                    "reason": "Behöver stöd att komma vidare mot arbete efter lång tid med försörjningsstöd",
                    "requestedMeasure": "Inskrivning och kartläggning", "answerBy": today.adding(days: 7).description,
                ]), capture: .init(field: "referralId", name: "referral"), label: "remiss till AF (obesvarad)"))
    }

    private mutating func referralRejected() {
        register(.region)
        steps.append(
            SimulationStep(
                .kommun, "POST", "/persons/{clientRef}/referrals",
                body: Body.json([
                    "to": "region", "area": "halsa-vard", "reason": "Psykisk ohälsa hindrar arbete; behöver bedömning",
                    "requestedMeasure": "Läkarbedömning av arbetsförmåga",
                ]), capture: .init(field: "referralId", name: "referral"), label: "remiss till regionen"))
        steps.append(
            SimulationStep(.region, "POST", "/referrals/{referral}/received", body: Body.json([:]), label: "regionen tar emot remissen"))
        steps.append(
            SimulationStep(
                .region, "POST", "/referrals/{referral}/reject",
                body: Body.json([
                    "reason": "Ingen aktuell vårdkontakt; hänvisas till vårdcentral"
                ]), label: "regionen avvisar remissen"))
    }

    private mutating func sickNoteLapsed() {
        register(.region)
        let from = today.adding(days: -random.int(90...150))
        let until = today.adding(days: -random.int(10...30))
        status(.region, SickNoteIssued(sickNoteId: "sn-\(index)", extentPercent: 100, from: from, until: until, renewal: false))
        status(.region, SickNoteEnded(sickNoteId: "sn-\(index)", endedOn: until.adding(days: 1), reason: .lapsed))
        status(.kommun, ArbetshinderAssessed(barriers: [.psykiskOhalsa], assessedOn: from))
    }

    private mutating func pingPong() {
        register(.af)
        status(.af, AfRegistered(registeredOn: today.adding(days: -150), workCapacityPercent: 50))
        openCase(.kommun, .arbeteAktivitet, contact: random.pick(Self.kommunStaff), role: "arbetskonsulent", on: today.adding(days: -150))
        handover(.arbeteAktivitet, from: .kommun, to: .af, n: 1)
        handover(.arbeteAktivitet, from: .af, to: .kommun, n: 2)
        handover(.arbeteAktivitet, from: .kommun, to: .af, n: 3)
    }

    private mutating func handoverUnanswered() {
        register(.af)
        let registeredOn = today.adding(days: -random.int(60...200))
        status(.af, AfRegistered(registeredOn: registeredOn, workCapacityPercent: 50))
        openCase(.af, .arbeteAktivitet, contact: random.pick(Self.afStaff), role: "arbetsförmedlare", on: registeredOn)
        steps.append(
            SimulationStep(
                .af, "POST", "/persons/{clientRef}/handovers",
                body: Body.json([
                    "area": Area.arbeteAktivitet.rawValue, "to": Agency.kommun.rawValue,
                    "reason": "Personen är aktuell på kommunens arbetsmarknadsenhet",
                ]), label: "AF lämnar över till kommunen, som aldrig svarar"))
    }

    private mutating func conflictingDemands() {
        register(.region)
        let from = today.adding(days: -random.int(20...40))
        status(
            .region,
            SickNoteIssued(
                sickNoteId: "sn-\(index)", extentPercent: 75, from: from,
                until: today.adding(days: 60), renewal: false))
        status(
            .kommun,
            MunicipalMeasureStarted(
                measureId: "m-\(index)", measure: .arbetstraning,
                startDate: from.adding(days: 7), extentPercent: 50))
    }

    private mutating func noNamedContact() {
        register(.fk)
        status(.fk, SjukpenningDecided(decision: .applied, effectiveDate: today.adding(days: -30)))
    }

    private mutating func sipInvitationUnanswered() {
        steps.append(
            SimulationStep(
                .kommun, "POST", "/persons/{clientRef}/sips",
                body: Body.json([
                    "reason": "Flera insatser behöver samordnas", "invited": ["af"], "answerBy": today.adding(days: 2).description,
                ]), capture: .init(field: "sipId", name: "sip"), label: "SIP kallad, AF svarar inte"))
    }

    /// Availability for a SIP (the same for every invitee, so they can always meet): three to
    /// five weekdays from a day in `days` ahead, each with the same window of three to six
    /// working hours. Times carry the Stockholm winter offset; in summer time the window is an
    /// hour later, still within working hours. Enough days that holidays never leave none.
    private mutating func availability(days: ClosedRange<Int> = 7...13) -> [[String: String]] {
        let first = random.int(days)
        let count = random.int(3...5)
        let (from, to) = random.pick([("08:00", "11:00"), ("09:00", "15:00"), ("10:00", "14:00"), ("13:00", "16:00")])
        return (first..<first + 10).map { today.adding(days: $0) }.filter { ($0.daysSinceEpoch + 3) % 7 < 5 }.prefix(count).map { day in
            ["start": "\(day)T\(from):00+01:00", "end": "\(day)T\(to):00+01:00"]
        }
    }

    private mutating func sipNotHeld() {
        let name = random.pick(Self.fkStaff)
        steps.append(
            SimulationStep(
                .kommun, "POST", "/persons/{clientRef}/sips",
                body: Body.json([
                    "reason": "Sjukskrivning och försörjningsstöd behöver samordnas", "invited": ["fk"],
                ]), capture: .init(field: "sipId", name: "sip"), label: "SIP kallad"))
        steps.append(
            SimulationStep(
                .fk, "POST", "/sips/{sip}/invitations/fk/answer",
                body: Body.json([
                    "answer": "accepted", "participant": Body.contact(name, role: "handläggare"), "availability": availability(),
                ]), label: "FK tackar ja"))
        steps.append(
            SimulationStep(
                .kommun, "POST", "/sips/{sip}/schedule",
                body: Body.json(["durationMinutes": 60, "location": "Kommunhuset, Storgatan 12, rum Samråd"]),
                label: "SIP bokad (hålls aldrig)"))
    }

    private mutating func planActionOverdue() {
        let name = random.pick(Self.afStaff)
        steps.append(
            SimulationStep(
                .kommun, "POST", "/persons/{clientRef}/plans",
                body: Body.json([
                    "leadAgency": "kommun", "participants": ["kommun", "af"], "goals": ["Egen försörjning"],
                    "subGoals": ["Kartläggning hos Arbetsförmedlingen"], "personGoal": "Jag vill ha ett jobb",
                    "followUpOn": today.adding(days: 60).description,
                    "actions": [
                        [
                            "owner": "af", "ownerContact": Body.contact(name, role: "arbetsförmedlare"),
                            "description": "Kartlägga arbetsförmåga", "dueDate": today.adding(days: 1).description,
                        ]
                    ],
                ]), label: "handlingsplan, AF:s åtgärd blir försenad"))
    }

    // MARK: Building blocks

    /// Registers the person at an agency's service once; the first registration (kommun's)
    /// gives the clientRef the later paths use.
    private mutating func register(_ agency: Agency) {
        guard !registered.contains(agency) else { return }
        let first = registered.isEmpty
        registered.insert(agency)
        steps.append(
            SimulationStep(
                agency, "POST", "/persons", body: Body.json(first ? ["personnummer": number, "name": name] : ["personnummer": number]),
                capture: first ? .init(field: "clientRef", name: "clientRef") : nil,
                label: "\(agency.rawValue) registrerar personen"))
    }

    /// A status change in `agency`'s own vocabulary.
    private mutating func status<P: EventPayload>(_ agency: Agency, _ payload: P) {
        precondition(P.eventType.owningAgency == agency, "\(P.eventType) is not \(agency)'s vocabulary")
        register(agency)
        steps.append(
            SimulationStep(
                agency, "POST", "/persons/{clientRef}/statuses", body: Body.status(payload),
                label: P.eventType.rawValue))
    }

    private mutating func openCase(_ agency: Agency, _ area: Area, contact: String, role: String, on: LocalDate) {
        steps.append(
            SimulationStep(
                agency, "POST", "/persons/{clientRef}/cases",
                body: Body.json([
                    "area": area.rawValue, "contact": Body.contact(contact, role: role),
                    "openedOn": max(on, today.adding(days: -3000)).description,
                ]), label: "\(agency.rawValue) öppnar ärende \(area.rawValue)"))
    }

    private mutating func handover(_ area: Area, from: Agency, to: Agency, n: Int) {
        let name = "handover\(n)"
        steps.append(
            SimulationStep(
                from, "POST", "/persons/{clientRef}/handovers",
                body: Body.json([
                    "area": area.rawValue, "to": to.rawValue, "reason": "Bedöms höra hemma hos \(to.displayName)",
                ]), capture: .init(field: "handoverId", name: name), label: "\(from.rawValue) lämnar över till \(to.rawValue)"))
        steps.append(
            SimulationStep(
                to, "POST", "/handovers/{\(name)}/accept",
                body: Body.json([
                    "contact": Body.contact(to == .af ? "Lena Nord" : "Johan Ek", role: "handläggare"),
                    "acceptedOn": today.description,
                ]), label: "\(to.rawValue) tar emot överlämningen"))
    }

    /// A synthetic personnummer `YYMMDD-NNNC` with a valid check digit; the serial's second-last
    /// digit is odd for men and even for women.
    private mutating func personnummer(age: Int, woman: Bool) -> String {
        let year = today.year - age
        let month = random.int(1...12)
        let day = random.int(1...LocalDate.daysIn(month: month, year: year))
        var serial = random.int(0...99) * 10 + random.int(0...4) * 2 + (woman ? 0 : 1)
        serial = serial % 1000
        let digits = String(format: "%02d%02d%02d%03d", year % 100, month, day, serial)
        return String(format: "%02d%02d%02d-%03d%d", year % 100, month, day, serial, Self.luhn(digits))
    }

    /// The Luhn check digit of nine digits.
    static func luhn(_ digits: String) -> Int {
        var sum = 0
        for (position, character) in digits.enumerated() {
            var value = character.wholeNumberValue! * (position % 2 == 0 ? 2 : 1)
            if value > 9 { value -= 9 }
            sum += value
        }
        return (10 - sum % 10) % 10
    }

    /// The first day of the month `months` before `date`'s month.
    static func month(_ date: LocalDate, minus months: Int) -> (firstDay: LocalDate, yearMonth: YearMonth) {
        let total = date.year * 12 + (date.month - 1) - months
        let year = total / 12
        let month = total % 12 + 1
        return (LocalDate(year: year, month: month, day: 1)!, YearMonth(year: year, month: month)!)
    }
}

extension LocalDate {
    /// This date's month.
    var yearMonth: YearMonth { YearMonth(year: year, month: month)! }
}

import TrisamContracts

/// Facts about the person on `today` that several rules share. Each notes the days on which it
/// can change, so `nextCheck` stays exact.
extension RuleContext {
    /// Whether bistånd runs now: an uninterrupted run has started and a month is granted for this
    /// or the previous month (the current month may not be decided yet).
    mutating func bistandActive() -> Bool {
        guard state.kommun.bistandSince != nil, let last = state.kommun.bistandMonths.last else { return false }
        let lapses = StockholmTime.firstDay(monthIndex: last.index + 2)
        wake(on: lapses)
        return today < lapses
    }

    /// Evidence for bistånd: the latest decision.
    var bistandEvidence: [String] { state.kommun.bistandMark.map { [$0.event] } ?? [] }

    /// Sick notes in force today.
    mutating func activeSickNotes() -> [SickNoteState] {
        var active: [SickNoteState] = []
        for note in state.region.sickNotes where holds(from: note.from, through: note.until) {
            active.append(note)
        }
        return active
    }

    /// Whether the person is sick-listed now: a sick note in force, or kommun's försörjningshinder
    /// "sjukskriven med läkarintyg" for this or the previous month. Returns since when, and evidence.
    mutating func sickListed() -> (since: LocalDate, evidence: [String])? {
        let notes = activeSickNotes()
        if let first = notes.map(\.from).min() {
            return (first, notes.map(\.issued.event))
        }
        let kommun = state.kommun
        if kommun.forsorjningshinder == .sjukskrivenLakarintyg, let month = kommun.forsorjningshinderMonth,
            let event = kommun.forsorjningshinderEvent
        {
            let lapses = StockholmTime.firstDay(monthIndex: month.index + 2)
            wake(on: lapses)
            if today < lapses, month.firstDay <= today { return (month.firstDay, [event]) }
            wake(on: month.firstDay)
        }
        return nil
    }

    /// An FK benefit paid now (sjukpenning, aktivitetsersättning, sjukersättning), with evidence.
    mutating func fkBenefit() -> (kind: String, extent: Int?, evidence: String)? {
        let fk = state.fk
        if fk.sjukpenning == .granted, let mark = fk.sjukpenningMark,
            holds(from: mark.on, through: fk.sjukpenningUntil ?? LocalDate(year: 2200, month: 12, day: 30)!)
        {
            return ("sjukpenning", fk.sjukpenningExtent, mark.event)
        }
        if let period = fk.aktivitetsersattning, aktivitetsersattningRuns(period) {
            return ("aktivitetsersättning", period.extentPercent, period.granted.event)
        }
        if fk.sjukersattning == .granted, let mark = fk.sjukersattningMark {
            wake(on: mark.on)
            if mark.on <= today { return ("sjukersättning", nil, mark.event) }
        }
        return nil
    }

    /// Whether an aktivitetsersättning period runs today.
    mutating func aktivitetsersattningRuns(_ period: BenefitPeriod) -> Bool {
        var last = period.until
        if let ended = period.ended { last = min(last, ended.on.adding(days: -1)) }
        guard period.from <= last else { return false }
        return holds(from: period.from, through: last)
    }

    /// Why FK pays nothing although the person is sick: no SGI, denied, or exhausted. Nil when FK
    /// has said nothing of the kind.
    mutating func fkRefusal() -> (reason: String, since: LocalDate, evidence: String)? {
        let fk = state.fk
        if let decision = fk.sjukpenning, let mark = fk.sjukpenningMark {
            let reason = Svenska.fkRefusal(decision)
            if let reason {
                wake(on: mark.on)
                if mark.on <= today { return (reason, mark.on, mark.event) }
            }
        }
        if let sgi = fk.sgi, sgi == .lacking || sgi == .ended, let mark = fk.sgiMark {
            wake(on: mark.on)
            if mark.on <= today { return (Svenska.fkRefusal(sgi: sgi), mark.on, mark.event) }
        }
        return nil
    }

    /// Activities that demand time now: municipal measures and AF programmes.
    mutating func activities() -> [(agency: Agency, activity: ActivityState)] {
        var result: [(Agency, ActivityState)] = []
        for measure in state.kommun.measures {
            wake(on: measure.started.on)
            if measure.started.on <= today { result.append((.kommun, measure)) }
        }
        for programme in state.af.programmes {
            wake(on: programme.started.on)
            if programme.started.on <= today { result.append((.af, programme)) }
        }
        return result
    }

    /// When an agency that had cases for the person closed the last of them; nil while one is open
    /// or when it never had one.
    func closedAllCases(_ agency: Agency) -> Mark? {
        let own = state.cases.filter { $0.agency == agency }
        guard !own.isEmpty, own.allSatisfy({ !$0.isOpen }) else { return nil }
        return own.compactMap(\.closed).max { ($0.on, $0.event) < ($1.on, $1.event) }
    }

    /// Whether a receiving plan exists: an open handlingsplan, a SIP that is open or was held in the
    /// last year, or registration at AF. A handover that is only requested is not one: until the
    /// receiver accepts, nobody has taken over (001:L289).
    mutating func hasReceivingPlan() -> Bool {
        if !state.plans.isEmpty { return true }
        if state.sips.contains(where: { $0.isOpen }) { return true }
        var recentSip = false
        for sip in state.sips {
            guard let held = sip.held else { continue }
            let expires = held.on.adding(days: 366)
            wake(on: expires)
            if today < expires { recentSip = true }
        }
        if recentSip { return true }
        return state.af.isRegistered
    }
}

extension Agency {
    /// The Swedish name in running text: Arbetsförmedlingen and Försäkringskassan are proper
    /// names, kommunen and regionen are written in lower case mid-sentence.
    var sv: String { Svenska.agency(self) }
}

extension String {
    /// The text with its first letter in upper case (a sentence that starts with an agency).
    var sentence: String { prefix(1).uppercased() + dropFirst() }
}

extension Array where Element == Agency {
    /// "kommunen", "kommunen och regionen", "kommunen, Arbetsförmedlingen och Försäkringskassan".
    var svList: String {
        let names = uniqued().map(\.sv)
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " och " + names.last!
        }
    }
}

import TrisamContracts

// The checks of the gap rules (RuleCatalogue has their texts, thresholds and sources). Each returns
// the condition if it holds today, with the day it fires, or nil; each notes the days on which its
// outcome can change.
extension GapRules {
    /// Sick-listed, no FK benefit (no SGI, denied or exhausted), not registered at AF, on bistånd.
    static func greyZone(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        guard let sick = c.sickListed() else { return nil }
        let benefit = c.fkBenefit()
        guard let refusal = c.fkRefusal(), benefit == nil else { return nil }
        guard !c.state.af.isRegistered, c.bistandActive(), let bistandSince = c.state.kommun.bistandSince else { return nil }
        var since = max(sick.since, refusal.since, bistandSince)
        var evidence = sick.evidence + [refusal.evidence] + c.bistandEvidence
        if let mark = c.state.af.registrationMark {
            since = max(since, mark.on)
            evidence.append(mark.event)
        }
        return Hit(
            since: since, firesOn: since.adding(days: t["graceDays"]),
            explanation: Svenska.greyZone(reason: refusal.reason),
            agencies: [.fk, .kommun], evidence: evidence)
    }

    /// AF deregistered for lacking work capacity (or registration failed on it) and nobody took over.
    static func afDeregisteredNoTakeover(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        let af = c.state.af
        guard let mark = af.registrationMark else { return nil }
        let lacking =
            (af.registration == .deregistered && af.deregistrationReason == .lackingWorkCapacity)
            || (af.registration == .registrationFailed && af.registrationFailure == .insufficientWorkCapacity)
        guard lacking else { return nil }
        if let owner = c.state.owner(of: .arbeteAktivitet), owner != .af { return nil }
        if !c.activities().isEmpty { return nil }
        if c.fkBenefit() != nil { return nil }
        if c.state.fk.sjukersattning == .applied { return nil }
        // A handover that is only requested is no takeover: AF still owns the area (001:L289).
        var evidence = [mark.event]
        if let lackingMark = af.workCapacityLacking { evidence.append(lackingMark.event) }
        return Hit(
            since: mark.on, firesOn: mark.on.adding(days: t["takeoverDays"]),
            explanation: Svenska.afDeregistered(deregistered: af.registration == .deregistered, on: mark.on),
            agencies: [.kommun, .fk], evidence: evidence)
    }

    /// A case closed by handover whose receiver has not opened a case in the area.
    static func handoverNotOpened(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        let waiting = c.state.areas.compactMap { area in area.awaitingReceiver.map { (area.area, $0) } }
        guard let first = waiting.min(by: { $0.1.closed.on < $1.1.closed.on }) else { return nil }
        let (area, handover) = first
        return Hit(
            since: handover.closed.on, firesOn: handover.closed.on.adding(days: t["receiverDays"]),
            explanation: Svenska.handoverNotOpened(
                from: handover.from, to: handover.to, area: area, closedOn: handover.closed.on, otherAreas: waiting.count - 1),
            agencies: waiting.map { $0.1.to }, evidence: waiting.map { $0.1.closed.event })
    }

    /// A handover requested and neither accepted nor refused within `answerDays` (001:L289): the
    /// receiver is to act. While it waits the sender stays the owner.
    static func handoverUnanswered(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        var due: [(area: Area, handover: PendingHandover, day: LocalDate)] = []
        for area in c.state.areas {
            guard let pending = area.pendingHandover else { continue }
            let day = pending.requested.on.adding(days: t["answerDays"])
            c.wake(on: day)
            if day <= c.today { due.append((area.area, pending, day)) }
        }
        due.sort { ($0.handover.requested.on, $0.area.rawValue) < ($1.handover.requested.on, $1.area.rawValue) }
        guard let first = due.first else { return nil }
        let handover = first.handover
        return Hit(
            since: handover.requested.on, firesOn: due.map { $0.day }.min()!,
            explanation: Svenska.handoverUnanswered(
                from: handover.from, to: handover.to, area: first.area, requested: handover.requested.on, otherHandovers: due.count - 1),
            agencies: due.map { $0.handover.to }, evidence: due.map { $0.handover.requested.event })
    }

    /// Aktivitetsersättning runs, nobody (but FK) owns arbete/aktivitet and no activity runs.
    static func aktivitetsersattningNoActivity(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        guard let period = c.state.fk.aktivitetsersattning, c.aktivitetsersattningRuns(period) else { return nil }
        let area = c.state.area(.arbeteAktivitet)
        if let owner = area?.owner, owner != .fk { return nil }
        guard c.activities().isEmpty else { return nil }
        var since = period.from
        if area?.owner == nil, let gap = area?.since { since = max(since, gap) }
        return Hit(
            since: since, firesOn: since.adding(days: t["graceDays"]),
            explanation: Svenska.aktivitetsersattning(from: period.from, until: period.until),
            agencies: [.fk], evidence: [period.granted.event])
    }

    /// Aktivitetsersättning, sjukpenning or SGI ends soon (or just ended) and no receiving plan exists.
    static func benefitEndingNoPlan(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        let fk = c.state.fk
        var endings: [(what: String, end: LocalDate, event: String)] = []
        if let period = fk.aktivitetsersattning {
            endings.append(
                ("aktivitetsersättning", period.ended?.on ?? period.until.adding(days: 1), period.ended?.event ?? period.granted.event))
        }
        if fk.sjukpenning == .granted, let until = fk.sjukpenningUntil, let mark = fk.sjukpenningMark {
            endings.append(("sjukpenning", until.adding(days: 1), mark.event))
        }
        if fk.sgi == .ended, let mark = fk.sgiMark {
            endings.append(("SGI", mark.on, mark.event))
        }
        // The day each benefit stops; the window runs from `warningDays` before to `daysAfterEnd` after.
        var open: [(what: String, end: LocalDate, event: String)] = []
        for ending in endings {
            let start = ending.end.adding(days: -t["warningDays"])
            let stop = ending.end.adding(days: t["daysAfterEnd"])
            c.wake(on: start)
            c.wake(on: stop)
            if start <= c.today && c.today < stop { open.append(ending) }
        }
        guard let first = open.min(by: { $0.end < $1.end }) else { return nil }
        if c.hasReceivingPlan() { return nil }
        c.wake(on: first.end) // the explanation's tense changes then
        if first.what != "SGI", fk.sjukersattning == .applied || fk.sjukersattning == .granted { return nil }
        return Hit(
            since: first.end.adding(days: -t["warningDays"]), firesOn: first.end.adding(days: -t["warningDays"]),
            explanation: Svenska.benefitEnding(first.what, end: first.end, today: c.today),
            agencies: [.fk, .kommun], evidence: open.map { $0.event })
    }

    /// Referrals not answered (accepted or rejected) by their answer date or within `answerDays`.
    static func referralUnanswered(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        var due: [(referral: ReferralState, day: LocalDate)] = []
        for referral in c.state.referrals where referral.status == .sent || referral.status == .received {
            let day = referral.answerBy.map { $0.adding(days: 1) } ?? referral.sent.on.adding(days: t["answerDays"])
            c.wake(on: day)
            if day <= c.today { due.append((referral, day)) }
        }
        guard let first = due.min(by: { ($0.referral.sent.on, $0.referral.id) < ($1.referral.sent.on, $1.referral.id) }) else { return nil }
        return Hit(
            since: first.referral.sent.on, firesOn: due.map { $0.day }.min()!,
            explanation: Svenska.referralUnanswered(
                from: first.referral.from, to: first.referral.to, sent: first.referral.sent.on, otherReferrals: due.count - 1),
            agencies: due.map { $0.referral.to }, evidence: due.map { $0.referral.sent.event })
    }

    /// Referrals rejected with no next step by the sender within `nextStepDays`.
    static func referralRejectedNoNextStep(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        let rejected = c.state.referrals.filter { $0.status == .rejected }
        guard let first = rejected.min(by: { (($0.answered ?? $0.sent).on, $0.id) < (($1.answered ?? $1.sent).on, $1.id) }) else {
            return nil
        }
        let rejectedOn = (first.answered ?? first.sent).on
        return Hit(
            since: rejectedOn, firesOn: rejectedOn.adding(days: t["nextStepDays"]),
            explanation: Svenska.referralRejected(from: first.from, to: first.to, on: rejectedOn),
            agencies: rejected.map(\.from), evidence: rejected.flatMap { [$0.sent.event] + ($0.answered.map { [$0.event] } ?? []) })
    }

    /// The sick note ran out or lapsed, ill health is a barrier and bistånd continues.
    static func sickNoteLapsed(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        guard c.activeSickNotes().isEmpty else { return nil }
        // The latest ending: an ended event, or a note whose last day has passed.
        var lapse: (day: LocalDate, lapsed: Bool, event: String)?
        if let end = c.state.region.lastSickNoteEnd, let reason = c.state.region.lastSickNoteEndReason {
            lapse = (end.on, reason == .lapsed, end.event)
        }
        for note in c.state.region.sickNotes {
            let ranOut = note.until.adding(days: 1)
            c.wake(on: ranOut)
            guard ranOut <= c.today else { continue }
            if lapse.map({ ranOut >= $0.day }) ?? true { lapse = (ranOut, true, note.issued.event) }
        }
        guard let lapse, lapse.lapsed, lapse.day <= c.today else { return nil }
        if let finished = c.state.region.medicallyFinished, finished.on >= lapse.day.adding(days: -30) { return nil }
        guard let illHealth = c.state.kommun.illHealthSince, c.bistandActive() else { return nil }
        return Hit(
            since: lapse.day, firesOn: lapse.day.adding(days: t["graceDays"]),
            explanation: Svenska.sickNoteLapsed(on: lapse.day),
            agencies: [.region, .kommun], evidence: [lapse.event, illHealth.event] + c.bistandEvidence)
    }

    /// At least `handovers` handovers between the same two agencies, both ways, within `windowDays`.
    static func pingPong(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        let window = t["windowDays"]
        guard c.state.handovers.count >= t["handovers"] else { return nil }
        let recent = c.state.handovers.filter { $0.mark.on <= c.today && c.today < $0.mark.on.adding(days: window) }
        for handover in c.state.handovers {
            c.wake(on: handover.mark.on)
            c.wake(on: handover.mark.on.adding(days: window))
        }
        var best: (pair: [Agency], marks: [HandoverMark])?
        for a in Agency.allCases {
            for b in Agency.allCases where a.rawValue < b.rawValue {
                let between = recent.filter { Set([$0.from, $0.to]) == Set([a, b]) }
                guard between.count >= t["handovers"],
                    between.contains(where: { $0.from == a }), between.contains(where: { $0.from == b })
                else { continue }
                if best.map({ between.count > $0.marks.count }) ?? true { best = ([a, b], between) }
            }
        }
        guard let best else { return nil }
        let since = best.marks.map(\.mark.on).min()!
        return Hit(
            since: since, firesOn: c.today,
            explanation: Svenska.pingPong(count: best.marks.count, between: best.pair, since: since),
            agencies: best.pair, evidence: best.marks.map(\.mark.event))
    }

    /// The activity demanded exceeds the capacity left by the sick note (or sjukpenning).
    static func conflictingDemands(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        let notes = c.activeSickNotes()
        var sickExtent = notes.map(\.extentPercent).max() ?? 0
        var evidence = notes.map(\.issued.event)
        var since = notes.map(\.from).max()
        if let benefit = c.fkBenefit(), benefit.kind == "sjukpenning", let extent = benefit.extent, extent > sickExtent {
            sickExtent = extent
            evidence.append(benefit.evidence)
            since = max(since ?? c.state.fk.sjukpenningMark!.on, c.state.fk.sjukpenningMark!.on)
        }
        guard sickExtent > 0, let sickSince = since else { return nil }
        let activities = c.activities()
        let demand = activities.map { $0.activity.extentPercent }.reduce(0, +)
        let capacity = 100 - sickExtent
        guard demand > capacity + t["marginPercent"] else { return nil }
        let start = max(sickSince, activities.map { $0.activity.started.on }.max()!)
        return Hit(
            since: start, firesOn: start,
            explanation: Svenska.conflictingDemands(
                sickPercent: sickExtent, demandPercent: demand, capacityPercent: capacity, actors: activities.map { $0.agency }),
            agencies: activities.map { $0.agency }, evidence: evidence + activities.map { $0.activity.started.event })
    }

    /// Bistånd in at least `months` of the last `windowMonths` months, and no measure or programme.
    static func longTermBistandNoMeasure(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        let current = c.today.monthIndex
        let firstMonth = current - (t["windowMonths"] - 1)
        let months = c.state.kommun.bistandMonths.filter { $0.index >= firstMonth && $0.index <= current }
        if !months.isEmpty { c.wake(on: StockholmTime.firstDay(monthIndex: current + 1)) }
        guard months.count >= t["months"], t["months"] > 0 else { return nil }
        guard c.activities().isEmpty else { return nil }
        var since = months[t["months"] - 1].firstDay
        var evidence = c.bistandEvidence
        for ended in [c.state.kommun.lastMeasureEnded, c.state.af.lastProgrammeEnded].compactMap({ $0 }) where ended.on > since {
            since = ended.on
            evidence.append(ended.event)
        }
        return Hit(
            since: since, firesOn: since,
            explanation: Svenska.longTermBistand(months: months.count, window: t["windowMonths"]),
            agencies: [.kommun], evidence: evidence)
    }

    /// Ill health a barrier for over `barrierDays` of bistånd, and no SIP requested or held.
    static func illHealthNoSip(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        guard let illHealth = c.state.kommun.illHealthSince, let bistandSince = c.state.kommun.bistandSince,
            c.bistandActive()
        else { return nil }
        guard !c.state.sips.contains(where: { $0.cancelled == nil }) else { return nil }
        let since = max(illHealth.on, bistandSince)
        return Hit(
            since: since, firesOn: since.adding(days: t["barrierDays"]),
            explanation: Svenska.illHealthNoSip(since: since),
            agencies: [.kommun, .region], evidence: [illHealth.event] + c.bistandEvidence)
    }

    /// SIP invitations of open meetings not answered by their answer date.
    static func sipInvitationUnanswered(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        var due: [(sip: SipState, invitation: SipInvitationState, day: LocalDate)] = []
        for sip in c.state.sips where sip.isOpen {
            for invitation in sip.invitations where invitation.answer == nil {
                let day = invitation.answerBy.adding(days: 1 + t["graceDays"])
                c.wake(on: day)
                if day <= c.today { due.append((sip, invitation, day)) }
            }
        }
        guard let first = due.min(by: { $0.day < $1.day }) else { return nil }
        return Hit(
            since: first.invitation.answerBy.adding(days: 1), firesOn: first.day,
            explanation: Svenska.sipInvitationUnanswered(
                invitee: first.invitation.invitee, caller: first.sip.caller, answerBy: first.invitation.answerBy,
                toAnswer: due.map { $0.invitation.invitee }),
            agencies: due.map { $0.invitation.invitee }, evidence: due.map { $0.invitation.sent.event })
    }

    /// SIP requested and not held within `holdDays`; after discharge not scheduled within `dischargeCallDays`.
    static func sipNotHeld(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        var due: [(sip: SipState, day: LocalDate, discharge: Bool)] = []
        for sip in c.state.sips where sip.isOpen {
            var day = sip.requested.on.adding(days: t["holdDays"])
            var discharge = false
            if sip.afterDischarge, sip.scheduled == nil {
                let callDay = sip.requested.on.adding(days: t["dischargeCallDays"])
                c.wake(on: callDay)
                if callDay <= c.today || callDay < day {
                    day = callDay
                    discharge = true
                }
            }
            c.wake(on: day)
            if day <= c.today { due.append((sip, day, discharge)) }
        }
        guard let first = due.min(by: { $0.day < $1.day }) else { return nil }
        let explanation = Svenska.sipNotHeld(
            requested: first.sip.requested.on, caller: first.sip.caller, afterDischarge: first.discharge, callDays: t["dischargeCallDays"])
        return Hit(
            since: first.sip.requested.on, firesOn: first.day, explanation: explanation,
            agencies: due.map { $0.sip.caller }, evidence: due.map { $0.sip.requested.event })
    }

    /// An open plan whose lead agency has closed all its cases for the person.
    static func planWithoutLead(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        var found: [(plan: PlanState, closed: Mark)] = []
        for plan in c.state.plans {
            if let closed = c.closedAllCases(plan.leadAgency) { found.append((plan, closed)) }
        }
        guard let first = found.min(by: { $0.closed.on < $1.closed.on }) else { return nil }
        let others = first.plan.participants.filter { $0 != first.plan.leadAgency }
        return Hit(
            since: first.closed.on, firesOn: first.closed.on.adding(days: t["graceDays"]),
            explanation: Svenska.planWithoutLead(lead: first.plan.leadAgency, closedOn: first.closed.on, others: others),
            agencies: found.flatMap { plan in plan.plan.participants.filter { $0 != plan.plan.leadAgency } },
            evidence: found.flatMap { [$0.plan.created.event, $0.closed.event] })
    }

    /// Plan actions not completed by their due date.
    static func planActionOverdue(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        var due: [(action: PlanActionState, day: LocalDate)] = []
        for plan in c.state.plans {
            for action in plan.actions where action.completed == nil {
                let day = action.dueDate.adding(days: 1 + t["graceDays"])
                c.wake(on: day)
                if day <= c.today { due.append((action, day)) }
            }
        }
        guard let first = due.min(by: { ($0.action.dueDate, $0.action.id) < ($1.action.dueDate, $1.action.id) }) else { return nil }
        return Hit(
            since: first.action.dueDate.adding(days: 1), firesOn: due.map { $0.day }.min()!,
            explanation: Svenska.planActionOverdue(
                description: first.action.description, due: first.action.dueDate, otherActions: due.count - 1, owner: first.action.owner,
                contact: first.action.ownerContact),
            agencies: due.map { $0.action.owner }, evidence: due.map { $0.action.assigned.event })
    }

    /// Open plan actions whose owner agency has closed all its cases for the person.
    static func planActionOwnerClosed(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        var found: [(plan: PlanState, action: PlanActionState, closed: Mark)] = []
        for plan in c.state.plans {
            for action in plan.actions where action.completed == nil {
                if let closed = c.closedAllCases(action.owner) { found.append((plan, action, closed)) }
            }
        }
        guard let first = found.min(by: { ($0.closed.on, $0.action.id) < ($1.closed.on, $1.action.id) }) else { return nil }
        return Hit(
            since: first.closed.on, firesOn: first.closed.on.adding(days: t["graceDays"]),
            explanation: Svenska.planActionOwnerClosed(
                description: first.action.description, owner: first.action.owner, closedOn: first.closed.on, lead: first.plan.leadAgency),
            agencies: found.map { $0.plan.leadAgency },
            evidence: found.flatMap { [$0.action.assigned.event, $0.closed.event] })
    }

    /// An agency active for the person without an open case with a named contact.
    static func noNamedContact(_ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        var found: [(agency: Agency, since: LocalDate, evidence: String)] = []
        func hasContact(_ agency: Agency) -> Bool {
            c.state.cases.contains { $0.agency == agency && $0.isOpen && $0.contact != nil }
        }
        if !hasContact(.kommun), c.bistandActive(), let since = c.state.kommun.bistandSince, let mark = c.state.kommun.bistandMark {
            found.append((.kommun, since, mark.event))
        }
        if !hasContact(.af), c.state.af.isRegistered, let mark = c.state.af.registrationMark {
            found.append((.af, mark.on, mark.event))
        }
        if !hasContact(.fk), let benefit = c.fkBenefit() {
            let start =
                [c.state.fk.sjukpenningMark, c.state.fk.aktivitetsersattning?.granted, c.state.fk.sjukersattningMark]
                .compactMap { $0 }.first { $0.event == benefit.evidence }?.on ?? c.today
            found.append((.fk, start, benefit.evidence))
        }
        if !hasContact(.region) {
            let notes = c.activeSickNotes()
            if let first = notes.min(by: { $0.from < $1.from }) {
                found.append((.region, first.from, first.issued.event))
            } else if let treatment = c.state.region.treatments.first(where: { $0.status == .ongoing }) {
                found.append((.region, treatment.mark.on, treatment.mark.event))
            }
        }
        var due: [(agency: Agency, since: LocalDate, evidence: String)] = []
        for item in found {
            let day = item.since.adding(days: t["graceDays"])
            c.wake(on: day)
            if day <= c.today { due.append(item) }
        }
        guard let first = due.min(by: { $0.since < $1.since }) else { return nil }
        return Hit(
            since: first.since, firesOn: due.map { $0.since.adding(days: t["graceDays"]) }.min()!,
            explanation: Svenska.noNamedContact(due.map { $0.agency }, since: first.since),
            agencies: due.map { $0.agency }, evidence: due.map { $0.evidence })
    }
}

import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

/// Issue 21 point 5: the rules' Swedish reads as written by a coordinator in the field, one term
/// for one thing, one date format, Swedish quotation marks.
@Suite("Swedish of the gap rules") struct SwedishWordingTests {
    @Test("no work capacity left is said so, not as ”de 0 procent som återstår”")
    func noCapacityLeft() {
        let full = Svenska.conflictingDemands(sickPercent: 100, demandPercent: 50, capacityPercent: 0, actors: [.kommun])
        #expect(full.contains("så ingen arbetsförmåga återstår, men har aktivitetskrav på 50 procent"))
        #expect(!full.contains("0 procent som återstår"))
        let part = Svenska.conflictingDemands(sickPercent: 75, demandPercent: 50, capacityPercent: 25, actors: [.kommun, .af])
        #expect(part.contains("mer än de 25 procent av arbetsförmågan som återstår; kommunen och Arbetsförmedlingen behöver"))
    }

    @Test("an overdue action: each clause has its verb, the description in ” ”, the date in the one format")
    func overdueAction() {
        let text = Svenska.planActionOverdue(
            description: "Boka läkarbesök.", due: day("2026-12-03"), otherActions: 0, owner: .region, contact: "Sara Wik")
        #expect(
            text
                == "Åtgärden ”Boka läkarbesök” skulle ha varit utförd senast 3 dec 2026; regionen (Sara Wik) behöver utföra den, annars behöver handlingsplanen följas upp."
        )
    }

    @Test("the benefit rule's title and sentence agree in tense and say ”planering för tiden efter”")
    func benefitTense() {
        let title = Svenska.ruleTitle(RuleId.benefitEndingNoPlan)
        #expect(!title.contains("snart") && !title.contains("mottagande"))
        let past = Svenska.benefitEnding("sjukpenning", end: day("2026-12-01"), today: day("2026-12-03"))
        #expect(past.hasPrefix("Personens sjukpenning upphörde 1 dec 2026 och det finns ingen planering för tiden efter;"))
        #expect(Svenska.benefitEnding("sjukpenning", end: day("2026-12-10"), today: day("2026-12-03")).contains("upphör 10 dec 2026"))
    }

    @Test("whose invitation it was is unambiguous: ”kommunens kallelse”, not ”kallelsen … från kommunen, som …”")
    func invitation() {
        let text = Svenska.sipInvitationUnanswered(invitee: .af, caller: .kommun, answerBy: day("2026-12-03"), toAnswer: [.af])
        #expect(
            text
                == "Arbetsförmedlingen har inte svarat på kommunens kallelse till SIP-möte, fast svaret skulle ha kommit senast 3 dec 2026; Arbetsförmedlingen behöver svara."
        )
        #expect(
            Svenska.sipInvitationUnanswered(invitee: .region, caller: .fk, answerBy: day("2026-12-03"), toAnswer: [.region]).hasPrefix(
                "Regionen har inte svarat på Försäkringskassans kallelse"))
    }

    @Test("one term each: verksamhet, läkarintyg, åtgärd, avaktualiserad; no straight quotes, no ISO dates in the rules' texts")
    func oneTermEach() {
        let texts =
            RuleCatalogue.all.flatMap { [$0.title, $0.explanation] } + [
                Svenska.afDeregistered(deregistered: true, on: day("2026-10-09")), Svenska.sickNoteLapsed(on: day("2026-11-30")),
                Svenska.handoverNotOpened(from: .kommun, to: .region, area: .halsaVard, closedOn: day("2026-11-01"), otherAreas: 1),
                Svenska.referralRejected(from: .kommun, to: .region, on: day("2026-11-01")),
                Svenska.planWithoutLead(lead: .region, closedOn: day("2026-11-01"), others: [.kommun]),
                Svenska.noNamedContact([.kommun], since: day("2026-11-01")),
                Svenska.planActionOwnerClosed(description: "Ring", owner: .af, closedOn: day("2026-11-01"), lead: .kommun),
                Svenska.pingPong(count: 3, between: [.af, .kommun], since: day("2026-12-03")),
            ]
        for text in texts {
            #expect(!text.lowercased().contains("myndighet"), "\(text)")
            #expect(!text.lowercased().contains("sjukintyg"), "\(text)")
            #expect(!text.lowercased().contains("planaktivitet") && !text.contains("Utskriven") && !text.contains("skrev ut"), "\(text)")
            #expect(!text.contains("\""), "\(text)")
            #expect(text.range(of: #"\d{4}-\d{2}-\d{2}"#, options: .regularExpression) == nil, "\(text)")
            #expect(text.first?.isUppercase == true, "\(text)")
        }
        #expect(
            Svenska.afDeregistered(deregistered: true, on: day("2026-10-09")).hasPrefix(
                "Arbetsförmedlingen avaktualiserade personen 9 okt 2026"))
        // A sentence that starts with kommunen or regionen starts with a capital, and only there.
        #expect(
            Svenska.handoverNotOpened(from: .kommun, to: .region, area: .halsaVard, closedOn: day("2026-11-01"), otherAreas: 0).hasPrefix(
                "Kommunen avslutade ärendet för hälsa/vård 1 nov 2026 med hänvisning till regionen,"))
    }
}

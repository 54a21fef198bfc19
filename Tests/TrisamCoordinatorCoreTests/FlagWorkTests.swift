import Foundation
import Testing
import TrisamContracts
import TrisamCoordinatorCore

/// The work on a flag as a state machine: which action is allowed when, set-aside expiry, and
/// what a change of the person's situation does.
@Suite("Flag work")
struct FlagWorkTests {
    let today = LocalDate("2026-12-03")!

    func apply(_ work: FlagWork, _ action: FlagAction, by actor: String = "Karin") throws(FlagWorkRefusal) -> FlagWork {
        try work.applying(action, by: actor, today: today)
    }

    @Test("taking, assigning, commenting and agreeing the next step")
    func takeAssignCommentNextStep() throws {
        var work = try apply(FlagWork(), .take)
        #expect(work.owner == .coordinator("Karin"))
        #expect(throws: FlagWorkRefusal(.alreadyYours, field: nil)) { try apply(work, .take) }
        // Another coordinator may take it over.
        work = try apply(work, .take, by: "Olle")
        #expect(work.owner?.name == "Olle")
        work = try apply(work, .assign(Contact(name: " Frida Ek ", phone: "010-123 45 67"), .fk))
        #expect(work.owner == .assignee(Contact(name: "Frida Ek", phone: "010-123 45 67"), .fk))
        #expect(throws: FlagWorkRefusal(.alreadyAssigned, field: "name")) {
            try apply(work, .assign(Contact(name: "Frida Ek", phone: "010-123 45 67"), .fk))
        }
        #expect(try apply(work, .comment("Ringt FK.")) == work)
        work = try apply(work, .nextStep("FK återkommer", dueOn: today))
        #expect(work.nextStep == FlagWork.NextStep(text: "FK återkommer", dueOn: today))
        #expect(work.isInQueue(on: today))
    }

    @Test("refusals name the field: blank text, personnummer, bad phone, dates in the past or too far")
    func refusalsNameTheField() {
        let work = FlagWork()
        #expect(throws: FlagWorkRefusal(.text("must not be empty"), field: "comment")) { try apply(work, .comment("  ")) }
        #expect(throws: FlagWorkRefusal.self) { try apply(work, .comment("Gäller 19121212-1212")) }
        do {
            _ = try apply(work, .comment("Gäller 19121212-1212"))
        } catch {
            #expect(error.field == "comment")
            #expect(error.svenska.hasPrefix("Skriv inte personnummer"))
        }
        #expect(throws: FlagWorkRefusal(.badPhone, field: "phone")) {
            try apply(work, .assign(Contact(name: "Frida", phone: "ring mig"), .fk))
        }
        #expect(throws: FlagWorkRefusal(.text("must not be empty"), field: "name")) { try apply(work, .assign(Contact(name: ""), .fk)) }
        #expect(throws: FlagWorkRefusal(.dueInPast, field: "dueOn")) {
            try apply(work, .nextStep("Ring", dueOn: today.adding(days: -1)))
        }
        #expect(throws: FlagWorkRefusal(.asideNotFuture, field: "until")) { try apply(work, .setAside(until: today, reason: "Väntar")) }
        #expect(throws: FlagWorkRefusal(.asideTooLong, field: "until")) {
            try apply(work, .setAside(until: today.adding(days: 366), reason: "Väntar"))
        }
        #expect(throws: FlagWorkRefusal(.text("must not be empty"), field: "reason")) {
            try apply(work, .setAside(until: today.adding(days: 7), reason: ""))
        }
        #expect(throws: FlagWorkRefusal(.text("must not be empty"), field: "reason")) { try apply(work, .close(reason: " ")) }
        #expect(FlagWorkRefusal(.asideNotFuture, field: "until").svenska == "Välj ett datum efter i dag.")
    }

    @Test("a set-aside flag is out of the queue until its day, and back on that day")
    func setAsideExpires() throws {
        let until = today.adding(days: 7)
        let work = try apply(FlagWork(), .setAside(until: until, reason: "Väntar på läkarintyg"))
        #expect(work.isAside(on: today) && !work.isInQueue(on: today))
        #expect(work.isAside(on: until.adding(days: -1)))
        #expect(!work.isAside(on: until) && work.isInQueue(on: until))
        #expect(work.reopensOnChange(today: today))
        #expect(!work.reopensOnChange(today: until)) // already back
        #expect(work.reopened().isInQueue(on: today))
    }

    @Test("closed as no gap: only comments until the situation changes, then back in the queue")
    func closedOnlyComments() throws {
        let closed = try apply(FlagWork(), .close(reason: "Flyttat till annan kommun"))
        #expect(closed.isClosed && !closed.isInQueue(on: today))
        #expect(throws: FlagWorkRefusal(.closed, field: nil)) { try apply(closed, .take) }
        #expect(throws: FlagWorkRefusal(.closed, field: nil)) { try apply(closed, .setAside(until: today.adding(days: 1), reason: "x")) }
        #expect(try apply(closed, .comment("Bekräftat med kommunen.")) == closed)
        #expect(closed.reopensOnChange(today: today.adding(days: 400)))
        let back = closed.reopened()
        #expect(back.isInQueue(on: today))
        #expect(try apply(back, .take).owner == .coordinator("Karin"))
    }

    @Test("a resolved flag's work has ended: every action is refused and nothing reopens it")
    func resolvedEndsWork() {
        let ended = FlagWork(owner: .coordinator("Karin"), parked: .closed(reason: "x"), ended: true)
        for action in [FlagAction.take, .comment("x"), .close(reason: "x"), .setAside(until: today.adding(days: 2), reason: "x")] {
            #expect(throws: FlagWorkRefusal(.resolved, field: nil)) { try apply(ended, action) }
        }
        #expect(!ended.reopensOnChange(today: today))
        #expect(!ended.isInQueue(on: today))
    }

    @Test("parsing form and API fields: missing, bad dates and agencies named by field")
    func parsing() throws {
        #expect(try FlagAction.parse(.take, [:]) == .take)
        #expect(
            try FlagAction.parse(.assign, ["name": "Frida Ek", "agency": "fk", "phone": ""])
                == .assign(Contact(name: "Frida Ek"), .fk))
        #expect(throws: FlagWorkRefusal(.missing, field: "name")) { try FlagAction.parse(.assign, ["agency": "fk"]) }
        #expect(throws: FlagWorkRefusal(.badAgency, field: "agency")) { try FlagAction.parse(.assign, ["name": "F", "agency": "skatt"]) }
        #expect(throws: FlagWorkRefusal(.badDate, field: "until")) { try FlagAction.parse(.setAside, ["until": "15/12", "reason": "x"]) }
        #expect(throws: FlagWorkRefusal(.missing, field: "reason")) { try FlagAction.parse(.setAside, ["until": "2026-12-15"]) }
        #expect(
            try FlagAction.parse(.nextStep, ["nextStep": "Ring", "dueOn": "2026-12-04"])
                == .nextStep("Ring", dueOn: LocalDate("2026-12-04")!))
        #expect(FlagWorkRefusal(.missing, field: "dueOn").svenska == "Välj datum för nästa steg.")
    }

    @Test("each action is recorded by its own event type, which validates")
    func events() throws {
        let actions: [(FlagAction, EventType)] = [
            (.take, .flagTaken), (.assign(Contact(name: "Frida Ek"), .fk), .flagAssigned), (.comment("Ringt"), .flagCommented),
            (.nextStep("Ring", dueOn: today), .flagNextStepAgreed),
            (.setAside(until: today.adding(days: 1), reason: "Väntar"), .flagSetAside),
            (.close(reason: "Ingen brist"), .flagClosed),
        ]
        for (action, type) in actions {
            let event = action.event(flagId: "a:grey-zone:0", rule: "grey-zone", actor: "Karin")
            #expect(event.type == type)
            try event.payload.validate()
            #expect(event.payload.refusal(of: .coordinator) == nil)
            #expect(event.payload.refusal(of: .agency(.af)) != nil)
        }
    }
}

import Foundation
import GRDB

/// What the dashboard's queue and counts read instead of every open flag (issue 22), kept by
/// triggers on the `flag` table, so that every path that changes a flag (a batch, a due check, a
/// coordinator's work, an agency's take) changes them in the same transaction:
///
/// - `queue_person`: per person and view, the place in the queue (``PersonCursor``'s order: the
///   most severe flag as `tier`, 0 high to 2 low, then the oldest) and the number of flags, over
///   the open flags not parked (neither set aside nor closed as no gap). Views: `queue` (all of
///   them), `unassigned` (nobody's), `mine:<name>` (taken by or assigned to `<name>`). Its index
///   in the queue's order makes a page a range scan and "people before this page" a count over a
///   range.
/// - `queue_total`: per view the number of people and flags in `queue_person`.
/// - `flag_open_count`: the open flags per rule.
/// - `coordinator_counter` `flagsRaised` and `flagsResolved`: flags ever raised and resolved (the
///   dashboard's live marker).
///
/// Set-aside flags come back into the queue on their day without anything written, so a person
/// with a flag set aside until today or earlier is not read from `queue_person` but computed
/// from their flags at the request (``CoordinatorStore/personQueue(_:limit:after:before:)``).
/// The `flag` table's generated column `tier` and two covering indexes of the open flags (by
/// person, by rule) serve the filtered queue; `flag_aside` finds the flags back from aside.
enum QueueOrder {
    /// `min(tier)` is the most severe flag; `2 - min(tier)` the rank of ``PersonCursor``.
    static let tier = "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"

    /// The views of `queue_person` and the condition on a person's open, unparked flags of each.
    /// `mine:` is followed by the owner's name.
    static let views: [(name: String, condition: String, group: String)] = [
        ("'queue'", "", "clientRef"),
        ("'unassigned'", " AND ownerName IS NULL", "clientRef"),
        ("'mine:' || ownerName", " AND ownerName IS NOT NULL", "clientRef, ownerName"),
    ]

    /// The `queue_person` view of a ``QueueView`` that the table keeps (nil: aside is not kept).
    static func maintainedView(_ view: QueueView?) -> (name: String, today: String)? {
        switch view {
        case .queue(let today)?: ("queue", today.description)
        case .unassigned(let today)?: ("unassigned", today.description)
        case .mine(let name, let today)?: ("mine:\(name)", today.description)
        case .aside?, nil: nil
        }
    }

    /// The people whose flags set aside until `?` or earlier are back in the queue: their place is
    /// computed at the request, not read from `queue_person`.
    static let returnedFromAside =
        "SELECT clientRef FROM flag WHERE resolvedAt IS NULL AND parked = 'aside' AND parkedUntil <= ?"

    /// Recomputes the rows of the person `ref` (an SQL expression) in `queue_person`.
    static func refresh(_ ref: String) -> String {
        let selects = views.map { view in
            """
            SELECT \(view.name), clientRef, min(tier), min(since), count(*) FROM flag
                WHERE clientRef = \(ref) AND resolvedAt IS NULL AND parked IS NULL\(view.condition) GROUP BY \(view.group)
            """
        }
        return """
            DELETE FROM queue_person WHERE clientRef = \(ref);
            INSERT INTO queue_person(view, clientRef, tier, oldest, flags)
            \(selects.joined(separator: "\nUNION ALL\n"));
            """
    }

    /// Tables, indexes and triggers (migration `v11-queue-order`).
    static var schema: String {
        """
        ALTER TABLE flag ADD COLUMN tier INTEGER GENERATED ALWAYS AS (\(tier)) VIRTUAL;
        DROP INDEX flag_open_person;
        CREATE INDEX flag_open_person ON flag(clientRef, tier, since, rule, severity, agencies, parked, parkedUntil, ownerName)
            WHERE resolvedAt IS NULL;
        CREATE INDEX flag_open_rule ON flag(rule, tier, since, clientRef, severity, agencies, parked, parkedUntil, ownerName)
            WHERE resolvedAt IS NULL;
        CREATE INDEX flag_aside ON flag(parkedUntil, clientRef) WHERE parked = 'aside' AND resolvedAt IS NULL;
        CREATE TABLE queue_person (
            view TEXT NOT NULL,
            clientRef TEXT NOT NULL,
            tier INTEGER NOT NULL,
            oldest REAL NOT NULL,
            flags INTEGER NOT NULL,
            PRIMARY KEY (clientRef, view)
        ) WITHOUT ROWID;
        CREATE INDEX queue_person_order ON queue_person(view, tier, oldest, clientRef);
        CREATE TABLE queue_total (
            view TEXT PRIMARY KEY NOT NULL,
            persons INTEGER NOT NULL,
            flags INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE flag_open_count (rule TEXT PRIMARY KEY NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE flag_trend (
            endDay TEXT NOT NULL, -- the Stockholm day it was resolved; '' while open
            sinceDay TEXT NOT NULL, -- the Stockholm day its condition began
            high INTEGER NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (endDay, sinceDay, high)
        ) WITHOUT ROWID;

        CREATE TRIGGER queue_person_added AFTER INSERT ON queue_person BEGIN
            INSERT INTO queue_total(view, persons, flags) VALUES (NEW.view, 1, NEW.flags)
                ON CONFLICT(view) DO UPDATE SET persons = persons + 1, flags = flags + excluded.flags;
        END;
        CREATE TRIGGER queue_person_removed AFTER DELETE ON queue_person BEGIN
            UPDATE queue_total SET persons = persons - 1, flags = flags - OLD.flags WHERE view = OLD.view;
            DELETE FROM queue_total WHERE view = OLD.view AND persons <= 0;
        END;

        CREATE TRIGGER flag_added AFTER INSERT ON flag BEGIN
            UPDATE coordinator_counter SET value = value + 1 WHERE name = 'flagsRaised';
            UPDATE coordinator_counter SET value = value + 1 WHERE name = 'flagsResolved' AND NEW.resolvedAt IS NOT NULL;
            INSERT INTO flag_open_count(rule, count) SELECT NEW.rule, 1 WHERE NEW.resolvedAt IS NULL
                ON CONFLICT(rule) DO UPDATE SET count = count + 1;
            \(refresh("NEW.clientRef"))
        END;
        CREATE TRIGGER flag_changed AFTER UPDATE OF clientRef, rule, severity, since, resolvedAt, parked, ownerName ON flag
        WHEN OLD.clientRef IS NOT NEW.clientRef OR OLD.rule IS NOT NEW.rule OR OLD.severity IS NOT NEW.severity
            OR OLD.since IS NOT NEW.since OR OLD.resolvedAt IS NOT NEW.resolvedAt OR OLD.parked IS NOT NEW.parked
            OR OLD.ownerName IS NOT NEW.ownerName
        BEGIN
            UPDATE coordinator_counter SET value = value + (NEW.resolvedAt IS NOT NULL) - (OLD.resolvedAt IS NOT NULL)
                WHERE name = 'flagsResolved';
            UPDATE flag_open_count SET count = count - 1 WHERE rule = OLD.rule AND OLD.resolvedAt IS NULL;
            DELETE FROM flag_open_count WHERE rule = OLD.rule AND count <= 0;
            INSERT INTO flag_open_count(rule, count) SELECT NEW.rule, 1 WHERE NEW.resolvedAt IS NULL
                ON CONFLICT(rule) DO UPDATE SET count = count + 1;
            \(refresh("OLD.clientRef"))
        END;
        CREATE TRIGGER flag_moved AFTER UPDATE OF clientRef ON flag WHEN OLD.clientRef IS NOT NEW.clientRef BEGIN
            \(refresh("NEW.clientRef"))
        END;
        CREATE TRIGGER flag_removed AFTER DELETE ON flag BEGIN
            UPDATE coordinator_counter SET value = value - 1 WHERE name = 'flagsRaised';
            UPDATE coordinator_counter SET value = value - 1 WHERE name = 'flagsResolved' AND OLD.resolvedAt IS NOT NULL;
            UPDATE flag_open_count SET count = count - 1 WHERE rule = OLD.rule AND OLD.resolvedAt IS NULL;
            DELETE FROM flag_open_count WHERE rule = OLD.rule AND count <= 0;
            \(refresh("OLD.clientRef"))
        END;
        """
    }

    /// Fills the tables from the flags stored (after ``schema``; the triggers of `queue_person`
    /// sum `queue_total`).
    static var fill: String {
        let selects = views.map { view in
            """
            SELECT \(view.name), clientRef, min(tier), min(since), count(*) FROM flag
                WHERE resolvedAt IS NULL AND parked IS NULL\(view.condition) GROUP BY \(view.group)
            """
        }
        return """
            INSERT INTO queue_person(view, clientRef, tier, oldest, flags)
            \(selects.joined(separator: "\nUNION ALL\n"));
            INSERT INTO flag_open_count(rule, count) SELECT rule, count(*) FROM flag WHERE resolvedAt IS NULL GROUP BY rule;
            INSERT INTO coordinator_counter(name, value) SELECT 'flagsRaised', count(*) FROM flag;
            INSERT INTO coordinator_counter(name, value) SELECT 'flagsResolved', count(resolvedAt) FROM flag;
            """
    }
}

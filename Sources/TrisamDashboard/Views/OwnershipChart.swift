import Foundation
import TrisamContracts
import TrisamCoordinatorCore

/// The ownership timeline of one person: per area, who owned it for which days and where
/// nobody did. Pure geometry; ``svg()`` draws it.
public struct OwnershipChart: Sendable, Equatable {
    /// One stretch of days in one area: owned by an agency, or a gap (agency nil).
    public struct Segment: Sendable, Equatable {
        public var agency: Agency?
        public var from: LocalDate
        /// Last day of the stretch (inclusive).
        public var until: LocalDate
        /// Whether the stretch runs on today (still open).
        public var ongoing: Bool
        public var x: Double
        public var width: Double

        /// "Kommunen 3 mar 2026 – pågår" / "Ingen ägare 1 jan 2026 – 2 feb 2026".
        public var label: String {
            let who = agency?.displayName ?? "Ingen ägare"
            return "\(who) \(Swedish.date(from)) – \(ongoing ? "pågår" : Swedish.date(until))"
        }
    }

    /// One area's row.
    public struct Row: Sendable, Equatable {
        public var area: Area
        public var y: Double
        public var segments: [Segment]
        /// Whether nobody owns the area today.
        public var unownedToday: Bool { segments.last.map { $0.agency == nil } ?? true }
    }

    /// A tick on the time axis.
    public struct Tick: Sendable, Equatable {
        public var day: LocalDate
        public var x: Double
    }

    public var start: LocalDate
    public var today: LocalDate
    public var rows: [Row]
    public var ticks: [Tick]
    public var width: Double
    public var height: Double

    static let labelWidth = 150.0
    static let rowHeight = 34.0
    static let rowGap = 12.0
    static let top = 10.0
    static let axisHeight = 30.0

    /// Lays out the areas (all four, in a fixed order) from the first day any agency owned any
    /// area (before that nobody knew of the person, which is not a gap) through today; the last
    /// 30 days when nobody ever owned anything.
    public init(areas: [AreaState], today: LocalDate, width: Double = 1100) {
        let start = min(areas.flatMap(\.periods).map(\.from).min() ?? today.adding(days: -30), today)
        self.start = start
        self.today = today
        self.width = width
        let totalDays = Double(Swedish.daysBetween(start, today) + 1)
        let plotWidth = width - Self.labelWidth - 10
        func x(_ day: LocalDate) -> Double { Self.labelWidth + Double(Swedish.daysBetween(start, day)) / totalDays * plotWidth }

        var rows: [Row] = []
        for (index, area) in Area.allCases.enumerated() {
            let periods = (areas.first { $0.area == area }?.periods ?? []).sorted { $0.from < $1.from }
            var segments: [Segment] = []
            var cursor = start
            func add(_ agency: Agency?, _ from: LocalDate, _ until: LocalDate) {
                guard from <= until else { return }
                segments.append(
                    Segment(
                        agency: agency, from: from, until: until, ongoing: until >= today,
                        x: x(from), width: x(until.adding(days: 1)) - x(from)))
            }
            for period in periods where period.from <= today {
                let from = max(period.from, cursor)
                let until = min(period.until ?? today, today)
                if from > cursor { add(nil, cursor, from.adding(days: -1)) }
                add(period.agency, from, until)
                cursor = max(cursor, until.adding(days: 1))
            }
            if cursor <= today { add(nil, cursor, today) }
            rows.append(Row(area: area, y: Self.top + Double(index) * (Self.rowHeight + Self.rowGap), segments: segments))
        }
        self.rows = rows
        height = Self.top + Double(rows.count) * (Self.rowHeight + Self.rowGap) + Self.axisHeight

        // About six ticks, on whole days.
        let span = Swedish.daysBetween(start, today)
        let step = max(1, Int((Double(span) / 6).rounded(.up)))
        var ticks: [Tick] = []
        var day = start
        while day <= today {
            ticks.append(Tick(day: day, x: x(day)))
            day = day.adding(days: step)
        }
        self.ticks = ticks
    }

    /// Inline SVG: agencies in their colours with their names, gaps hatched in red with
    /// "Ingen ägare", a line marking today.
    public func svg(id: String = "agarskap") -> String {
        var out = Markup.svgOpen(
            id: id, width: width, height: height, title: "Ägarskap per område över tid",
            description: rows.map { row in
                "\(row.area.displayName): " + row.segments.map(\.label).joined(separator: "; ")
            }.joined(separator: ". "))
        out += """
            <defs><pattern id="\(id)-gap" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">\
            <rect width="8" height="8" fill="#fdeceb"/><line x1="0" y1="0" x2="0" y2="8" stroke="#d9837d" stroke-width="3"/></pattern></defs>
            """
        for row in rows {
            out += Markup.text(0, row.y + Self.rowHeight / 2 + 5, row.area.displayName, cls: "chart-label")
            for segment in row.segments {
                let fill = segment.agency.map(AgencyColour.fill) ?? "url(#\(id)-gap)"
                let stroke = segment.agency == nil ? " stroke=\"#b3261e\" stroke-width=\"1.5\"" : ""
                out += "<g class=\"segment\(segment.agency == nil ? " gap" : "")\"><title>\(Markup.escape(segment.label))</title>"
                out += Markup.rect(segment.x, row.y, segment.width, Self.rowHeight, fill: fill, extra: stroke)
                let name = segment.agency?.displayName ?? "Ingen ägare"
                if segment.width >= Double(name.count) * 7.2 + 8 {
                    out += Markup.text(
                        segment.x + 5, row.y + Self.rowHeight / 2 + 5, name,
                        cls: segment.agency == nil ? "gap-label" : "segment-label",
                        fill: segment.agency == nil ? "#8c1d18" : "#ffffff")
                }
                out += "</g>"
            }
        }
        let axisY = Self.top + Double(rows.count) * (Self.rowHeight + Self.rowGap)
        out +=
            "<line x1=\"\(Markup.number(Self.labelWidth))\" y1=\"\(Markup.number(axisY))\" x2=\"\(Markup.number(width - 10))\" y2=\"\(Markup.number(axisY))\" stroke=\"#444\"/>"
        for tick in ticks {
            out +=
                "<line x1=\"\(Markup.number(tick.x))\" y1=\"\(Markup.number(axisY))\" x2=\"\(Markup.number(tick.x))\" y2=\"\(Markup.number(axisY + 5))\" stroke=\"#444\"/>"
            out += Markup.text(tick.x, axisY + 20, Swedish.shortDate(tick.day), anchor: "middle", cls: "axis-label")
        }
        let todayX = width - 10
        out +=
            "<line x1=\"\(Markup.number(todayX))\" y1=\"\(Markup.number(Self.top - 4))\" x2=\"\(Markup.number(todayX))\" y2=\"\(Markup.number(axisY))\" stroke=\"#111\" stroke-dasharray=\"4 3\"/>"
        out += Markup.text(todayX, axisY + 20, "i dag", anchor: "end", cls: "axis-label")
        return out + "</svg>"
    }
}

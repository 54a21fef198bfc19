import Foundation
import TrisamContracts
import TrisamCoordinatorCore

/// The ownership timeline of one person: per area, who owned it for which days and where
/// nobody did. Pure geometry; ``svg()`` draws it.
public struct OwnershipChart: Sendable, Equatable {
    /// One stretch of days in one area: owned by an agency, or nobody (agency nil), which is a
    /// gap only when the area needed an owner then.
    public struct Segment: Sendable, Equatable {
        public var agency: Agency?
        public var from: LocalDate
        /// Last day of the stretch (inclusive).
        public var until: LocalDate
        /// Whether the stretch runs on today (still open).
        public var ongoing: Bool
        /// For a stretch without owner: whether the area needed one (a gap).
        public var needed: Bool = true
        /// For a stretch without owner that needed none: what held it instead, if anything
        /// ("Samordnas i handlingsplanen (kommunen)").
        public var note: String? = nil
        public var x: Double
        public var width: Double

        /// Whether this stretch is a gap: nobody owned the area while it needed an owner.
        public var gap: Bool { agency == nil && needed }

        /// "Kommunen 3 mar 2026 – pågår" / "Ingen ägare 1 jan 2026 – 2 feb 2026".
        public var label: String {
            let who = agency?.displayName ?? (needed ? Swedish.noOwner : note ?? Swedish.notNeeded)
            return "\(who) \(Swedish.date(from)) – \(ongoing ? Swedish.ongoing : Swedish.date(until))"
        }
    }

    /// A day with one or more handovers in an area.
    public struct Marker: Sendable, Equatable {
        public var day: LocalDate
        public var x: Double
        /// "Överlämning 3 dec 2026: kommunen till Arbetsförmedlingen; …".
        public var label: String
    }

    /// One area's row.
    public struct Row: Sendable, Equatable {
        public var area: Area
        public var y: Double
        public var segments: [Segment]
        public var markers: [Marker] = []
        /// Whether nobody owns the area today although it needs an owner.
        public var unownedToday: Bool { segments.last.map { $0.gap } ?? false }
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

    /// The chart of a person: every area, who needs an owner (``PersonState/ownerNeed(_:)``),
    /// and the handovers.
    public init(state: PersonState, today: LocalDate, width: Double = 1100) {
        var needs: [Area: OwnerNeed] = [:]
        for area in Area.allCases { needs[area] = state.ownerNeed(area) }
        self.init(areas: state.areas, today: today, width: width, needs: needs, handovers: state.handovers)
    }

    /// Lays out the areas (all four, in a fixed order) from the first day any agency owned any
    /// area (before that nobody knew of the person, which is not a gap) through today; the last
    /// 30 days when nobody ever owned anything. With `needs`, a stretch without owner is a gap
    /// only from the day the area needed an owner and, after its last owner, only if it still
    /// does; without, every stretch without owner is one. A period that begins on the day the
    /// previous one ended (a handover) begins on its own day; the previous one ends the day before.
    public init(
        areas: [AreaState], today: LocalDate, width: Double = 1100, needs: [Area: OwnerNeed]? = nil, handovers: [HandoverMark] = []
    ) {
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
            let need: OwnerNeed? = if let needs { needs[area] } else { OwnerNeed(from: start, now: true) }
            var segments: [Segment] = []
            func add(_ agency: Agency?, _ from: LocalDate, _ until: LocalDate, needed: Bool = true, note: String? = nil) {
                guard from <= until else { return }
                segments.append(
                    Segment(
                        agency: agency, from: from, until: until, ongoing: until >= today, needed: needed, note: note,
                        x: x(from), width: x(until.adding(days: 1)) - x(from)))
            }
            /// A stretch nobody owned, split where the area began to need an owner.
            func addUnowned(_ from: LocalDate, _ until: LocalDate, trailing: Bool) {
                guard from <= until else { return }
                guard let need else { return add(nil, from, until, needed: false) }
                guard !trailing || need.now else {
                    let note = need.coveredBy.map { Swedish.covered(by: $0, plan: need.coveredByPlan, short: true) }
                    add(nil, from, min(until, need.from.adding(days: -1)), needed: false)
                    return add(nil, max(from, need.from), until, needed: false, note: note)
                }
                add(nil, from, min(until, need.from.adding(days: -1)), needed: false)
                add(nil, max(from, need.from), until)
            }
            /// Ends the segments before `day` (a later period begins then).
            func trim(before day: LocalDate) {
                while let last = segments.last, last.until >= day {
                    if last.from >= day {
                        segments.removeLast()
                        continue
                    }
                    let index = segments.count - 1
                    segments[index].until = day.adding(days: -1)
                    segments[index].ongoing = segments[index].until >= today
                    segments[index].width = x(day) - segments[index].x
                    break
                }
            }
            var cursor = start
            for period in periods where period.from <= today {
                let until = min(period.until ?? today, today)
                if period.from > cursor { addUnowned(cursor, period.from.adding(days: -1), trailing: false) }
                trim(before: period.from)
                add(period.agency, period.from, until)
                cursor = max(cursor, until.adding(days: 1))
            }
            if cursor <= today { addUnowned(cursor, today, trailing: true) }
            var markers: [Marker] = []
            let areaHandovers = handovers.filter { $0.area == area && $0.mark.on >= start && $0.mark.on <= today }
            for day in Set(areaHandovers.map(\.mark.on)).sorted() {
                let those = areaHandovers.filter { $0.mark.on == day }
                let text = those.map { "\(Svenska.agency($0.from)) till \(Svenska.agency($0.to))" }.joined(separator: "; ")
                markers.append(Marker(day: day, x: x(day), label: Swedish.handoverMarker(day: day, text: text, count: those.count)))
            }
            rows.append(
                Row(area: area, y: Self.top + Double(index) * (Self.rowHeight + Self.rowGap), segments: segments, markers: markers))
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
    /// "Ingen ägare", stretches when the area needed no owner in light grey, a black mark above
    /// each day with handovers, a line marking today.
    public func svg(id: String = "agarskap") -> String {
        var out = Markup.svgOpen(
            id: id, width: width, height: height, title: Swedish.ownershipChartTitle,
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
                let fill = segment.agency.map(AgencyColour.fill) ?? (segment.gap ? "url(#\(id)-gap)" : "#f2f2f2")
                let stroke = segment.gap ? " stroke=\"#b3261e\" stroke-width=\"1.5\"" : ""
                let kind = segment.gap ? " gap" : segment.agency == nil ? " not-needed" : ""
                out += "<g class=\"segment\(kind)\"><title>\(Markup.escape(segment.label))</title>"
                out += Markup.rect(segment.x, row.y, segment.width, Self.rowHeight, fill: fill, extra: stroke)
                let name = segment.agency?.displayName ?? (segment.gap ? Swedish.noOwner : segment.note ?? Swedish.notNeeded)
                if segment.width >= Double(name.count) * 7.2 + 8 {
                    out += Markup.text(
                        segment.x + 5, row.y + Self.rowHeight / 2 + 5, name,
                        cls: segment.gap ? "gap-label" : segment.agency == nil ? "not-needed-label" : "segment-label",
                        fill: segment.gap ? "#8c1d18" : segment.agency == nil ? "#4d4d4d" : "#ffffff")
                }
                out += "</g>"
            }
            for marker in row.markers {
                let top = row.y - 3
                out += "<g class=\"handover\"><title>\(Markup.escape(marker.label))</title>"
                out +=
                    "<path d=\"M\(Markup.number(marker.x - 5)) \(Markup.number(top - 6)) L\(Markup.number(marker.x + 5)) \(Markup.number(top - 6)) L\(Markup.number(marker.x)) \(Markup.number(top + 2)) Z\" fill=\"#111\"/>"
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
        out += Markup.text(todayX, axisY + 20, Swedish.today, anchor: "end", cls: "axis-label")
        return out + "</svg>"
    }
}

import Foundation
import TrisamContracts

/// Horizontal bars with the label above each bar and the value after it.
public struct BarChart: Sendable, Equatable {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Int
        public var fill: String
        public var y: Double
        public var width: Double
    }

    public var bars: [Bar]
    public var width: Double
    public var height: Double
    static let rowHeight = 40.0
    static let barHeight = 16.0

    public init(items: [(label: String, value: Int, fill: String)], width: Double = 640) {
        let maximum = max(items.map(\.value).max() ?? 0, 1)
        let plot = width - 60
        bars = items.enumerated().map { index, item in
            Bar(
                label: item.label, value: item.value, fill: item.fill, y: Double(index) * Self.rowHeight,
                width: Double(item.value) / Double(maximum) * plot)
        }
        self.width = width
        height = max(Double(items.count) * Self.rowHeight, Self.rowHeight)
    }

    public func svg(id: String, title: String) -> String {
        var out = Markup.svgOpen(
            id: id, width: width, height: height, title: title,
            description: bars.map { "\($0.label): \($0.value)" }.joined(separator: ", "))
        for bar in bars {
            out += Markup.text(0, bar.y + 14, bar.label, cls: "chart-label")
            out += Markup.rect(0, bar.y + 19, max(bar.width, 2), Self.barHeight, fill: bar.fill)
            out += Markup.text(max(bar.width, 2) + 6, bar.y + 32, String(bar.value), cls: "chart-value")
        }
        return out + "</svg>"
    }
}

/// Lines over days, with a y axis from 0 to a round maximum.
public struct LineChart: Sendable, Equatable {
    public struct Series: Sendable, Equatable {
        public var name: String
        public var colour: String
        public var values: [Int]
        /// The polyline's points.
        public var points: [(x: Double, y: Double)] {
            zip(xs, ys).map { ($0, $1) }
        }
        var xs: [Double]
        var ys: [Double]

        public static func == (lhs: Series, rhs: Series) -> Bool {
            lhs.name == rhs.name && lhs.colour == rhs.colour && lhs.values == rhs.values && lhs.xs == rhs.xs && lhs.ys == rhs.ys
        }
    }

    public var days: [LocalDate]
    public var series: [Series]
    /// The y axis's top value.
    public var maximum: Int
    public var width: Double
    public var height: Double
    static let left = 50.0
    static let top = 10.0
    static let bottom = 50.0

    public init(days: [LocalDate], series: [(name: String, colour: String, values: [Int])], width: Double = 640, height: Double = 260) {
        self.days = days
        self.width = width
        self.height = height
        let top = series.flatMap(\.values).max() ?? 0
        maximum = LineChart.roundUp(top)
        let plotWidth = width - Self.left - 20
        let plotHeight = height - Self.top - Self.bottom
        let count = max(days.count - 1, 1)
        let maximum = self.maximum
        self.series = series.map { item in
            let xs = item.values.indices.map { Self.left + Double($0) / Double(count) * plotWidth }
            let ys = item.values.map { Self.top + plotHeight - Double($0) / Double(maximum) * plotHeight }
            return Series(name: item.name, colour: item.colour, values: item.values, xs: xs, ys: ys)
        }
    }

    /// 0 → 4, otherwise the next of 1, 2, 5 × 10ⁿ at or above the value (at least 4).
    static func roundUp(_ value: Int) -> Int {
        guard value > 4 else { return 4 }
        var magnitude = 1
        while magnitude * 10 <= value { magnitude *= 10 }
        for factor in [1, 2, 5, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    public func svg(id: String, title: String) -> String {
        let last = series.map { "\($0.name): \($0.values.last ?? 0)" }.joined(separator: ", ")
        var out = Markup.svgOpen(
            id: id, width: width, height: height, title: title,
            description: days.isEmpty
                ? Swedish.noData : Swedish.trendDescription(from: days[0], to: days[days.count - 1], last: last))
        let plotHeight = height - Self.top - Self.bottom
        for step in 0...4 {
            let value = maximum * step / 4
            let y = Self.top + plotHeight - Double(step) / 4 * plotHeight
            out +=
                "<line x1=\"\(Markup.number(Self.left))\" y1=\"\(Markup.number(y))\" x2=\"\(Markup.number(width - 20))\" y2=\"\(Markup.number(y))\" stroke=\"#d0d0d0\"/>"
            out += Markup.text(Self.left - 6, y + 4, String(value), anchor: "end", cls: "axis-label")
        }
        if days.count > 1 {
            let count = days.count - 1
            let every = max(1, Int((Double(count) / 5).rounded(.up)))
            for index in stride(from: 0, through: count, by: every) {
                let x = Self.left + Double(index) / Double(count) * (width - Self.left - 20)
                out += Markup.text(x, Self.top + plotHeight + 18, Swedish.shortDate(days[index]), anchor: "middle", cls: "axis-label")
            }
        }
        for item in series {
            let points = zip(item.xs, item.ys).map { "\(Markup.number($0)),\(Markup.number($1))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(item.colour)\" stroke-width=\"2.5\" points=\"\(points)\"/>"
        }
        var legendX = Self.left
        for item in series {
            out += Markup.rect(legendX, height - 16, 14, 4, fill: item.colour)
            out += Markup.text(legendX + 20, height - 10, item.name, cls: "chart-label")
            legendX += 30 + Double(item.name.count) * 7.5
        }
        return out + "</svg>"
    }
}

/// Horizontal stacked bars: one row per label, segments in their colours, scaled to the
/// largest row total.
public struct StackedBars: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var name: String
        public var value: Int
        public var fill: String
        public var x: Double
        public var width: Double
    }

    public struct Row: Sendable, Equatable {
        public var label: String
        public var y: Double
        public var segments: [Segment]
    }

    public var rows: [Row]
    public var legend: [(name: String, fill: String)]
    public var width: Double
    public var height: Double
    static let labelWidth = 140.0
    static let rowHeight = 36.0

    public static func == (lhs: StackedBars, rhs: StackedBars) -> Bool {
        lhs.rows == rhs.rows && lhs.width == rhs.width && lhs.legend.map(\.name) == rhs.legend.map(\.name)
    }

    public init(
        rows input: [(label: String, segments: [(name: String, value: Int, fill: String)])],
        legend: [(name: String, fill: String)], width: Double = 720
    ) {
        let maximum = max(input.map { $0.segments.map(\.value).reduce(0, +) }.max() ?? 0, 1)
        let plot = width - Self.labelWidth - 10
        rows = input.enumerated().map { index, row in
            var x = Self.labelWidth
            var segments: [Segment] = []
            for segment in row.segments where segment.value > 0 {
                let segmentWidth = Double(segment.value) / Double(maximum) * plot
                segments.append(Segment(name: segment.name, value: segment.value, fill: segment.fill, x: x, width: segmentWidth))
                x += segmentWidth
            }
            return Row(label: row.label, y: Double(index) * Self.rowHeight, segments: segments)
        }
        self.legend = legend
        self.width = width
        height = Double(max(input.count, 1)) * Self.rowHeight + 30
    }

    public func svg(id: String, title: String) -> String {
        var out = Markup.svgOpen(
            id: id, width: width, height: height, title: title,
            description: rows.map { row in
                "\(row.label): " + row.segments.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
            }.joined(separator: ". "))
        for row in rows {
            out += Markup.text(0, row.y + 19, row.label, cls: "chart-label")
            for segment in row.segments {
                out += "<g><title>\(Markup.escape("\(row.label): \(segment.name) \(segment.value)"))</title>"
                out += Markup.rect(
                    segment.x, row.y + 2, segment.width, 26, fill: segment.fill,
                    extra: segment.fill == "#fdeceb" ? " stroke=\"#b3261e\" stroke-width=\"1.5\"" : " stroke=\"#ffffff\"")
                let text = String(segment.value)
                if segment.width >= Double(text.count) * 8 + 6 {
                    out += Markup.text(
                        segment.x + segment.width / 2, row.y + 20, text, anchor: "middle", cls: "segment-label",
                        fill: segment.fill.hasPrefix("url") || segment.fill == "#fdeceb" ? "#8c1d18" : "#ffffff")
                }
                out += "</g>"
            }
        }
        var legendX = 0.0
        let legendY = height - 12
        for item in legend {
            out += Markup.rect(legendX, legendY - 10, 12, 12, fill: item.fill, extra: item.fill == "#fdeceb" ? " stroke=\"#b3261e\"" : "")
            out += Markup.text(legendX + 17, legendY, item.name, cls: "chart-label")
            legendX += 34 + Double(item.name.count) * 7.5
        }
        return out + "</svg>"
    }
}

/// Vertical columns grouped per bucket, one colour per series.
public struct GroupedColumns: Sendable, Equatable {
    public var buckets: [String]
    public var series: [String]
    public var colours: [String]
    /// values[series][bucket]
    public var values: [[Int]]
    public var maximum: Int
    public var width: Double
    public var height: Double

    public init(buckets: [String], series: [(name: String, colour: String, values: [Int])], width: Double = 640, height: Double = 240) {
        self.buckets = buckets
        self.series = series.map(\.name)
        colours = series.map(\.colour)
        values = series.map(\.values)
        maximum = LineChart.roundUp(series.flatMap(\.values).max() ?? 0)
        self.width = width
        self.height = height
    }

    public func svg(id: String, title: String) -> String {
        var description: [String] = []
        for (index, name) in series.enumerated() {
            description.append("\(name): " + zip(buckets, values[index]).map { "\($0) \($1)" }.joined(separator: ", "))
        }
        var out = Markup.svgOpen(id: id, width: width, height: height, title: title, description: description.joined(separator: ". "))
        let left = 50.0
        let top = 10.0
        let bottom = 56.0
        let plotHeight = height - top - bottom
        let plotWidth = width - left - 10
        for step in 0...4 {
            let y = top + plotHeight - Double(step) / 4 * plotHeight
            out +=
                "<line x1=\"\(Markup.number(left))\" y1=\"\(Markup.number(y))\" x2=\"\(Markup.number(width - 10))\" y2=\"\(Markup.number(y))\" stroke=\"#d0d0d0\"/>"
            out += Markup.text(left - 6, y + 4, String(maximum * step / 4), anchor: "end", cls: "axis-label")
        }
        let groupWidth = plotWidth / Double(max(buckets.count, 1))
        let columnWidth = (groupWidth - 16) / Double(max(series.count, 1))
        for (bucketIndex, bucket) in buckets.enumerated() {
            let groupX = left + Double(bucketIndex) * groupWidth + 8
            for seriesIndex in series.indices {
                let value = values[seriesIndex][bucketIndex]
                let barHeight = Double(value) / Double(maximum) * plotHeight
                let x = groupX + Double(seriesIndex) * columnWidth
                out += "<g><title>\(Markup.escape("\(series[seriesIndex]), \(bucket): \(value)"))</title>"
                out += Markup.rect(x, top + plotHeight - barHeight, columnWidth - 2, barHeight, fill: colours[seriesIndex])
                out += Markup.text(
                    x + (columnWidth - 2) / 2, top + plotHeight - barHeight - 4, String(value), anchor: "middle", cls: "chart-value")
                out += "</g>"
            }
            out += Markup.text(groupX + (groupWidth - 16) / 2, top + plotHeight + 18, bucket, anchor: "middle", cls: "axis-label")
        }
        var legendX = left
        for (index, name) in series.enumerated() {
            out += Markup.rect(legendX, height - 22, 12, 12, fill: colours[index])
            out += Markup.text(legendX + 17, height - 12, name, cls: "chart-label")
            legendX += 34 + Double(name.count) * 7.5
        }
        return out + "</svg>"
    }
}

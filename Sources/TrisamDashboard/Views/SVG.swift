import Foundation

/// Small helpers for writing inline SVG and HTML text safely.
public enum Markup {
    /// Escapes text for XML/HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A number for an SVG attribute: at most one decimal, no trailing ".0".
    public static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// The opening `<svg>` of an accessible image: role img, a title and a description.
    static func svgOpen(id: String, width: Double, height: Double, title: String, description: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" id="\(escape(id))" viewBox="0 0 \(number(width)) \(number(height))" \
        width="\(number(width))" height="\(number(height))" role="img" aria-labelledby="\(escape(id))-title \(escape(id))-desc">\
        <title id="\(escape(id))-title">\(escape(title))</title><desc id="\(escape(id))-desc">\(escape(description))</desc>
        """
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start", cls: String = "", fill: String? = nil) -> String
    {
        let fillAttribute = fill.map { " fill=\"\($0)\"" } ?? ""
        let classAttribute = cls.isEmpty ? "" : " class=\"\(cls)\""
        return
            "<text x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\"\(classAttribute)\(fillAttribute)>\(escape(content))</text>"
    }

    static func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, extra: String = "") -> String {
        "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(max(width, 0)))\" height=\"\(number(height))\" fill=\"\(fill)\"\(extra)/>"
    }
}

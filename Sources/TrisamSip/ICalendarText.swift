import Foundation

/// RFC 5545 lexical rules: TEXT escaping, parameter values, content-line folding.
public enum ICalendarText {
    /// The longest line in octets, excluding the CRLF (RFC 5545 §3.1).
    public static let maxLineOctets = 75

    /// Escapes a TEXT value (§3.3.11): `\` `;` `,` and newlines (CRLF, LF or CR become `\n`).
    /// Other control characters, which TEXT does not allow, are dropped; HTAB is kept.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r":
                out += "\\n"
                if pending == "\n" { pending = scalars.next() }
            case "\n": out += "\\n"
            case "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Reverses ``escape(_:)``: `\\` `\;` `\,` `\n` `\N`. An unknown escape keeps its character.
    public static func unescape(_ text: String) -> String {
        var out = ""
        var escaping = false
        for scalar in text.unicodeScalars {
            if escaping {
                switch scalar {
                case "n", "N": out += "\n"
                default: out.unicodeScalars.append(scalar)
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if escaping { out += "\\" }
        return out
    }

    /// A parameter value (§3.2): quoted when it contains `:` `;` or `,`. A double quote, which a
    /// parameter value cannot hold, becomes a single quote; control characters are dropped.
    public static func parameterValue(_ value: String) -> String {
        var clean = ""
        for scalar in value.unicodeScalars {
            if scalar == "\"" {
                clean += "'"
                continue
            }
            if scalar.value < 0x20 || scalar.value == 0x7F { continue }
            clean.unicodeScalars.append(scalar)
        }
        return clean.contains(where: { $0 == ":" || $0 == ";" || $0 == "," }) ? "\"\(clean)\"" : clean
    }

    /// Folds one unfolded content line into lines of at most ``maxLineOctets`` octets, each
    /// continuation starting with a space, joined by CRLF (no trailing CRLF). Breaks only between
    /// Unicode scalars, so no UTF-8 sequence is split.
    public static func fold(_ line: String) -> String {
        var lines: [String] = []
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if octets + size > maxLineOctets {
                lines.append(current)
                current = " "
                octets = 1
            }
            current.unicodeScalars.append(scalar)
            octets += size
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }
}

/// Builds an iCalendar object line by line: properties with parameters, then CRLF-terminated,
/// folded output.
public struct ICalendarWriter: Sendable {
    private var lines: [String] = []

    public init() {}

    /// Adds `NAME;P1=v1;P2=v2:value`. `value` is written as given (escape TEXT values first);
    /// parameter values are quoted as needed.
    public mutating func property(_ name: String, _ value: String, _ parameters: KeyValuePairs<String, String> = [:]) {
        var line = name
        for (key, parameter) in parameters { line += ";\(key)=\(ICalendarText.parameterValue(parameter))" }
        line += ":\(value)"
        lines.append(line)
    }

    /// Adds a TEXT property, escaping its value.
    public mutating func text(_ name: String, _ value: String, _ parameters: KeyValuePairs<String, String> = [:]) {
        property(name, ICalendarText.escape(value), parameters)
    }

    public mutating func begin(_ component: String) { lines.append("BEGIN:\(component)") }
    public mutating func end(_ component: String) { lines.append("END:\(component)") }

    /// The object: every line folded and terminated by CRLF.
    public var output: String {
        lines.map { ICalendarText.fold($0) + "\r\n" }.joined()
    }
}

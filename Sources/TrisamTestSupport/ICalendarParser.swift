import TrisamSip

/// One content line of an iCalendar object: name, parameters and raw (still escaped) value.
public struct ICalendarProperty: Sendable, Hashable {
    public let name: String
    /// Parameters in order, names upper-cased, values unquoted (a list value stays one string).
    public let parameters: [(name: String, value: String)]
    public let value: String

    /// The first value of a parameter, by case-insensitive name.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name.uppercased() }?.value
    }

    /// The value read as TEXT (unescaped).
    public var text: String { ICalendarText.unescape(value) }

    public static func == (lhs: ICalendarProperty, rhs: ICalendarProperty) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value
            && lhs.parameters.map(\.name) == rhs.parameters.map(\.name)
            && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(value)
        for parameter in parameters {
            hasher.combine(parameter.name)
            hasher.combine(parameter.value)
        }
    }
}

/// A component (`BEGIN:NAME` … `END:NAME`) with its properties and sub-components.
public struct ICalendarComponent: Sendable, Hashable {
    public let name: String
    public var properties: [ICalendarProperty]
    public var components: [ICalendarComponent]

    /// Every property of that name.
    public func properties(_ name: String) -> [ICalendarProperty] { properties.filter { $0.name == name.uppercased() } }
    /// The first property of that name.
    public func property(_ name: String) -> ICalendarProperty? { properties.first { $0.name == name.uppercased() } }
    /// Every direct sub-component of that name.
    public func components(_ name: String) -> [ICalendarComponent] { components.filter { $0.name == name.uppercased() } }
}

/// Where and why an iCalendar object could not be read.
public struct ICalendarParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based physical line.
    public let line: Int
    public let reason: String

    public var description: String { "line \(line): \(reason)" }
}

/// A small, strict reader of iCalendar objects, enough to check what ``SipCalendar`` writes:
/// requires CRLF line endings, unfolds, splits name, parameters (quoted or not) and value, and
/// nests components. It does not interpret values.
public enum ICalendarParser {
    /// Parses one top-level component (normally VCALENDAR).
    public static func parse(_ text: String) throws(ICalendarParseError) -> ICalendarComponent {
        let logical = try unfold(text)
        var stack: [ICalendarComponent] = []
        var root: ICalendarComponent?
        for (lineNumber, line) in logical {
            if root != nil { throw ICalendarParseError(line: lineNumber, reason: "content after the end of the object") }
            let property = try parseLine(line, lineNumber)
            switch property.name {
            case "BEGIN":
                stack.append(ICalendarComponent(name: property.value.uppercased(), properties: [], components: []))
            case "END":
                guard let open = stack.popLast() else {
                    throw ICalendarParseError(line: lineNumber, reason: "END:\(property.value) without BEGIN")
                }
                guard open.name == property.value.uppercased() else {
                    throw ICalendarParseError(line: lineNumber, reason: "END:\(property.value) closes BEGIN:\(open.name)")
                }
                if stack.isEmpty { root = open } else { stack[stack.count - 1].components.append(open) }
            default:
                guard !stack.isEmpty else {
                    throw ICalendarParseError(line: lineNumber, reason: "property \(property.name) outside any component")
                }
                stack[stack.count - 1].properties.append(property)
            }
        }
        if let open = stack.last { throw ICalendarParseError(line: logical.last?.0 ?? 0, reason: "BEGIN:\(open.name) is never closed") }
        guard let root else { throw ICalendarParseError(line: 0, reason: "no component") }
        return root
    }

    /// Splits on CRLF (a bare CR or LF is an error) and joins continuation lines (starting with
    /// a space or tab). Returns each logical line with the number of its first physical line.
    public static func unfold(_ text: String) throws(ICalendarParseError) -> [(Int, String)] {
        let bytes = Array(text.utf8)
        var physical: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else {
                    throw ICalendarParseError(line: physical.count + 1, reason: "CR not followed by LF")
                }
                physical.append(current)
                current = []
                index += 2
                continue
            }
            if byte == 10 { throw ICalendarParseError(line: physical.count + 1, reason: "LF without CR; lines must end with CRLF") }
            current.append(byte)
            index += 1
        }
        if !current.isEmpty { throw ICalendarParseError(line: physical.count + 1, reason: "last line does not end with CRLF") }
        var logical: [(Int, [UInt8])] = []
        for (number, line) in physical.enumerated() {
            if let first = line.first, first == 32 || first == 9 {
                guard !logical.isEmpty else {
                    throw ICalendarParseError(line: number + 1, reason: "continuation line without a line to continue")
                }
                logical[logical.count - 1].1 += line.dropFirst()
            } else if line.isEmpty {
                throw ICalendarParseError(line: number + 1, reason: "empty line")
            } else {
                logical.append((number + 1, line))
            }
        }
        var result: [(Int, String)] = []
        for (number, line) in logical {
            guard let string = String(validating: line, as: UTF8.self) else {
                throw ICalendarParseError(line: number, reason: "not valid UTF-8 after unfolding")
            }
            result.append((number, string))
        }
        return result
    }

    /// Splits `NAME;PARAM=value;PARAM="quoted":value`.
    static func parseLine(_ line: String, _ number: Int) throws(ICalendarParseError) -> ICalendarProperty {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        func isNameScalar(_ s: Unicode.Scalar) -> Bool {
            (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "-"
        }
        func readName() -> String {
            var name = ""
            while index < scalars.count, isNameScalar(scalars[index]) {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            return name.uppercased()
        }
        let name = readName()
        guard !name.isEmpty else { throw ICalendarParseError(line: number, reason: "missing property name") }
        var parameters: [(name: String, value: String)] = []
        while index < scalars.count, scalars[index] == ";" {
            index += 1
            let parameterName = readName()
            guard !parameterName.isEmpty, index < scalars.count, scalars[index] == "=" else {
                throw ICalendarParseError(line: number, reason: "malformed parameter in \(name)")
            }
            index += 1
            var value = ""
            while true {
                if index < scalars.count, scalars[index] == "\"" {
                    index += 1
                    while index < scalars.count, scalars[index] != "\"" {
                        value.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    guard index < scalars.count else {
                        throw ICalendarParseError(line: number, reason: "unterminated quoted value of \(parameterName)")
                    }
                    index += 1
                } else {
                    while index < scalars.count, ![";", ":", ",", "\""].contains(scalars[index]) {
                        value.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    if index < scalars.count, scalars[index] == "\"" {
                        throw ICalendarParseError(line: number, reason: "double quote inside unquoted value of \(parameterName)")
                    }
                }
                guard index < scalars.count, scalars[index] == "," else { break }
                value += ","
                index += 1
            }
            parameters.append((parameterName, value))
        }
        guard index < scalars.count, scalars[index] == ":" else {
            throw ICalendarParseError(line: number, reason: "missing ':' after \(name)")
        }
        var value = ""
        value.unicodeScalars.append(contentsOf: scalars[(index + 1)...])
        return ICalendarProperty(name: name, parameters: parameters, value: value)
    }
}

import Foundation

/// The bearer tokens allowed to read the coordinator's API, from a JSON file or environment:
/// `[{"token": "…", "name": "Anna Samordnare", "role": "samordnare"}]`. Tokens are compared in
/// constant time and never logged; the name is what the audit log records.
public struct AccessTokens: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var token: String
        public var name: String
        public var role: String
        public init(token: String, name: String, role: String) {
            self.token = token
            self.name = name
            self.role = role
        }
    }

    /// Roles that may use the API.
    public static let allowedRoles: Set<String> = ["samordnare"]

    public let entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries }

    /// Parses the JSON list, with a precise error naming the entry and field.
    public static func parse(_ data: Data, origin: String) throws(AccessTokensError) -> AccessTokens {
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw AccessTokensError("\(origin): must be a JSON array of {\"token\", \"name\", \"role\"} objects")
        }
        var entries: [Entry] = []
        for (index, item) in list.enumerated() {
            guard let object = item as? [String: Any] else { throw AccessTokensError("\(origin)[\(index)]: must be an object") }
            func field(_ name: String) throws(AccessTokensError) -> String {
                guard let value = object[name] as? String, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw AccessTokensError("\(origin)[\(index)].\(name): required, a non-empty string")
                }
                return value
            }
            let token = try field("token")
            guard token.count >= 16 else { throw AccessTokensError("\(origin)[\(index)].token: must be at least 16 characters") }
            let role = try field("role")
            guard allowedRoles.contains(role) else {
                throw AccessTokensError(
                    "\(origin)[\(index)].role: must be one of \(allowedRoles.sorted().joined(separator: ", ")), got \"\(role)\"")
            }
            entries.append(Entry(token: token, name: try field("name"), role: role))
        }
        return AccessTokens(entries)
    }

    /// Loads tokens: `file` if given, else `$TRISAM_COORDINATOR_TOKENS` (the JSON itself), else
    /// `$TRISAM_COORDINATOR_TOKENS_FILE`; none configured gives an empty list (every protected
    /// request is refused).
    public static func load(file: String?, environment: [String: String]) throws(AccessTokensError) -> AccessTokens {
        if let file = file ?? (environment["TRISAM_COORDINATOR_TOKENS"] == nil ? environment["TRISAM_COORDINATOR_TOKENS_FILE"] : nil) {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AccessTokensError("cannot read the tokens file \(file)")
            }
            return try parse(data, origin: file)
        }
        if let json = environment["TRISAM_COORDINATOR_TOKENS"] {
            return try parse(Data(json.utf8), origin: "TRISAM_COORDINATOR_TOKENS")
        }
        return AccessTokens([])
    }

    /// The entry holding `token`, comparing every entry in constant time.
    public func entry(for token: Substring) -> Entry? {
        var found: Entry?
        let presented = Array(token.utf8)
        for entry in entries {
            let expected = Array(entry.token.utf8)
            var difference = UInt8(presented.count == expected.count ? 0 : 1)
            for index in 0..<expected.count {
                difference |= expected[index] ^ (index < presented.count ? presented[index] : 0)
            }
            if difference == 0 { found = entry }
        }
        return found
    }
}

/// A tokens configuration that cannot be used.
public struct AccessTokensError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

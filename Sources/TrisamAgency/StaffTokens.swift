import Foundation
import TrisamContracts
import TrisamHTTP

/// A member of staff, as named by a bearer token.
public struct Staff: Sendable, Equatable {
    public let agency: Agency
    public let name: String
    public let role: String
}

/// The bearer tokens configured for the agencies: a JSON array
/// `[{"token":"…","agency":"kommun","name":"Anna Berg","role":"handlaggare"}]`.
/// Tokens are never logged or printed; ``description`` shows only counts.
public struct StaffTokens: Sendable, CustomStringConvertible {
    /// Environment variable naming a tokens file.
    public static let fileVariable = "TRISAM_AGENCY_TOKENS_FILE"
    /// Environment variable holding the tokens JSON itself.
    public static let jsonVariable = "TRISAM_AGENCY_TOKENS"
    /// Shortest accepted token.
    public static let minimumTokenLength = 16

    private let byToken: [String: Staff]

    private struct Entry: Codable {
        var token: String
        var agency: Agency
        var name: String
        var role: String
    }

    /// Parses the JSON; errors name the entry and field but never the token.
    public init(json: Data) throws(ConfigurationError) {
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: json)
        } catch let error as DecodingError {
            throw ConfigurationError(
                "tokens: \(StrictBody.violation(for: error).description) (expected [{\"token\",\"agency\",\"name\",\"role\"}])")
        } catch {
            throw ConfigurationError("tokens: not valid JSON")
        }
        var byToken: [String: Staff] = [:]
        for (index, entry) in entries.enumerated() {
            guard entry.token.count >= Self.minimumTokenLength else {
                throw ConfigurationError("tokens[\(index)].token must be at least \(Self.minimumTokenLength) characters")
            }
            guard !entry.name.isEmpty, !entry.role.isEmpty else {
                throw ConfigurationError("tokens[\(index)]: name and role must not be empty")
            }
            guard byToken[entry.token] == nil else { throw ConfigurationError("tokens[\(index)].token appears more than once") }
            byToken[entry.token] = Staff(agency: entry.agency, name: entry.name, role: entry.role)
        }
        self.byToken = byToken
    }

    /// Loads from `file`, else `$TRISAM_AGENCY_TOKENS_FILE`, else `$TRISAM_AGENCY_TOKENS`.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError)
        -> StaffTokens
    {
        if let path = file ?? environment[fileVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("cannot read the tokens file \(path)")
            }
            return try StaffTokens(json: data)
        }
        if let json = environment[jsonVariable], !json.isEmpty {
            return try StaffTokens(json: Data(json.utf8))
        }
        throw ConfigurationError("no staff tokens: pass --tokens-file, or set \(fileVariable) or \(jsonVariable)")
    }

    /// Number of tokens for `agency`.
    public func count(for agency: Agency) -> Int { byToken.values.filter { $0.agency == agency }.count }

    /// The staff member of an `Authorization` header value, for the service of `agency`:
    /// 401 when missing or unknown, 403 when the token belongs to another agency.
    public func authorize(_ header: String?, agency: Agency) throws(APIError) -> Staff {
        guard let header, header.hasPrefix("Bearer ") else { throw .unauthorized }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard let staff = byToken[token] else { throw .unauthorized }
        guard staff.agency == agency else {
            throw .forbidden("this token belongs to \(staff.agency.rawValue), not to \(agency.rawValue)'s service", field: "Authorization")
        }
        return staff
    }

    public var description: String { "StaffTokens(\(byToken.count) tokens)" }
}

/// A configuration problem that stops the service from starting, in words an operator can act on.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

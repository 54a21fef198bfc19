import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small HTTP client for tests that talk to a real service process on 127.0.0.1.
public struct HTTPTestClient: Sendable {
    /// A response: status, headers (lowercased names) and body.
    public struct Response: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object (fails the caller if it is not one).
        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw ProcessTestError("response body is not a JSON object: \(text)")
            }
            return object
        }
    }

    public let baseURL: URL
    /// Sent as `Authorization: Bearer <token>` when set.
    public var token: String?

    public init(baseURL: URL, token: String? = nil) {
        self.baseURL = baseURL
        self.token = token
    }

    public init(port: Int, token: String? = nil) {
        self.init(baseURL: URL(string: "http://127.0.0.1:\(port)")!, token: token)
    }

    /// Sends a request; `body` is sent as is with `Content-Type: application/json`.
    public func request(
        _ method: String, _ path: String, body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> Response {
        guard let url = URL(string: path, relativeTo: baseURL) else { throw ProcessTestError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw ProcessTestError("not an HTTP response") }
        var lowered: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { lowered[name.lowercased()] = value }
        }
        return Response(status: http.statusCode, headers: lowered, body: data)
    }

    /// Sends a JSON object (or array) built from Swift values.
    public func request(_ method: String, _ path: String, json: Any) async throws -> Response {
        try await request(method, path, body: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
    }

    public func get(_ path: String) async throws -> Response { try await request("GET", path) }
    public func post(_ path: String, json: Any) async throws -> Response { try await request("POST", path, json: json) }

    /// Waits until the service answers `path` (any status), failing after `limit`.
    public func waitUntilServing(_ path: String = "/health", limit: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + limit
        while true {
            if (try? await get(path)) != nil { return }
            if ContinuousClock.now > deadline { throw ProcessTestError("\(baseURL) did not answer \(path) within \(limit)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

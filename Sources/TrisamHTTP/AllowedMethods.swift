import Foundation
import Synchronization

/// Which methods each route pattern of a router answers, so a request with a wrong method on
/// an existing path is refused with 405 listing the allowed ones rather than 404 (the agencies
/// and the coordinator both use it). Patterns are Hummingbird route descriptions
/// (`/sips/{sipId}/schedule`). Pure.
public struct AllowedMethods: Sendable, Equatable {
    /// (method, path segments) of every route; a segment `{name}` matches any one segment.
    private let routes: [(method: String, segments: [String])]

    public init(_ routes: [(method: String, pattern: String)]) {
        self.routes = routes.map { ($0.method, Self.segments($0.pattern)) }
    }

    public static func == (lhs: AllowedMethods, rhs: AllowedMethods) -> Bool {
        lhs.routes.map { "\($0.method) \($0.segments)" } == rhs.routes.map { "\($0.method) \($0.segments)" }
    }

    /// The methods routes matching `path` answer, sorted; empty when no route has this path.
    /// As the router does, a literal segment wins over a capture: with `POST /persons/search`
    /// and `GET /persons/{clientRef}`, `/persons/search` answers POST only.
    public func methods(for path: String) -> [String] {
        let parts = Self.segments(path)
        let matching = routes.filter { route in
            route.segments.count == parts.count
                && zip(route.segments, parts).allSatisfy { pattern, part in Self.isCapture(pattern) || pattern == part }
        }
        // The most specific patterns: literal before capture, segment by segment from the left.
        let specificity = { (segments: [String]) in segments.map { Self.isCapture($0) ? "1" : "0" }.joined() }
        guard let best = matching.map({ specificity($0.segments) }).min() else { return [] }
        let methods = matching.filter { specificity($0.segments) == best }.map(\.method)
        return Array(Set(methods)).sorted()
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func isCapture(_ segment: String) -> Bool {
        (segment.hasPrefix("{") && segment.hasSuffix("}")) || segment.hasPrefix(":")
    }
}

/// Holds the route table once the router is built (the error middleware is added first).
public final class AllowedMethodsBox: Sendable {
    private let value = Mutex(AllowedMethods([]))

    public init() {}

    /// Sets the table, once every route is added.
    public func set(_ table: AllowedMethods) { value.withLock { $0 = table } }
    /// The methods routes matching `path` answer, sorted; empty when no route has this path.
    public func methods(for path: String) -> [String] { value.withLock { $0.methods(for: path) } }
}

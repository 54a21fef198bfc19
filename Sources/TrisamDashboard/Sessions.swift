import Foundation
import Synchronization

/// Logged-in coordinators, in memory: a random session id (the cookie) → who and until when.
/// Sessions last `lifetime` from their last use; a restart logs everyone out.
public final class DashboardSessions: Sendable {
    public struct Session: Sendable, Equatable {
        public var name: String
        public var role: String
        public var expires: Date
    }

    private let sessions = Mutex<[String: Session]>([:])
    public let lifetime: TimeInterval
    /// At most this many sessions; the one expiring first is dropped to make room.
    public let capacity: Int

    public init(lifetime: TimeInterval = 8 * 3600, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Starts a session and returns its id (64 hex characters from the system's random source).
    public func start(name: String, role: String, now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
                sessions.removeValue(forKey: oldest.key)
            }
            sessions[id] = Session(name: name, role: role, expires: now.addingTimeInterval(lifetime))
        }
        return id
    }

    /// The live session with this id, extending it; nil if unknown or expired.
    public func session(_ id: String, now: Date = Date()) -> Session? {
        sessions.withLock { sessions in
            guard var session = sessions[id] else { return nil }
            guard session.expires > now else {
                sessions.removeValue(forKey: id)
                return nil
            }
            session.expires = now.addingTimeInterval(lifetime)
            sessions[id] = session
            return session
        }
    }

    /// Ends a session.
    public func end(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }
}

import Foundation
import Synchronization
import TrisamContracts

/// Logged-in staff of one web front (the coordinators' dashboard, an agency's workspace), in
/// memory: a random session id (the cookie) → who, until when, and the session's CSRF token.
/// Sessions last `lifetime` from their last use; a restart logs everyone out.
///
/// How someone logged in (a staff token today, a single sign-on front tomorrow) is not this
/// type's concern: whoever checked the identity calls ``start(name:role:agency:now:)``.
public final class WebSessions: Sendable {
    /// One logged-in member of staff.
    public struct Session: Sendable, Equatable {
        /// The name the audit logs record.
        public var name: String
        /// The role the login was issued for (`samordnare`, `handlaggare`, …).
        public var role: String
        /// The agency the member of staff works for; nil for the coordinators.
        public var agency: Agency?
        /// When the session ends unless used again.
        public var expires: Date
        /// The token every form of this session carries (see ``CSRF``); fixed for the session.
        public var csrfToken: String
    }

    private let sessions = Mutex<[String: Session]>([:])
    /// How long a session lives after its last use.
    public let lifetime: TimeInterval
    /// At most this many sessions; the one expiring first is dropped to make room.
    public let capacity: Int

    /// Sessions that expire `lifetime` seconds after their last use (8 hours: a working day).
    public init(lifetime: TimeInterval = 8 * 3600, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Starts a session and returns its id (64 hex characters from the system's random source).
    public func start(name: String, role: String, agency: Agency? = nil, now: Date = Date()) -> String {
        let id = Self.randomHex()
        let session = Session(
            name: name, role: role, agency: agency, expires: now.addingTimeInterval(lifetime), csrfToken: Self.randomHex())
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
                sessions.removeValue(forKey: oldest.key)
            }
            sessions[id] = session
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

    /// 32 random bytes from the system's random source, as 64 lowercase hex characters.
    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

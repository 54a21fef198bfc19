import Foundation
import TrisamContracts

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where each agency service listens and the staff token the simulator uses there.
public struct AgencyEndpoint: Sendable {
    public var baseURL: URL
    public var token: String

    public init(baseURL: URL, token: String) {
        self.baseURL = baseURL
        self.token = token
    }
}

/// What a simulation run did.
public struct SimulationReport: Sendable {
    public var people = 0
    public var requests = 0
    /// Requests answered 2xx after waiting for another agency's event (consent, referral,
    /// handover) to arrive through Kafka.
    public var retried = 0
    /// Steps that were finally refused, with the answer (the simulator goes on with the next person).
    public var failures: [String] = []
    public var seconds = 0.0
}

/// Drives the agency services' real HTTP APIs through each person's steps.
///
/// People run concurrently (``concurrency`` at a time); one person's steps run in order. A step
/// that depends on an event from another agency (a consent given at kommun, a referral or a
/// handover sent to this agency) may be refused until that event has arrived through Kafka
/// (403 consent_missing, 404 not_found, 409 conflict): such steps are retried for up to
/// ``settleLimit``.
public struct SimulationDriver: Sendable {
    public var endpoints: [Agency: AgencyEndpoint]
    public var concurrency: Int
    public var settleLimit: Duration

    public init(endpoints: [Agency: AgencyEndpoint], concurrency: Int = 8, settleLimit: Duration = .seconds(30)) {
        self.endpoints = endpoints
        self.concurrency = concurrency
        self.settleLimit = settleLimit
    }

    /// Runs every person's steps; `progress` is called after each person. Once `shouldStop`
    /// answers true, no new request is sent and the run ends after the requests under way
    /// (prefer it to cancelling the task: FoundationNetworking on Linux does not survive the
    /// cancellation of a request in flight).
    public func run(
        _ people: [SimulatedPerson], shouldStop: @Sendable @escaping () -> Bool = { false },
        progress: @Sendable @escaping (Int) -> Void = { _ in }
    ) async -> SimulationReport {
        let start = ContinuousClock.now
        var report = SimulationReport()
        await withTaskGroup(of: PersonOutcome.self) { group in
            var next = 0
            func addNext() {
                guard next < people.count, !Task.isCancelled, !shouldStop() else { return }
                let person = people[next]
                next += 1
                group.addTask { await self.run(person, shouldStop: shouldStop) }
            }
            for _ in 0..<min(concurrency, people.count) { addNext() }
            while let outcome = await group.next() {
                report.people += 1
                report.requests += outcome.requests
                report.retried += outcome.retried
                report.failures += outcome.failures
                progress(report.people)
                addNext()
            }
        }
        report.seconds = (ContinuousClock.now - start).secondsValue
        return report
    }

    struct PersonOutcome: Sendable {
        var requests = 0
        var retried = 0
        var failures: [String] = []
    }

    /// One person's steps in order; stops at the first step that is finally refused.
    func run(_ person: SimulatedPerson, shouldStop: @Sendable () -> Bool = { false }) async -> PersonOutcome {
        var outcome = PersonOutcome()
        var values: [String: String] = [:]
        for step in person.steps {
            if Task.isCancelled || shouldStop() { return outcome }
            guard let endpoint = endpoints[step.agency] else {
                outcome.failures.append("\(step.label): no endpoint for \(step.agency.rawValue)")
                return outcome
            }
            guard let path = step.resolvedPath(values), let url = URL(string: path, relativeTo: endpoint.baseURL) else {
                outcome.failures.append("\(step.label): unresolved path \(step.path)")
                return outcome
            }
            let deadline = ContinuousClock.now + settleLimit
            var delay = Duration.milliseconds(100)
            var waited = false
            while true {
                outcome.requests += 1
                let answer = await send(step, url: url, token: endpoint.token)
                if (200..<300).contains(answer.status) {
                    if waited { outcome.retried += 1 }
                    for capture in step.captures {
                        guard let value = answer.json.flatMap(capture.value(in:)) else {
                            outcome.failures.append("\(step.label): answer has no \(capture.field)")
                            return outcome
                        }
                        values[capture.name] = value
                    }
                    break
                }
                if Task.isCancelled || shouldStop() { return outcome }
                let waitable = [0, 403, 404, 409].contains(answer.status) && ContinuousClock.now < deadline
                guard waitable else {
                    outcome.failures.append(
                        "\(step.agency.rawValue) \(step.method) \(step.path) (\(step.label)): \(answer.status) \(answer.text.prefix(300))")
                    return outcome
                }
                waited = true
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
        return outcome
    }

    private struct Answer {
        var status: Int
        var text: String
        var json: [String: Any]?
    }

    private func send(_ step: SimulationStep, url: URL, token: String) async -> Answer {
        var request = URLRequest(url: url)
        request.httpMethod = step.method
        request.timeoutInterval = 30
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body = step.body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let text = String(decoding: data, as: UTF8.self)
            return Answer(status: status, text: text, json: try? JSONSerialization.jsonObject(with: data) as? [String: Any])
        } catch {
            return Answer(status: 0, text: "\(error)", json: nil)
        }
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

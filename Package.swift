// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Trisam",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trisam", targets: ["trisam"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        // Already in the graph through Hummingbird; named for the oversized-header answer (431).
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // librdkafka from the system (Debian: librdkafka-dev), rdkafka.h and rdkafka_mock.h.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // libcurl from the system (Debian: libcurl4-openssl-dev), for SMTP with STARTTLS.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // E-mail: an SMTP sender over libcurl and MIME messages with calendar attachments.
        .target(
            name: "TrisamMail",
            dependencies: ["CCurl", "TrisamContracts"]
        ),
        // Fixed listener ports for the embedded broker (librdkafka's mock cluster binds port 0).
        .target(name: "CFixedPorts"),
        // Swift async API over librdkafka: producer, consumer group, admin, embedded broker.
        .target(
            name: "TrisamKafka",
            dependencies: [
                "CRdKafka",
                "CFixedPorts",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Event contracts: identity, CloudEvents envelope, event payloads, topics.
        .target(
            name: "TrisamContracts",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ]
        ),
        // Typed event bus: publish envelopes to their topics, consume with dead-lettering.
        .target(
            name: "TrisamBus",
            dependencies: [
                "TrisamKafka",
                "TrisamContracts",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the services' SQLite stores share: connection settings, background checkpoints.
        .target(
            name: "TrisamStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The HTTP layer the agencies, the coordinator and the dashboard share: request context
        // with the principal, bearer authentication, JSON errors, 405 with Allow, strict bodies.
        .target(
            name: "TrisamHTTP",
            dependencies: [
                "TrisamContracts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        // One agency's service: HTTP API, its own SQLite store with a durable outbox, inbox consumer.
        .target(
            name: "TrisamAgency",
            dependencies: [
                "TrisamBus",
                "TrisamSip",
                "TrisamStore",
                "TrisamKafka",
                "TrisamContracts",
                "TrisamHTTP",
                "TrisamMail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Pure coordinator logic, no I/O: per-person state folded from events, and the gap rules.
        .target(
            name: "TrisamCoordinatorCore",
            dependencies: ["TrisamContracts"]
        ),
        // The coordinator service: consumes every topic, stores state and offsets in one
        // transaction, publishes flags, serves its API and metrics.
        .target(
            name: "TrisamCoordinator",
            dependencies: [
                "TrisamStore",
                "TrisamCoordinatorCore",
                "TrisamBus",
                "TrisamKafka",
                "TrisamContracts",
                "TrisamHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Pure SIP logic, no I/O: earliest common slot in Swedish working hours, public holidays,
        // iCalendar (RFC 5545) export.
        .target(
            name: "TrisamSip",
            dependencies: ["TrisamContracts"]
        ),
        // What every web front shares (the coordinators' dashboard, the agencies' workspaces):
        // sessions, CSRF protection of forms, the session gate.
        .target(
            name: "TrisamWeb",
            dependencies: [
                "TrisamContracts",
                "TrisamHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The layout, login and message pages, the stylesheet and the live-update script of every front.
            resources: [.copy("Templates"), .copy("Static")]
        ),
        // An agency's staff workspace: Swedish server-rendered pages and forms over the agency
        // service's own operations, on its port beside the JSON API.
        .target(
            name: "TrisamWorkspace",
            dependencies: [
                "TrisamWeb",
                "TrisamAgency",
                "TrisamSip",
                "TrisamContracts",
                "TrisamCoordinatorCore",
                "TrisamHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates")]
        ),
        // The coordinators' dashboard: Swedish server-rendered pages over the coordinator's store.
        .target(
            name: "TrisamDashboard",
            dependencies: [
                "TrisamWeb",
                "TrisamCoordinator",
                "TrisamCoordinatorCore",
                "TrisamContracts",
                "TrisamHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates")]
        ),
        // The one seeded random number generator (SplitMix64) of the simulator and the fixtures.
        .target(
            name: "TrisamRandom"
        ),
        // Scenario simulator: a realistic population driven through the agency services' HTTP APIs.
        .target(
            name: "TrisamSimulator",
            dependencies: ["TrisamContracts", "TrisamRandom"]
        ),
        // Child processes: start with arguments and environment, capture or forward output, wait for
        // a line, stop with SIGTERM then SIGKILL after a grace period (trisam dev, benchmarks, tests).
        .target(
            name: "TrisamProcess"
        ),
        // Deterministic event histories for tests and benchmarks (not linked into `trisam`).
        .target(
            name: "TrisamFixtures",
            dependencies: ["TrisamContracts", "TrisamRandom"]
        ),
        // The floors the benchmarks compare the coordinator with (not linked into `trisam`).
        .target(
            name: "TrisamBenchSupport",
            dependencies: [
                "TrisamCoordinator",
                "TrisamCoordinatorCore",
                "TrisamContracts",
                "TrisamKafka",
                "TrisamStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Helpers for tests: real processes, HTTP, Python tools, an independent iCalendar reader
        // (used by test targets only).
        .target(
            name: "TrisamTestSupport",
            dependencies: [
                "TrisamSip",
                "TrisamProcess",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "trisam",
            dependencies: [
                "TrisamKafka",
                "TrisamContracts",
                "TrisamBus",
                "TrisamAgency",
                "TrisamCoordinator",
                "TrisamDashboard",
                "TrisamWorkspace",
                "TrisamSimulator",
                "TrisamProcess",
                "TrisamMail",
                "CRdKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The benchmarks (`swift run -c release trisam-bench …`); they start `trisam` from the same
        // build folder for the roles they measure as processes.
        .executableTarget(
            name: "trisam-bench",
            dependencies: [
                "TrisamKafka",
                "TrisamContracts",
                "TrisamBus",
                "TrisamCoordinator",
                "TrisamCoordinatorCore",
                "TrisamStore",
                "TrisamFixtures",
                "TrisamBenchSupport",
                "TrisamProcess",
                "CRdKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["README.md"]
        ),
        .testTarget(
            name: "TrisamAgencyTests",
            dependencies: [
                "TrisamRandom", "TrisamAgency", "TrisamBus", "TrisamKafka", "TrisamContracts", "TrisamStore", "TrisamTestSupport",
                "TrisamHTTP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TrisamMailTests",
            dependencies: ["TrisamMail", "TrisamContracts", "CCurl"]
        ),
        .testTarget(
            name: "TrisamStoreTests",
            dependencies: ["TrisamStore"]
        ),
        .testTarget(
            name: "TrisamCoordinatorCoreTests",
            dependencies: ["TrisamCoordinatorCore", "TrisamContracts", "TrisamTestSupport", "TrisamFixtures", "TrisamRandom"]
        ),
        .testTarget(
            name: "TrisamCoordinatorTests",
            dependencies: [
                "TrisamCoordinator", "TrisamCoordinatorCore", "TrisamBus", "TrisamKafka", "TrisamContracts", "TrisamTestSupport",
                "TrisamFixtures", "TrisamBenchSupport", "TrisamRandom", "TrisamHTTP",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TrisamDashboardTests",
            dependencies: [
                "TrisamDashboard", "TrisamWeb", "TrisamCoordinator", "TrisamCoordinatorCore", "TrisamContracts",
                "TrisamTestSupport", "TrisamFixtures", "TrisamHTTP", "TrisamKafka", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TrisamWorkspaceTests",
            dependencies: [
                "TrisamWorkspace", "TrisamWeb", "TrisamAgency", "TrisamBus", "TrisamContracts", "TrisamHTTP", "TrisamTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TrisamSimulatorTests",
            dependencies: ["TrisamSimulator", "TrisamContracts"]
        ),
        .testTarget(
            name: "TrisamSipTests",
            dependencies: ["TrisamRandom", "TrisamSip", "TrisamContracts", "TrisamTestSupport"]
        ),
        .testTarget(
            name: "TrisamBusTests",
            dependencies: ["TrisamBus", "TrisamKafka", "TrisamContracts", "TrisamTestSupport"]
        ),
        .testTarget(
            name: "TrisamContractsTests",
            dependencies: ["TrisamRandom", "TrisamContracts", "TrisamProcess", "TrisamTestSupport"]
        ),
        // Unit tests above: pure logic and in-process parts, no broker and no child process.
        // Integration tests: real librdkafka against embedded brokers, real `trisam` processes,
        // external validators (Python), whole-system flows. `swift test --filter
        // TrisamIntegrationTests` runs only these, `--skip TrisamIntegrationTests` only the rest.
        .testTarget(
            name: "TrisamIntegrationTests",
            dependencies: [
                "TrisamAgency", "TrisamBus", "TrisamContracts", "TrisamCoordinator", "TrisamFixtures", "TrisamKafka",
                "TrisamProcess", "TrisamRandom", "TrisamSip", "TrisamTestSupport", "TrisamMail", "CRdKafka",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Mail/smtp_sink.py", "Mail/relay-cert.pem", "Mail/relay-key.pem"]
        ),
    ]
)

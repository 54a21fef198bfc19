// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Trisam",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trisam", targets: ["trisam"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // librdkafka from the system (Debian: librdkafka-dev), rdkafka.h and rdkafka_mock.h.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // Swift async API over librdkafka: producer, consumer group, admin, embedded broker.
        .target(
            name: "TrisamKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Event contracts: identity, CloudEvents envelope, event payloads, topics.
        .target(
            name: "TrisamContracts",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
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
        .executableTarget(
            name: "trisam",
            dependencies: [
                "TrisamKafka",
                "TrisamContracts",
                "CRdKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TrisamKafkaTests",
            dependencies: ["TrisamKafka", "CRdKafka"]
        ),
        .testTarget(
            name: "TrisamBusTests",
            dependencies: ["TrisamBus", "TrisamKafka", "TrisamContracts"]
        ),
        .testTarget(
            name: "TrisamContractsTests",
            dependencies: ["TrisamContracts"],
            resources: []
        ),
    ]
)

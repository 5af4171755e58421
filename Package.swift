// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "atrium",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "atrium", targets: ["atrium"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // 4.x is what jwt-kit needs; the rest of the graph accepts 3.12.3 through 5.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // TLS for `serve --tls-cert/--tls-key`, and the certificate `--tls-self-signed` writes.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // Pure domain: identifiers, roles, deciders, events, errors. Imports Foundation only.
        .target(name: "AtriumDomain"),
        // The PostgreSQL event store: streams, append, read, gap-safe read-all, stored command results,
        // consumers, migrations. Knows nothing of HTTP.
        .target(
            name: "AtriumStore",
            dependencies: [
                "AtriumDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Only to tell the pool's "cannot connect" apart from other failures.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // Migrations/ inside the binary (EmbeddedMigrations), so that a copy of it runs anywhere.
            plugins: ["EmbedMigrations"]
        ),
        // Read models: the queries that serve the API from the inline projection tables.
        .target(
            name: "AtriumProjections",
            dependencies: [
                "AtriumDomain", "AtriumStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The use cases: command handling (load → decide → append, retries, repeatability), room
        // calls, Call Automation, subscription commands, and the policies that carry rooms' changes
        // to their calls. What every edge (HTTP, delivery, telephony) runs.
        .target(
            name: "AtriumApplication",
            dependencies: [
                "AtriumDomain", "AtriumStore", "AtriumProjections",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Publishing: subscriptions' fan-out into the outbox, webhook delivery, the validation
        // handshake (whose answer it records through the application's subscription commands).
        .target(
            name: "AtriumDelivery",
            dependencies: [
                "AtriumDomain", "AtriumStore", "AtriumApplication",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Telephony: the PSTN gateway protocol, the simulated carrier, the SIP trunk gateway (its
        // SIP user agent and RTP engine joined to the log), and the policies and timers that carry
        // a call's phone legs and media operations through time.
        .target(
            name: "AtriumTelephony",
            dependencies: [
                "AtriumDomain", "AtriumStore", "AtriumApplication", "AtriumSIP", "AtriumRTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A SIP user agent client (RFC 3261) on SwiftNIO: places calls through a trunk and carries them to
        // their end; SDP text in and out. Knows nothing of Atrium (the gateway wraps it).
        .target(
            name: "AtriumSIP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The RTP media engine of phone legs: G.711, RFC 3550 packets paced by one clock, a jitter buffer,
        // RFC 4733 telephone-events, mixing per conference, WAV prompts, espeak-ng speech, recording.
        // Knows nothing of SIP or of Atrium's other modules.
        .target(
            name: "AtriumRTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // HTTP: ACS-compatible routes, HMAC authentication, request parsing, wire representations,
        // error mapping.
        .target(
            name: "AtriumAPI",
            dependencies: [
                "AtriumDomain", "AtriumStore", "AtriumProjections", "AtriumApplication",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            // Resources/ inside the binary (EmbeddedResources) rather than in a bundle beside it.
            exclude: ["Resources"],
            plugins: ["EmbedResources"]
        ),
        .executableTarget(
            name: "atrium",
            dependencies: [
                "AtriumDomain", "AtriumStore", "AtriumProjections", "AtriumApplication", "AtriumAPI", "AtriumDelivery",
                "AtriumTelephony", "AtriumSIP", "AtriumRTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Build-time embedding of files' text in the binary (Plugins/).
        .executableTarget(name: "EmbedFilesTool", path: "Plugins/EmbedFilesTool"),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["EmbedFilesTool"]),
        .plugin(name: "EmbedResources", capability: .buildTool(), dependencies: ["EmbedFilesTool"]),
        // Fresh PostgreSQL databases for integration tests (from DATABASE_URL, set by Tools/test).
        .target(
            name: "AtriumTesting",
            dependencies: [
                "AtriumApplication", "AtriumDomain", "AtriumStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/AtriumTesting"
        ),
        .testTarget(name: "AtriumDomainTests", dependencies: ["AtriumDomain"]),
        .testTarget(
            name: "AtriumApplicationTests",
            dependencies: [
                "AtriumApplication", "AtriumDomain", "AtriumProjections", "AtriumStore", "AtriumTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "AtriumTelephonyTests",
            dependencies: [
                "AtriumApplication", "AtriumDomain", "AtriumStore", "AtriumTelephony", "AtriumTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "AtriumSIPTests",
            dependencies: [
                "AtriumSIP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Scenarios"]
        ),
        .testTarget(
            name: "AtriumRTPTests",
            dependencies: [
                "AtriumRTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AtriumStoreTests",
            dependencies: [
                "AtriumDomain", "AtriumStore", "AtriumProjections", "AtriumTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "AtriumProjectionsTests",
            dependencies: [
                "AtriumApplication", "AtriumDomain", "AtriumProjections", "AtriumStore", "AtriumTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "AtriumDeliveryTests",
            dependencies: [
                "AtriumApplication", "AtriumDelivery", "AtriumDomain", "AtriumStore", "AtriumTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "AtriumAPITests",
            dependencies: [
                "AtriumAPI", "AtriumApplication", "AtriumDomain", "AtriumProjections", "AtriumStore", "AtriumTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

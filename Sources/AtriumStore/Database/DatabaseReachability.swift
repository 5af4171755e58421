import NIOCore
import NIOPosix
import PostgresNIO

/// Whether PostgreSQL's address accepts connections now: what tells an outage (refused,
/// unreachable) from a database merely slow to hand out a connection, which is waited for longer.
///
/// One probe at a time, its answer kept for `freshness`, so that a burst of waiting requests costs
/// one connection attempt. (PostgreSQL logs each probe as an incomplete startup packet; probes are
/// made only while requests wait a second or more.)
public actor DatabaseReachability {
    enum Address: Sendable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    let address: Address?
    let probeTimeout = TimeAmount.milliseconds(500)
    let freshness = Duration.milliseconds(500)
    private var last: (at: ContinuousClock.Instant, reachable: Bool)?
    private var probing: Task<Bool, Never>?

    public init(_ configuration: PostgresClient.Configuration) {
        if let path = configuration.unixSocketPath {
            address = .unixSocket(path: path)
        } else if let host = configuration.host {
            address = .tcp(host: host, port: configuration.port ?? 5432)
        } else {
            address = nil
        }
    }

    public func isReachable() async -> Bool {
        if let last, ContinuousClock.now - last.at < freshness { return last.reachable }
        if let probing { return await probing.value }
        let probe = Task { [address, probeTimeout] in await Self.accepts(address, timeout: probeTimeout) }
        probing = probe
        let reachable = await probe.value
        probing = nil
        last = (.now, reachable)
        return reachable
    }

    private static func accepts(_ address: Address?, timeout: TimeAmount) async -> Bool {
        guard let address else { return true }  // unknown: treated as slow, never as down
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(timeout)
        do {
            let channel =
                switch address {
                case .tcp(let host, let port): try await bootstrap.connect(host: host, port: port).get()
                case .unixSocket(let path): try await bootstrap.connect(unixDomainSocketPath: path).get()
                }
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}

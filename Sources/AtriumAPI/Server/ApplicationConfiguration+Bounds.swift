import Hummingbird
import HummingbirdCore
import Logging

extension ApplicationConfiguration {
    /// Atrium's server on `address`, accepting at most `bounds.maxConnections` connections at once
    /// (pair it with `HTTPServerBuilder.pinnedHTTP1(bounds:)`, which bounds each one).
    public static func atrium(address: BindAddress, bounds: ConnectionBounds, logger: Logger) -> Self {
        .init(
            address: address, serverName: AtriumVersion.serverName,
            availableConnectionsDelegate: MaximumAvailableConnections(bounds.maxConnections, logger: logger))
    }
}

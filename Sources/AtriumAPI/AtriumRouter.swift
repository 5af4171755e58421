import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Everything the HTTP API needs, assembled once at start-up.
public struct AtriumAPIDependencies: Sendable {
    public var store: EventStore
    public var authenticator: HMACAuthenticator
    public var clock: @Sendable () -> Date
    /// Signs and verifies user access tokens, keyed (like `authenticator`) by the access key.
    public var userTokens: UserTokens
    /// The server application's identifier in calls it connects to (Call Automation).
    public var application: String { "8:acs:\(userTokens.resourceId.uuidString.lowercased())_callautomation" }
    /// The Prometheus text of the process's metrics, served at `/metrics` when set.
    public var metricsExposition: (@Sendable () -> String)?
    /// How long a request may wait for the database before it is answered 503 when the database's
    /// address refuses connections (asked of `databaseReachability`), and how long when it does not
    /// or cannot be asked (see `DatabaseDeadlineMiddleware`).
    public var databaseDeadline: Duration = .seconds(1)
    public var slowDatabaseDeadline: Duration = .seconds(30)
    public var databaseReachability: DatabaseReachability?
    /// Where this node writes recordings' files (served to their downloads); nil serves none.
    public var recordingsFolder: URL?

    public init(store: EventStore, authenticator: HMACAuthenticator, clock: @escaping @Sendable () -> Date = Date.init)
    {
        self.store = store
        self.authenticator = authenticator
        self.clock = clock
        self.userTokens = UserTokens(accessKeyBytes: authenticator.keyBytes)
    }
}

/// Builds Atrium's router: error mapping outermost, then authentication, the refusal of what
/// cannot be stored, the database deadline, then the routes; a request no route takes is answered
/// 404, or 405 if its path takes other methods.
public enum AtriumRouter {
    public static func build(_ dependencies: AtriumAPIDependencies) -> Router<AtriumRequestContext> {
        let router = Router(context: AtriumRequestContext.self)
        router.add(middleware: ACSErrorMiddleware())
        router.add(
            middleware: HMACAuthenticationMiddleware(
                authenticator: dependencies.authenticator, clock: dependencies.clock))
        router.add(middleware: StorableTextMiddleware())
        // After authentication, which has read the body: only the routes' waits are timed.
        router.add(
            middleware: DatabaseDeadlineMiddleware(
                deadline: dependencies.databaseDeadline, slowDeadline: dependencies.slowDatabaseDeadline,
                reachability: dependencies.databaseReachability))
        let client = dependencies.store.client
        let logger = dependencies.store.logger
        HealthRoutes(isReady: {
            (try? await client.query("SELECT 1", logger: logger).decode(Int32.self).first { _ in true }) != nil
        }).register(on: router)
        OpenAPIRoute().register(on: router)
        if let exposition = dependencies.metricsExposition { MetricsRoute(exposition: exposition).register(on: router) }
        RoomsRoutes(
            commands: CommandHandler(store: dependencies.store),
            readModel: RoomReadModel(client: client, logger: logger),
            clock: dependencies.clock
        ).register(on: router)
        IdentityRoutes(
            commands: CommandHandler(store: dependencies.store), tokens: dependencies.userTokens,
            clock: dependencies.clock
        ).register(on: router)
        SubscriptionsRoutes(
            commands: SubscriptionCommands(store: dependencies.store, clock: dependencies.clock),
            readModel: SubscriptionReadModel(client: client, logger: logger)
        ).register(on: router)
        CallRoutes(
            roomCalls: RoomCalls(store: dependencies.store), readModel: CallReadModel(client: client, logger: logger),
            users: UserTokenAuthenticator(dependencies), store: dependencies.store, clock: dependencies.clock
        ).register(on: router)
        CallAutomationRoutes(
            automation: CallAutomation(store: dependencies.store, application: dependencies.application),
            clock: dependencies.clock
        ).register(on: router)
        if let folder = dependencies.recordingsFolder { RecordingFileRoutes(folder: folder).register(on: router) }
        AuditRoutes(trail: AuditTrail(store: dependencies.store)).register(on: router)
        // Last: it sees the requests no route matched.
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        return router
    }
}

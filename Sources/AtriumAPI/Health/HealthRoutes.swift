import Hummingbird

/// `/healthz`: the process is up. `/readyz`: it can take requests (the database answers), and
/// which version of Atrium this is.
struct HealthRoutes: Sendable {
    let isReady: @Sendable () async -> Bool

    func register(on router: Router<AtriumRequestContext>) {
        router.get("/healthz") { _, _ in JSONResponse.make(status: .ok, body: ["status": "ok"]) }
        router.get("/readyz") { _, _ in
            await isReady()
                ? JSONResponse.make(status: .ok, body: ["status": "ready", "version": .string(AtriumVersion.current)])
                : ServiceUnavailable.response("The database is not reachable.")
        }
    }
}

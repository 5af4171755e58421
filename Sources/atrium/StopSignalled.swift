import ServiceLifecycle

/// A service that tells `onStop` when its graceful shutdown begins (the stop signal reaching it),
/// so that a deadline can start counting from that moment.
struct StopSignalled<Wrapped: Service>: Service {
    let wrapped: Wrapped
    let onStop: @Sendable () -> Void

    init(_ wrapped: Wrapped, onStop: @escaping @Sendable () -> Void) {
        self.wrapped = wrapped
        self.onStop = onStop
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await wrapped.run()
        } onGracefulShutdown: {
            onStop()
        }
    }
}

import NIOCore
import PostgresNIO
import _ConnectionPoolModule

/// Failures that mean the database cannot be reached now (stopped, restarting, refusing
/// connections, the connection lost) rather than that a statement failed: the first kind is
/// answered 503 and is worth retrying later, the second is a refused value or a bug.
public enum DatabaseUnavailable {
    /// SQLSTATEs of a server going away or not yet accepting: admin shutdown, crash shutdown,
    /// "the database system is starting up" and too many connections.
    static let serverStates: Set<String> = ["57P01", "57P02", "57P03", "53300"]

    public static func describes(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // Class 08: connection exceptions.
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || serverStates.contains(state)
            default:
                return false
            }
        case let error as ConnectionPoolError:
            // The pool gave up connecting (its circuit breaker), or is closing with the server.
            return error == .connectionCreationCircuitBreakerTripped || error == .poolShutdown
        case is NIOConnectionError, is ChannelError, is IOError:
            return true
        default:
            return false
        }
    }

    /// Failures that a cancelled wait for the database leaves behind.
    public static func isCancellation(_ error: any Error) -> Bool {
        switch error {
        case is CancellationError: true
        case let error as ConnectionPoolError: error == .requestCancelled
        case let error as PSQLError: error.code == .queryCancelled
        default: false
        }
    }
}

import Foundation
import NIOCore
import NIOPosix

/// Whether the server will be able to listen on its address: asked before anything starts (the
/// embedded PostgreSQL above all), by binding a listening socket as the server will and closing it.
enum ListenCheck {
    /// A one-line reason it cannot.
    struct Failure: Error {
        var message: String
    }

    static func check(host: String, port: Int) async throws(Failure) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let outcome: Failure?
        do {
            // As the server binds (SO_REUSEADDR, as Hummingbird sets it): a port left in TIME_WAIT
            // by the last run is free, a port another process listens on is not.
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try? await channel.close()
            outcome = nil
        } catch {
            outcome = Failure(message: message(error, host: host, port: port))
        }
        try? await group.shutdownGracefully()
        if let outcome { throw outcome }
    }

    /// The line for a failure to listen on `host`:`port`, from the check or from the server itself.
    static func message(_ error: any Error, host: String, port: Int) -> String {
        switch (error as? IOError)?.errnoCode {
        case EADDRINUSE?: return "port \(port) on \(host) is in use; choose another with --port"
        case EACCES?: return "port \(port) on \(host) needs privileges to listen on; choose another with --port"
        case EADDRNOTAVAIL?: return "\(host) is not an address of this machine; choose another with --host"
        default: break
        }
        if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            return "\(host) cannot be resolved to an address; choose another with --host"
        }
        return "cannot listen on port \(port) on \(host): \(error)"
    }

    /// Whether `error` is the server's own failure to listen (a port taken after the check).
    static func isListenFailure(_ error: any Error) -> Bool {
        guard let code = (error as? IOError)?.errnoCode else { return false }
        return [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(code)
    }
}

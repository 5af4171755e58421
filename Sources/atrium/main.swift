import ArgumentParser
import NIOCore
import NIOPosix

// Run Swift Concurrency's jobs on NIO's event loops: a request's handler, its PostgreSQL query and
// its response then stay on one thread instead of hopping between two thread pools on every await.
// (Must come first, on the main thread, before anything else uses the global executor.)
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

// What `AsyncParsableCommand.main()` does; spelled out because this file is the entry point.
do {
    var command = try Atrium.parseAsRoot()
    if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
    } else {
        try command.run()
    }
} catch {
    Atrium.exit(withError: error)
}

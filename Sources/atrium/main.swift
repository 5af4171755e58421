import ArgumentParser
import NIOCore
import NIOPosix

// Run Swift Concurrency's jobs on NIO's event loops: a request's handler, its PostgreSQL query and
// its response then stay on one thread instead of hopping between two thread pools on every await.
// (Must come first, on the main thread, before anything else uses the global executor.)
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

/// Inside an async function `main(_:)` resolves to the async overload; at top level it would not.
func runAtrium() async {
    await Atrium.main(nil)
}

await runAtrium()

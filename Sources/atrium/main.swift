import ArgumentParser
import Logging

LoggingSystem.bootstrap(DeferredMetadataLogHandler.init)

/// Inside an async function `main(_:)` resolves to the async overload; at top level it would not.
func runAtrium() async {
    await Atrium.main(nil)
}

await runAtrium()

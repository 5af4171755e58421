import AtriumStore
import HummingbirdCore
import Logging
import NIOCore

/// Serves each HTTP connection with its tasks preferring the connection's own event loop, so a
/// request is parsed, handled and answered on one thread instead of hopping to Dispatch's pool.
struct EventLoopPinnedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with each connection's work kept on its event loop, each connection bounded by a
    /// `ConnectionGuard`. (`bounds.maxConnections` is the application configuration's to apply.)
    public static func pinnedHTTP1(bounds: ConnectionBounds = .init()) -> HTTPServerBuilder {
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard(bounds: bounds)],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: bounds.maxHeadBytes, maxHeaderListSize: bounds.maxHeadBytes,
                maxHeaderFieldCount: bounds.maxHeaderFields))
        return .init { responder in
            EventLoopPinnedChannel(base: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}

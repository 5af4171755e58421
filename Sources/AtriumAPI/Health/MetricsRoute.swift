import HTTPTypes
import Hummingbird
import NIOCore

/// Serves the process's metrics in the Prometheus text format, for scrapers (public, like the
/// health probes: it says how busy Atrium is, nothing about rooms or people).
struct MetricsRoute: Sendable {
    let exposition: @Sendable () -> String

    func register(on router: Router<AtriumRequestContext>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: exposition())))
        }
    }
}

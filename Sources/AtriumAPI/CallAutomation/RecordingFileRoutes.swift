import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A recording's file, as its `RecordingFileStatusUpdated` event locates it: downloaded (`GET`) and
/// deleted (`DELETE`), HMAC-authenticated like the rest of the API, from the recordings folder of
/// the node that wrote it.
struct RecordingFileRoutes: Sendable {
    let folder: URL

    func register(on router: Router<AtriumRequestContext>) {
        router.get("/calling/recordings/:recordingId/content", use: download)
        router.delete("/calling/recordings/:recordingId/content", use: delete)
    }

    @Sendable func download(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let file = try self.file(context)
        guard let data = FileManager.default.contents(atPath: file.path) else { throw notFound(context) }
        var headers = HTTPFields()
        headers[.contentType] = "audio/wav"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func delete(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let file = try self.file(context)
        guard (try? FileManager.default.removeItem(at: file)) != nil else { throw notFound(context) }
        return Response(status: .ok)
    }

    /// The file of the path's recording; ids are Atrium's own (letters, digits, dashes): anything
    /// else names no file.
    private func file(_ context: AtriumRequestContext) throws -> URL {
        let recordingId = context.parameters.get("recordingId") ?? ""
        guard !recordingId.isEmpty, recordingId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { throw notFound(context) }
        return folder.appendingPathComponent("\(recordingId).wav")
    }

    private func notFound(_ context: AtriumRequestContext) -> APIError {
        APIError(
            .notFound, code: "NotFound",
            "Recording file \(context.parameters.get("recordingId") ?? "") was not found on this server.",
            target: "recordingId")
    }
}

import Foundation
import Hummingbird

/// Serves the OpenAPI 3 description of the API (`Sources/AtriumAPI/Resources/openapi.json`).
struct OpenAPIRoute: Sendable {
    static let document: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "{}" }
        return text
    }()

    func register(on router: Router<AtriumRequestContext>) {
        router.get("/openapi.json") { _, _ in JSONResponse.make(status: .ok, text: Self.document) }
    }
}

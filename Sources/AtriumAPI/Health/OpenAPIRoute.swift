import Hummingbird

/// Serves the OpenAPI 3 description of the API (`Sources/AtriumAPI/Resources/openapi.json`,
/// embedded in the binary at build time).
struct OpenAPIRoute: Sendable {
    static let document = EmbeddedResources.files["openapi.json"] ?? "{}"

    func register(on router: Router<AtriumRequestContext>) {
        router.get("/openapi.json") { _, _ in JSONResponse.make(status: .ok, text: Self.document) }
    }
}

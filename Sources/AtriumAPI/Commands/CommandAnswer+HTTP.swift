import AtriumStore
import HTTPTypes
import Hummingbird

/// A command's answer in HTTP terms: its code is the response's status, its attributes the
/// response's headers.
extension CommandAnswer {
    init(_ status: HTTPResponse.Status, headers: [String: String] = [:], body: String = "") {
        self.init(code: status.code, attributes: headers, body: body)
    }

    /// The response, fresh or replayed. A repeatable request is answered `Repeatability-Result:
    /// accepted` (the Azure convention), the first time and on every retry.
    func httpResponse(repeatable: Bool) -> Response {
        var headers = HTTPFields()
        for (name, value) in attributes {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        if repeatable { headers[.repeatabilityResult] = "accepted" }
        let status = HTTPResponse.Status(code: code)
        if body.isEmpty { return Response(status: status, headers: headers) }
        return JSONResponse.make(status: status, text: body, headers: headers)
    }
}

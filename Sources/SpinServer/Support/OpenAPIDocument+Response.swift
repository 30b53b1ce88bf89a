import Hummingbird
import SpinAPI

extension OpenAPIDocument {
    /// `GET /openapi.yaml`: the document the routes were generated from.
    static func response() throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try data())))
    }
}

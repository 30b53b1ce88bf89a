import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Router: host, document, metrics and error shape")
struct RouterHostTests {
    @Test("health answers ok with the version")
    func health() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                let reply = try await client.send(.get, "/v1/health")
                #expect(reply.status == 200)
                #expect(reply.object["status"] as? String == "ok")
            }
        }
    }

    @Test("host info is the doctor report: accelerator, supervisor and checks")
    func host() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                let reply = try await client.send(.get, "/v1/host")
                #expect(reply.status == 200)
                #expect(reply.object["supervisor"] as? String == "direct")
                let checks = (reply.object["checks"] as? [[String: Any]]) ?? []
                let sdk = await fixture.spin.hostChecks()
                #expect(checks.compactMap { $0["name"] as? String } == sdk.map(\.name), "GET /v1/host checks: \(checks)")
                #expect(checks.compactMap { $0["ok"] as? Bool } == sdk.map(\.ok))
                #expect((reply.object["novnc"] as? [String: Any])?["name"] as? String == "novnc")
            }
        }
    }

    @Test("the OpenAPI document is served at /openapi.yaml")
    func document() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                let reply = try await client.send(.get, "/openapi.yaml")
                #expect(reply.status == 200)
                #expect(reply.text.hasPrefix("openapi: \"3.1.0\""))
                #expect(reply.text.contains("/v1/vms/{ref}/start"))
            }
        }
    }

    @Test("metrics list VMs by state, package outcomes and request latencies")
    func metrics() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                _ = try await client.send(.post, "/v1/volumes", json: ["name": "vol1"])
                let reply = try await client.send(.get, "/metrics")
                #expect(reply.status == 200)
                #expect(reply.text.contains("spin_vms_count{state=\"running\"} 0"))
                #expect(reply.text.contains("spin_packages_total"))
                #expect(reply.text.contains("spin_http_request_duration_seconds_bucket"))
                #expect(reply.text.contains("route=\"/v1/volumes\""))
            }
        }
    }

    @Test("an unknown path is a JSON 404")
    func unknownRoute() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                let reply = try await client.send(.get, "/v1/nothing-here")
                #expect(reply.status == 404)
                #expect(reply.errorCode == "not_found")
            }
        }
    }

    @Test("a body over the limit is refused with 400 before any handler runs")
    func bodyLimit() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter(bodyLimit: 1024) { client in
                let big = String(repeating: "x", count: 5000)
                let reply = try await client.send(.post, "/v1/volumes", json: ["name": big])
                #expect(reply.status == 400)
                #expect(reply.errorCode == "invalid_argument")
                await #expect(try fixture.spin.listVolumes().isEmpty)
            }
        }
    }

    @Test("malformed JSON, a wrong type and a missing key are 400 with the JSON error shape")
    func badBodies() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter { client in
                for body in ["{", "{\"name\": 5}", "{}", "[]"] {
                    let reply = try await client.send(.post, "/v1/volumes", json: body)
                    #expect(reply.status == 400, "body \(body)")
                    #expect(reply.errorCode == "invalid_argument", "body \(body)")
                }
                let wrongQuery = try await client.send(.post, "/v1/vms/1/stop?timeoutSeconds=abc")
                #expect(wrongQuery.status == 400)
            }
        }
    }

    @Test("with a token, requests without it or with a wrong one get 401; the right one passes")
    func token() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.withRouter(token: "s3cret") { client in
                let none = try await client.send(.get, "/v1/vms")
                #expect(none.status == 401)
                #expect(none.errorCode == "unauthorized")
                let wrong = try await client.send(.get, "/v1/vms", headers: [.authorization: "Bearer s3creT"])
                #expect(wrong.status == 401)
                let basic = try await client.send(.get, "/v1/vms", headers: [.authorization: "Basic s3cret"])
                #expect(basic.status == 401)
                let right = try await client.send(.get, "/v1/vms", headers: [.authorization: "Bearer s3cret"])
                #expect(right.status == 200)
            }
        }
    }
}

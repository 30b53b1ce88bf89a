import Foundation
import Logging
import NIOSSL
import ServiceLifecycle
import SpinClient
import SpinCore
import SpinServer
import SpinTestSupport
import Testing

/// `--tls-cert/--tls-key`: HTTPS on the TCP listener, with a certificate made by openssl.
@Suite("Live server over TLS", .serialized)
struct LiveTLSTests {
    @Test("HTTPS with the token works for a client that trusts the certificate; untrusting and plain-HTTP clients fail")
    func httpsWithToken() async throws {
        try await ServerFixture.with { fixture in
            let (certificate, key) = try Self.selfSignedCertificate(in: fixture.root.path)
            let port = try Loopback.freePort()
            var options = ServerOptions(listen: .tcp(host: "127.0.0.1", port: port), eventPollInterval: .milliseconds(200))
            options.token = ServerToken("tls-token")
            options.tls = .init(certificatePath: certificate, keyPath: key)
            var logger = Logger(label: "spin-server-tls-test")
            logger.logLevel = .warning
            let app = try SpinServer.makeApplication(spin: fixture.spin, options: options, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
            let task = Task { try await group.run() }

            var trusting = TLSConfiguration.makeClientConfiguration()
            trusting.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate))
            let https = try #require(URL(string: "https://127.0.0.1:\(port)"))
            let client = try SpinRemote(endpoint: .url(https), token: "tls-token", tls: trusting)
            let untrusting = try SpinRemote(endpoint: .url(https), token: "tls-token", failFast: true)
            let plain = try SpinRemote(endpoint: .url(try #require(URL(string: "http://127.0.0.1:\(port)"))), token: "tls-token", timeout: .seconds(5), failFast: true)
            let answered = await Loopback.waitUntil(timeout: .seconds(10)) { (try? await client.health()) != nil }
            #expect(answered, "the HTTPS server never answered")
            #expect(try await client.listVMs().isEmpty)
            _ = try await client.createVolume(name: "secure")
            #expect(try await client.listVolumes().map(\.name) == ["secure"])
            await #expect(throws: SpinError.self) { try await untrusting.listVMs() }
            await #expect(throws: SpinError.self) { try await plain.listVMs() }
            let noToken = try SpinRemote(endpoint: .url(https), tls: trusting)
            do {
                _ = try await noToken.listVMs()
                Issue.record("HTTPS without the token was accepted")
            } catch let error as SpinError {
                #expect(error.code == .unauthorized)
            }
            for remote in [client, untrusting, plain, noToken] { try? await remote.close() }
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
    }

    /// A throwaway certificate for 127.0.0.1 (openssl, argv only).
    static func selfSignedCertificate(in directory: String) throws -> (certificate: String, key: String) {
        let certificate = directory + "/tls-cert.pem", key = directory + "/tls-key.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("openssl could not make a certificate (exit \(process.terminationStatus))") }
        return (certificate, key)
    }
}

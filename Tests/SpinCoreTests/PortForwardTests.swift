import SpinCore
import Testing

@Suite("Port forward parsing")
struct PortForwardTests {
    @Test("GUEST:HOSTADDR:HOSTPORT parses as tcp, with /udp and /tcp suffixes and bracketed IPv6")
    func goodForms() throws {
        #expect(try PortForward(parsing: "80:127.0.0.1:8080") == PortForward(protocol: .tcp, guestPort: 80, hostAddress: "127.0.0.1", hostPort: 8080))
        #expect(try PortForward(parsing: "53:[::1]:5353/udp") == PortForward(protocol: .udp, guestPort: 53, hostAddress: "::1", hostPort: 5353))
        #expect(try PortForward(parsing: "22:0.0.0.0:2222/tcp") == PortForward(protocol: .tcp, guestPort: 22, hostAddress: "0.0.0.0", hostPort: 2222))
        #expect(try PortForward(parsing: "22:[::]:2222/UDP").protocol == .udp)
    }

    @Test("the CLI form prints back the way it parses")
    func roundTrip() throws {
        for text in ["80:127.0.0.1:8080", "53:[::1]:5353/udp", "443:[fe80::1]:8443"] {
            #expect(try PortForward(parsing: text).description == text)
        }
    }

    @Test("each malformed form is refused with a message naming the part and the form to use",
          arguments: [
            ("80:127.0.0.1", "needs three parts"),
            ("80", "needs three parts"),
            ("80:127.0.0.1:8080/sctp", "protocol \"sctp\" is neither tcp nor udp"),
            ("x:127.0.0.1:8080", "guest port \"x\" is not a number"),
            ("80:127.0.0.1:", "host port \"\" is not a number"),
            ("80:::1:8080", "put an IPv6 host address in brackets"),
            ("80:[::1:8080", "unbalanced brackets"),
            ("80:localhost:8080", "hostAddress \"localhost\" is not an IP address; use 127.0.0.1"),
            ("0:127.0.0.1:8080", "guestPort 0 is too small; give at least 1"),
            ("80:127.0.0.1:65536", "hostPort 65536 is too large; give at most 65535"),
          ])
    func badForms(text: String, expected: String) throws {
        let error = try #require(spinError { _ = try PortForward(parsing: text) })
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.message.contains("port forward \"\(text)\""))
    }

    @Test("a wildcard host address overlaps any address on the same protocol and port, nothing else")
    func overlaps() {
        let any4 = PortForward(guestPort: 1, hostAddress: "0.0.0.0", hostPort: 80)
        let any6 = PortForward(guestPort: 1, hostAddress: "::", hostPort: 80)
        let local = PortForward(guestPort: 2, hostAddress: "127.0.0.1", hostPort: 80)
        let local6 = PortForward(guestPort: 2, hostAddress: "::0001", hostPort: 80)
        #expect(any4.overlaps(local) && local.overlaps(any4) && any6.overlaps(local))
        #expect(local6.overlaps(PortForward(guestPort: 3, hostAddress: "::1", hostPort: 80)))
        #expect(!local.overlaps(PortForward(guestPort: 2, hostAddress: "127.0.0.2", hostPort: 80)))
        #expect(!local.overlaps(PortForward(guestPort: 2, hostAddress: "127.0.0.1", hostPort: 81)))
        #expect(!any4.overlaps(PortForward(protocol: .udp, guestPort: 2, hostAddress: "127.0.0.1", hostPort: 80)))
    }
}

extension Validator {
    /// The rules of a network's DNS domain and bridge name.
    package mutating func networkFields(dnsDomain: String?, bridge: String) {
        if let dnsDomain {
            let labels = dnsDomain.split(separator: ".", omittingEmptySubsequences: false)
            let good = dnsDomain.utf8.count <= 200 && !labels.isEmpty && labels.allSatisfy { label in
                (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == UInt8(ascii: "-") }
            }
            if !good {
                add("dnsDomain", "\(quoted(dnsDomain)) is not a DNS domain of lower-case letters, digits and hyphens; give one such as lan.test")
            }
        }
        let bridgeOK = (1...15).contains(bridge.utf8.count) && bridge.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        } && bridge.utf8.first.map { !(0x30...0x39).contains($0) } == true
        if !bridgeOK {
            add("bridge", "\(quoted(bridge)) is not an interface name of 1 to 15 letters, digits, - or _ starting with a letter; give one such as spinbr0")
        }
    }

    /// The rules of a network's kind: a managed network has a subnet; an external one (the
    /// operator's bridge) has none, and no NAT or DNS domain, which spin would not provide.
    package mutating func networkKind(external: Bool, hasSubnet: Bool, nat: Bool, dnsDomain: String?) {
        if external {
            if hasSubnet {
                add("subnet", "an external network is the operator's bridge: spin assigns no subnet on it; leave out --subnet, or leave out --external to have spin make a managed network")
            }
            if nat { add("nat", "an external network is the operator's bridge: spin sets up no NAT for it; leave out --nat") }
            if dnsDomain != nil { add("dnsDomain", "an external network is the operator's bridge: spin runs no DNS on it; leave out --dns-domain") }
        } else if !hasSubnet {
            add("subnet", "a managed network needs a subnet; give --subnet CIDR (e.g. 10.77.0.0/24), or --external --bridge NAME to attach VMs to a bridge you made")
        }
    }

    /// The rules of a VM's managed NICs.
    package mutating func networkAttachments(_ networks: [NetworkAttachment]) {
        count(networks.count, at: NetworkAttachment.maxPerVM, field: "networks")
        for (index, nic) in networks.enumerated() {
            name(nic.network, field: "networks[\(index)].network")
            if let address = nic.address, IPv4Subnet.parseAddress(address) == nil {
                add("networks[\(index)].address", "\(quoted(address)) is not an IPv4 address; give one inside the network's subnet such as 10.77.0.10")
            }
            if let mac = nic.macAddress, !VM.isMACAddress(mac) {
                add("networks[\(index)].macAddress", "\(quoted(mac)) is not a unicast MAC address; give six lower-case hex pairs such as 52:54:01:12:34:56")
            }
            if networks[..<index].contains(where: { $0.network == nic.network }) {
                conflict("networks[\(index)]", "network \(quoted(nic.network)) is given twice; attach a VM to each network once")
            }
        }
    }
}

extension CloudInitSeed {
    /// `meta-data`: the instance id and host name, plus `public-keys` when the user-data is
    /// the user's own (so the keys still reach the distribution's default user).
    public var metaDataFile: String {
        var text = "instance-id: \(YAMLScalar.quoted(instanceID))\n"
        text += "local-hostname: \(YAMLScalar.quoted(hostname))\n"
        if userData != nil, !authorizedKeys.isEmpty {
            text += "public-keys:\n" + authorizedKeys.map { "  - \(YAMLScalar.quoted($0))\n" }.joined()
        }
        return text
    }

    /// `user-data`: the user's own text verbatim, or a `#cloud-config` that makes the default
    /// user (passwordless sudo, locked password, the authorized keys), turns SSH password
    /// logins off and lets cloud-init keep `/etc/hosts` naming the host.
    public var userDataFile: String {
        if let own = userData { return own.hasSuffix("\n") ? own : own + "\n" }
        var text = "#cloud-config\n"
        text += "users:\n"
        text += "  - name: \(YAMLScalar.quoted(userName))\n"
        text += "    shell: \"/bin/bash\"\n"
        text += "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n"
        text += "    lock_passwd: true\n"
        if !authorizedKeys.isEmpty {
            text += "    ssh_authorized_keys:\n" + authorizedKeys.map { "      - \(YAMLScalar.quoted($0))\n" }.joined()
        }
        text += "ssh_pwauth: false\n"
        text += "manage_etc_hosts: true\n"
        return text
    }

    /// `vendor-data`, when there are shares to mount: a `#cloud-config` whose `bootcmd` makes
    /// each guest directory and mounts its virtiofs tag there at every boot, before SSH starts.
    /// (cloud-init's `mounts` module accepts only block devices, so it cannot take a tag.)
    public var vendorDataFile: String? {
        guard !mounts.isEmpty || !resolvers.isEmpty || !defaultRoutes.isEmpty else { return nil }
        var text = "#cloud-config\nbootcmd:\n"
        for gateway in defaultRoutes {
            text += "  - [\"ip\", \"route\", \"replace\", \"default\", \"via\", \(YAMLScalar.quoted(gateway)), \"metric\", \"200\"]\n"
        }
        if !resolvers.isEmpty {
            // Addresses only (checked when the seed is made): nothing else reaches the shell.
            let servers = resolvers.joined(separator: ", ")
            let lines = resolvers.map { "nameserver \($0)" }.joined(separator: "\\n")
            let script = "grep -q spin-resolvers /etc/dhcp/dhclient.conf || printf 'prepend domain-name-servers \(servers); # spin-resolvers\\n' >> /etc/dhcp/dhclient.conf; "
                + "{ printf '\(lines)\\n'; grep -v '^nameserver \(resolvers.map { $0.replacingOccurrences(of: ".", with: "\\.") }.joined(separator: "\\|^nameserver "))$' /etc/resolv.conf; } > /etc/resolv.conf.spin; cat /etc/resolv.conf.spin > /etc/resolv.conf; rm -f /etc/resolv.conf.spin"
            text += "  - [\"sh\", \"-c\", \(YAMLScalar.quoted(script))]\n"
        }
        for mount in mounts {
            text += "  - [\"mkdir\", \"-p\", \(YAMLScalar.quoted(mount.path))]\n"
            let options = mount.readOnly ? "ro,nodev,nosuid" : "nodev,nosuid"
            text += "  - [\"mount\", \"-t\", \"virtiofs\", \"-o\", \"\(options)\", \(YAMLScalar.quoted(mount.tag)), \(YAMLScalar.quoted(mount.path))]\n"
        }
        return text
    }

    /// The files of the seed, in order: `meta-data`, `user-data`, then `vendor-data` and
    /// `network-config` when there are.
    public var files: [(name: String, contents: String)] {
        var files = [(name: "meta-data", contents: metaDataFile), (name: "user-data", contents: userDataFile)]
        if let vendorDataFile { files.append((name: "vendor-data", contents: vendorDataFile)) }
        if let networkConfig { files.append((name: "network-config", contents: networkConfig.rendered())) }
        return files
    }
}

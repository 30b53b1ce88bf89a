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

    /// The files of the seed, in order: `meta-data`, `user-data`, then `network-config` if
    /// there is one.
    public var files: [(name: String, contents: String)] {
        var files = [(name: "meta-data", contents: metaDataFile), (name: "user-data", contents: userDataFile)]
        if let networkConfig { files.append((name: "network-config", contents: networkConfig.rendered())) }
        return files
    }
}

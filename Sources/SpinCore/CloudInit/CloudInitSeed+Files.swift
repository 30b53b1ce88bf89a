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
        guard !mounts.isEmpty else { return nil }
        var text = "#cloud-config\nbootcmd:\n"
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

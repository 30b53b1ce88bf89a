import Foundation
import SpinCore

/// Host paths given on the command line.
enum Paths {
    /// `path` made absolute against the working directory and normalized.
    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return Volume.normalize(joined) ?? joined
    }

    /// Throws `not_found` naming the first of `paths` that is not a readable file. With
    /// `--host` the files are on the server's host, so nothing is checked here.
    static func requireFiles(_ paths: [String], _ global: GlobalOptions) throws {
        if global.isRemote { return }
        for path in paths {
            var isDirectory: ObjCBool = false
            let absolute = absolute(path)
            guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw SpinError(.notFound, "file \(absolute) does not exist; check the path")
            }
        }
    }
}

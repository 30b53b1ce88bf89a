import Foundation
import Hummingbird
import SpinCore

/// Serves the regular files under one directory (noVNC's), and nothing else: a request path
/// with `.`, `..`, empty or slash-bearing components, or one that resolves (through symlinks)
/// outside the directory, or to anything but a regular file, is 404.
struct StaticFiles: Sendable {
    /// The directory served.
    let directory: String

    /// The response for `relativePath` (the URL path after the route's prefix, still
    /// percent-encoded).
    func response(for relativePath: String) throws -> Response {
        guard let file = resolve(relativePath), let data = FileManager.default.contents(atPath: file) else {
            throw SpinError(.notFound, "no file /novnc/\(relativePath); noVNC's files come from \(directory) (install Debian's novnc package or pass spin-server --novnc DIR)")
        }
        return Response(
            status: .ok,
            headers: [.contentType: Self.contentType(of: file), .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// The real path of a regular file inside ``directory`` that `relativePath` names, or nil.
    func resolve(_ relativePath: String) -> String? {
        var components: [String] = []
        for raw in relativePath.split(separator: "/", omittingEmptySubsequences: false) {
            guard let component = String(raw).removingPercentEncoding, !component.isEmpty, component != ".", component != "..",
                !component.contains("/"), !component.contains("\0")
            else { return nil }
            components.append(component)
        }
        guard !components.isEmpty, let base = Self.realPath(directory),
            let real = Self.realPath(base + "/" + components.joined(separator: "/")), real.hasPrefix(base + "/")
        else { return nil }
        var info = stat()
        guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return real
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The `Content-Type` for a file, by extension (ES modules need a JavaScript type).
    static func contentType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff": "font/woff"
        case "ttf": "font/ttf"
        case "mp3": "audio/mpeg"
        case "oga": "audio/ogg"
        case "txt", "md": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}

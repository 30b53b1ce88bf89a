import Foundation

/// An RGB image read from a binary PPM (P6) — qemu's `screendump` format, and what
/// `convert FILE.png ppm:-` makes of a PNG screenshot.
struct PixelMap {
    let width: Int
    let height: Int
    /// Three bytes per pixel, row by row.
    let rgb: [UInt8]

    init(ppm data: Data) throws {
        let bytes = [UInt8](data)
        var index = 0
        func token() throws -> String {
            while index < bytes.count, bytes[index] == UInt8(ascii: "#") || isspace(Int32(bytes[index])) != 0 {
                if bytes[index] == UInt8(ascii: "#") {
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                }
                index += 1
            }
            let start = index
            while index < bytes.count, isspace(Int32(bytes[index])) == 0 { index += 1 }
            guard index > start else { throw FixtureError("truncated PPM header") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        guard try token() == "P6", let width = Int(try token()), let height = Int(try token()), try token() == "255" else {
            throw FixtureError("not an 8-bit P6 PPM")
        }
        index += 1
        guard bytes.count - index >= width * height * 3 else { throw FixtureError("PPM shorter than \(width)x\(height)") }
        self.width = width
        self.height = height
        rgb = Array(bytes[index..<(index + width * height * 3)])
    }

    /// The brightest channel of pixel (x, y).
    func level(_ x: Int, _ y: Int) -> UInt8 {
        let offset = (y * width + x) * 3
        return max(rgb[offset], rgb[offset + 1], rgb[offset + 2])
    }

    /// The smallest rectangle holding every pixel whose brightest channel is below `limit`
    /// (the guest's black screen; the page around it is lighter).
    func darkBounds(below limit: UInt8) -> (x: Int, y: Int, width: Int, height: Int)? {
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            for x in 0..<width where level(x, y) < limit {
                minX = min(minX, x); maxX = max(maxX, x)
                minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        return maxX < 0 ? nil : (minX, minY, maxX - minX + 1, maxY - minY + 1)
    }

    /// The share of bright pixels (text) in each cell of a `columns`×`rows` grid laid over
    /// the rectangle (whole image by default).
    func brightGrid(columns: Int, rows: Int, in rect: (x: Int, y: Int, width: Int, height: Int)? = nil, above limit: UInt8 = 100) -> [Double] {
        let area = rect ?? (x: 0, y: 0, width: width, height: height)
        var bright = [Int](repeating: 0, count: columns * rows)
        var total = [Int](repeating: 0, count: columns * rows)
        for y in area.y..<(area.y + area.height) {
            for x in area.x..<(area.x + area.width) {
                let cell = min(rows - 1, (y - area.y) * rows / area.height) * columns + min(columns - 1, (x - area.x) * columns / area.width)
                total[cell] += 1
                if level(x, y) > limit { bright[cell] += 1 }
            }
        }
        return zip(bright, total).map { $1 == 0 ? 0 : Double($0) / Double($1) }
    }

    /// Pearson's correlation of two equally long series.
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
        var covariance = 0.0, varianceA = 0.0, varianceB = 0.0
        for (x, y) in zip(a, b) {
            covariance += (x - meanA) * (y - meanB)
            varianceA += (x - meanA) * (x - meanA)
            varianceB += (y - meanB) * (y - meanB)
        }
        return varianceA == 0 || varianceB == 0 ? 0 : covariance / (varianceA * varianceB).squareRoot()
    }

    /// Decodes a PNG with ImageMagick (`convert FILE.png ppm:-`).
    static func decodePNG(at path: String) throws -> PixelMap {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["convert", path, "ppm:-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("convert \(path) ppm:- failed; scripts/install-deps installs imagemagick") }
        return try PixelMap(ppm: data)
    }
}

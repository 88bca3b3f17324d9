import Foundation
import Support

/// palm's logo, drawn by palm: a blue rounded square (the reports' accent colour) holding a
/// white waveform of seven bars, the middle one orange. Drawn at any size with 4x4
/// supersampling, so the 32- and 64-pixel kernelspec logos are smooth.
enum KernelLogo {
    static let blue: (Double, Double, Double) = (0, 114, 178)
    static let orange: (Double, Double, Double) = (230, 159, 0)
    /// Bar heights as fractions of the square, left to right.
    static let bars: [Double] = [0.22, 0.42, 0.62, 0.78, 0.56, 0.38, 0.2]

    static func image(size: Int) -> PNGImage {
        var image = PNGImage(width: size, height: size)
        let samples = 4
        for y in 0..<size {
            for x in 0..<size {
                var inside = 0.0, r = 0.0, g = 0.0, b = 0.0
                for sy in 0..<samples {
                    for sx in 0..<samples {
                        let u = (Double(x) + (Double(sx) + 0.5) / Double(samples)) / Double(size)
                        let v = (Double(y) + (Double(sy) + 0.5) / Double(samples)) / Double(size)
                        guard inRoundedSquare(u, v) else { continue }
                        inside += 1
                        let c = colour(u, v)
                        r += c.0; g += c.1; b += c.2
                    }
                }
                guard inside > 0 else { continue }
                let total = Double(samples * samples)
                image.set(x, y, (UInt8(r / inside), UInt8(g / inside), UInt8(b / inside), UInt8((255 * inside / total).rounded())))
            }
        }
        return image
    }

    /// Inside the square with corners rounded at a fifth of its side.
    static func inRoundedSquare(_ u: Double, _ v: Double) -> Bool {
        let radius = 0.2
        let dx = max(abs(u - 0.5) - (0.5 - radius), 0), dy = max(abs(v - 0.5) - (0.5 - radius), 0)
        return dx * dx + dy * dy <= radius * radius
    }

    /// White on a bar (orange on the middle one), blue elsewhere.
    static func colour(_ u: Double, _ v: Double) -> (Double, Double, Double) {
        let width = 0.075, gap = 0.04
        let span = Double(bars.count) * width + Double(bars.count - 1) * gap
        let left = 0.5 - span / 2
        let offset = u - left
        guard offset >= 0, offset < span else { return blue }
        let i = Int(offset / (width + gap))
        guard i < bars.count, offset - Double(i) * (width + gap) < width, abs(v - 0.5) < bars[i] / 2 else { return blue }
        return i == bars.count / 2 ? orange : (255, 255, 255)
    }
}

import Audio
import Foundation

/// Clips for the perturbation tests, made from formulas so every run sees the same samples.
enum PerturbationTestSignals {
    /// A speech-like clip: 220 Hz + 660 Hz tones whose level swells and fades in bursts of
    /// 0.3 s separated by 0.2 s of silence, so the active frames are a strict subset.
    static func bursts(seconds: Double = 2, sampleRate: Int = 16000) -> [Float] {
        let n = Int(seconds * Double(sampleRate))
        return (0..<n).map { i in
            let t = Double(i) / Double(sampleRate)
            let phase = t.truncatingRemainder(dividingBy: 0.5)
            guard phase < 0.3 else { return 0 }
            let envelope = sin(Double.pi * phase / 0.3)
            return Float(0.4 * envelope * (sin(2 * .pi * 220 * t) + 0.5 * sin(2 * .pi * 660 * t)))
        }
    }

    /// A sine of `hz` at `amplitude`.
    static func tone(_ hz: Double, seconds: Double, sampleRate: Int, amplitude: Double = 0.5) -> [Float] {
        (0..<Int(seconds * Double(sampleRate))).map { Float(amplitude * sin(2 * .pi * hz * Double($0) / Double(sampleRate))) }
    }

    /// Pearson correlation of two equal-length signals.
    static func correlation(_ a: [Float], _ b: [Float]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0.0) { $0 + Double($1) } / n, mb = b.reduce(0.0) { $0 + Double($1) } / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let x = Double(a[i]) - ma, y = Double(b[i]) - mb
            sab += x * y; saa += x * x; sbb += y * y
        }
        return sab / (saa * sbb).squareRoot()
    }

    /// Root mean square.
    static func rms(_ x: [Float]) -> Double {
        (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count))).squareRoot()
    }

    /// Largest absolute difference.
    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
    }
}

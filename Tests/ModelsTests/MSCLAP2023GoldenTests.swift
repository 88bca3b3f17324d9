import Audio
import Foundation
import Models
import Support
import Tensor
import TestSupport
import XCTest

/// MS-CLAP 2023 against the PyPI package `msclap` 1.3.4 (fixtures by `Scripts/fixtures/msclap2023.py`):
/// the tokenizer's ids and pooled positions, audio embeddings from WAV files through palm's own
/// decoding and log-mel front-end, text embeddings, the token-level entry, the kinds and the
/// checkpoint errors.
final class MSCLAP2023GoldenTests: XCTestCase {
    static let directory = Fixtures.root.appendingPathComponent("msclap2023")
    static var checkpoint: String { directory.appendingPathComponent("CLAP_weights_2023-tiny.pth").path }

    struct Expected {
        let json: [String: Any]
        init(_ dir: URL) throws {
            let data = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
            json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        func strings(_ k: String) throws -> [String] { try XCTUnwrap(json[k] as? [String], k) }
        func string(_ k: String) throws -> String { try XCTUnwrap(json[k] as? String, k) }
        func ints(_ k: String) throws -> [Int] { try XCTUnwrap(json[k] as? [Int], k) }
        func intRows(_ k: String) throws -> [[Int]] { try XCTUnwrap(json[k] as? [[Int]], k) }
        func matrix(_ k: String) throws -> Tensor {
            let rows = try XCTUnwrap(json[k] as? [[Double]], k)
            return try Tensor(rows.flatMap { $0.map(Float.init) }, shape: [rows.count, rows.first?.count ?? 0])
        }
        func vector(_ k: String) throws -> Tensor {
            let v = try XCTUnwrap(json[k] as? [Double], k)
            return try Tensor(v.map(Float.init), shape: [1, v.count])
        }
    }

    static func tinyModel() throws -> MSCLAP2023Model {
        let spec = try ModelSpec(kind: MSCLAP2023Model.checkpointKind, ["path": checkpoint, "size": "tiny"])
        return try XCTUnwrap(try spec.load() as? MSCLAP2023Model)
    }

    /// Rows L2-normalised, then the largest absolute difference, printed and checked (<= 1e-5).
    func assertNormalizedClose(_ got: Tensor, _ want: Tensor, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        func normalized(_ t: Tensor) -> [Float] {
            let d = t.shape[1], v = t.toArray()
            return (0..<t.shape[0]).flatMap { r -> [Float] in
                let row = Array(v[(r * d)..<((r + 1) * d)]), n = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return row.map { $0 / n }
            }
        }
        XCTAssertEqual(got.shape, want.shape, label, file: file, line: line)
        guard got.shape == want.shape else { return }
        let diff = zip(normalized(got), normalized(want)).map { abs($0 - $1) }.max() ?? .nan
        print("[golden] MS-CLAP 2023 \(label): max |diff| after L2 norm = \(diff)")
        XCTAssertLessThanOrEqual(diff, 1e-5, label, file: file, line: line)
    }

    /// Ids, attention masks and pooled positions equal CLAPWrapper.preprocess_text's (transformers'
    /// GPT2Tokenizer with '!' added as the pad token), '!' quirk included; a long text is not cut.
    func testTokenizerEqualsTheWrapper() throws {
        let e = try Expected(Self.directory)
        let tokenizer = try MSCLAP2023Tokenizer.bundledTiny()
        XCTAssertEqual(tokenizer.pad, 0)
        let texts = try e.strings("texts")
        let ids = try e.intRows("input_ids"), masks = try e.intRows("attention_mask"), pooled = try e.ints("pooled")
        for (i, text) in texts.enumerated() {
            let t = try tokenizer.encode(text)
            XCTAssertEqual(t.ids, ids[i], text)
            XCTAssertEqual(t.attentionMask, masks[i], text)
            XCTAssertEqual(t.endPosition, pooled[i], text)
        }
        // "a siren!": the '!' counts as padding in the pooled position, one token early.
        let siren = try tokenizer.encode("a siren!")
        XCTAssertEqual(siren.endPosition, siren.attentionMask.reduce(0, +) - 2)
        XCTAssertEqual(try tokenizer.encode(e.string("long_text")).ids, try e.ints("long_input_ids"))
        let batch = try tokenizer.tokenize(texts)
        XCTAssertEqual(batch.leadingSpecials, 0)
        XCTAssertEqual(batch.trailingSpecials, 2)
        XCTAssertEqual(batch.eosPositions, pooled)
        XCTAssertEqual(batch.wordCount(1), 5 - 0)  // "rain on a roof": r|ain|Ġon|Ġa|Ġroof, then Ġ and <|endoftext|>
    }

    func testTextEmbeddingsEqualPyTorch() throws {
        let e = try Expected(Self.directory)
        let model = try Self.tinyModel()
        assertNormalizedClose(try model.embedText(e.strings("texts")), try e.matrix("text_embeddings"), "text")
        assertNormalizedClose(try model.embedText([e.string("long_text")]), try e.vector("long_embedding"), "text over 77 tokens")
    }

    /// WAV files -> palm's decoding, tiling, channel concatenation and log-mel -> HTSAT -> projection.
    func testAudioEmbeddingsFromFilesEqualPyTorch() throws {
        let e = try Expected(Self.directory)
        let model = try Self.tinyModel()
        let paths = try e.strings("clips").map { Self.directory.appendingPathComponent($0).path }
        let rows = try model.embedAudio(paths: paths).map { try $0.get() }
        let got = try Tensor(rows.flatMap { $0 }, shape: [rows.count, model.dimension])
        assertNormalizedClose(got, try e.matrix("audio_embeddings"), "audio (waveform -> embedding)")
    }

    func testTokenLevelEntryEqualsEmbedText() throws {
        let model = try Self.tinyModel()
        let texts = ["This is a recording of a dog barking.", "a siren!", ""]
        let tokens = try model.tokenize(texts)
        let viaTokens = try GradMode.withoutGrad { try model.textFeatures(tokenEmbeddings: model.tokenEmbeddings(tokens), tokens: tokens) }
        let diff = maxAbsDifference(viaTokens, try model.embedText(texts))
        print("[golden] MS-CLAP 2023 token-level entry vs embedText: max |diff| = \(diff)")
        XCTAssertLessThanOrEqual(diff, 1e-5)
        // On the tape: gradients reach the token embeddings.
        let x = try model.tokenEmbeddings(tokens).requiringGrad()
        try model.textFeatures(tokenEmbeddings: x, tokens: tokens).sum().backward()
        XCTAssertGreaterThan(try XCTUnwrap(x.grad).toArray().map(abs).max() ?? 0, 0)
    }

    /// CoOp's path against PyTorch: d sum(e * w) / d token embeddings through the GPT-2 tower
    /// (tanh GELU, causal attention, pooled rows) and the projection.
    func testTokenEmbeddingGradientEqualsPyTorch() throws {
        try assertTokenGradient(Self.tinyModel(), Expected(Self.directory), "", relative: 1e-6)
    }

    /// `relative`: the largest difference allowed, as a fraction of the largest gradient (float32
    /// round-off of the backward sums grows with depth: 2 layers in the tiny fixture, 12 at full size).
    func assertTokenGradient(_ model: MSCLAP2023Model, _ e: Expected, _ label: String, relative: Float, file: StaticString = #filePath, line: UInt = #line) throws {
        let tokens = try model.tokenize(e.strings("texts"))
        let x = try model.tokenEmbeddings(tokens).requiringGrad()
        let features = try model.textFeatures(tokenEmbeddings: x, tokens: tokens)
        try (features * e.matrix("loss_weights")).sum().backward()
        let want = try XCTUnwrap(e.json["token_grad"] as? [[[Double]]])
        let cut = want[0].count, width = model.tokenWidth
        let got = try XCTUnwrap(x.grad).slice(axis: 1, start: 0, end: cut).contiguous()
        let expected = try Tensor(want.flatMap { $0.flatMap { $0.map(Float.init) } }, shape: [want.count, cut, width])
        let scale = expected.toArray().map(abs).max() ?? 1
        assertClose(got, expected, "MS-CLAP 2023 \(label)d loss / d token embeddings (largest \(scale))", minCosine: 0.99999,
                    maxAbs: relative * max(1, scale),
                    file: file, line: line)
        if x.shape[1] > cut {  // positions after every pooled one: no gradient, as in PyTorch
            XCTAssertEqual(try XCTUnwrap(x.grad).slice(axis: 1, start: cut).contiguous().toArray().map(abs).max() ?? 0, 0, file: file, line: line)
        }
    }

    func testKindsLoadThroughModelSpec() throws {
        let tiny = try ModelSpec.load("msclap-2023-random:tiny")
        XCTAssertEqual(tiny.dimension, 24)
        XCTAssertEqual(tiny.tokenWidth, 32)
        let other = try ModelSpec.load("msclap-2023-random:tiny:3")
        XCTAssertNotEqual(tiny.fingerprint, other.fingerprint)
        XCTAssertEqual(try ModelSpec("msclap-2023-random:tiny:3").description, "msclap-2023-random:tiny:3")
        XCTAssertEqual(try tiny.embedText(["a dog"]).shape, [1, 24])
        let fixture = try Self.tinyModel()
        XCTAssertTrue(fixture.ignoredKeys.contains("logit_scale"), "\(fixture.ignoredKeys)")
        XCTAssertTrue(fixture.ignoredKeys.contains { $0.hasPrefix("audio_encoder.base.htsat.spectrogram_extractor.") })
        XCTAssertTrue(fixture.fingerprint.hasPrefix("msclap-2023-"))
        let clean = try fixture.withPreprocessing(.pengiClean)
        XCTAssertEqual(clean.fingerprint, fixture.fingerprint)
        XCTAssertEqual(PreprocessingConfig.preset(named: "msclap-2023"), PreprocessingConfig.pengi)
    }

    func testMissingAndUnexpectedKeysAndTokenizerAreNamed() throws {
        let file = try CheckpointFile.open(Self.checkpoint)
        var tensors: [String: Tensor] = [:]
        for k in file.keys { tensors[k] = try file.tensor(k) }
        let tokenizer = try MSCLAP2023Tokenizer.bundledTiny()
        var missing = tensors
        let victim = "caption_encoder.base.h.1.attn.c_attn.weight"
        XCTAssertNotNil(missing.removeValue(forKey: victim))
        XCTAssertThrowsError(try MSCLAP2023Model(source: DictionarySource(missing), tokenizer: tokenizer, config: .tiny)) { e in
            XCTAssertTrue("\(e)".contains(victim), "\(e)")
        }
        var extra = tensors
        extra["caption_encoder.base.h.0.attn.extra"] = Tensor.zeros([1])
        XCTAssertThrowsError(try MSCLAP2023Model(source: DictionarySource(extra), tokenizer: tokenizer, config: .tiny)) { e in
            XCTAssertTrue("\(e)".contains("caption_encoder.base.h.0.attn.extra"), "\(e)")
        }
        // Saved GPT-2 causal-mask buffers (older transformers) are skipped.
        var buffers = tensors
        buffers["caption_encoder.base.h.0.attn.bias"] = Tensor.zeros([1, 1, 4, 4])
        buffers["caption_encoder.base.h.0.attn.masked_bias"] = Tensor.zeros([])
        XCTAssertNoThrow(try MSCLAP2023Model(source: DictionarySource(buffers), tokenizer: tokenizer, config: .tiny))
        // The base architecture's 50257-row table against the tiny checkpoint: a shape error naming the key.
        XCTAssertThrowsError(try MSCLAP2023Model(source: DictionarySource(tensors), tokenizer: tokenizer, config: .base)) { e in
            XCTAssertTrue("\(e)".contains("audio_encoder.base.htsat."), "\(e)")
        }
        XCTAssertThrowsError(try ModelSpec(kind: MSCLAP2023Model.checkpointKind, ["path": Self.checkpoint, "tokenizer": "/nonexistent/gpt2"]).load()) { e in
            XCTAssertTrue("\(e)".contains("vocab.json"), "\(e)")
        }
        // A vocabulary larger than the tower's table is refused before anything runs.
        if let gpt2 = TokenizerFiles.locate(.gpt2) {
            XCTAssertThrowsError(try MSCLAP2023Model(source: DictionarySource(tensors), tokenizer: MSCLAP2023Tokenizer(folder: gpt2), config: .tiny))
        }
    }

    /// Full size (`Scripts/fixtures/msclap2023.py --full`, GPT-2's real vocabulary): run with
    /// PALM_FULL_PARITY=1 (files in ~/.cache/palm/parity/msclap2023, or PALM_MSCLAP2023_PARITY=DIR).
    func testFullSizeParity() throws {
        guard ProcessInfo.processInfo.environment["PALM_FULL_PARITY"] == "1" else {
            throw XCTSkip("full-size MS-CLAP 2023 parity: set PALM_FULL_PARITY=1 after python3 Scripts/fixtures/msclap2023.py --full")
        }
        let env = ProcessInfo.processInfo.environment
        let dir = URL(fileURLWithPath: env["PALM_MSCLAP2023_PARITY"] ?? (CachePaths.root + "/parity/msclap2023"))
        let e = try Expected(dir)
        let tokenizer = try MSCLAP2023Tokenizer(folder: TokenizerFiles.folder(nil, for: .gpt2, model: "MS-CLAP 2023"))
        let model = try MSCLAP2023Model(path: dir.appendingPathComponent("CLAP_weights_2023-random.pth").path, tokenizer: tokenizer)
        let texts = try e.strings("texts"), ids = try e.intRows("input_ids"), pooled = try e.ints("pooled")
        for (i, text) in texts.enumerated() {
            let t = try tokenizer.encode(text)
            XCTAssertEqual(t.ids, ids[i], text)
            XCTAssertEqual(t.endPosition, pooled[i], text)
        }
        assertNormalizedClose(try model.embedText(texts), try e.matrix("text_embeddings"), "full text")
        assertNormalizedClose(try model.embedText([e.string("long_text")]), try e.vector("long_embedding"), "full text over 77 tokens")
        let paths = try e.strings("clips").map { dir.appendingPathComponent($0).path }
        let rows = try model.embedAudio(paths: paths).map { try $0.get() }
        assertNormalizedClose(try Tensor(rows.flatMap { $0 }, shape: [rows.count, model.dimension]), try e.matrix("audio_embeddings"), "full audio")
        try assertTokenGradient(model, e, "full ", relative: 5e-6)
    }
}

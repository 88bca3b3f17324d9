import Audio
import Foundation
import Models
import Tensor
import TestSupport
import XCTest

/// MS-CLAP 2022 against the PyPI package `msclap` (`Scripts/fixtures/msclap2022.py`): a reduced
/// CLAP (CNN14 widths 4-32, BERT width 32 on a vocabulary cut to 4000 entries) with random
/// weights, run by the package's own `CLAPWrapper` on two WAV files and five texts. The
/// checkpoint is loaded through the `msclap-2022` kind.
final class MSCLAP2022GoldenTests: XCTestCase {
    static let folder = Fixtures.path("msclap2022")
    static var checkpoint: String { folder + "/tiny.pth" }

    static func io() throws -> SafeTensorsFile { try Fixtures.safetensors("msclap2022/io.safetensors") }

    static func inputs() throws -> (texts: [String], clips: [String]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/inputs.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let clips = try XCTUnwrap(json["clips"] as? [String]).map { folder + "/" + $0 }
        return (try XCTUnwrap(json["texts"] as? [String]), clips)
    }

    /// The fixture through the checkpoint kind (script arguments: the reduced size and the
    /// fixture's cut vocabulary).
    static func model() throws -> MSCLAP2022Model {
        let spec = try ModelSpec(kind: MSCLAP2022Model.checkpointKind, ["path": checkpoint, "size": "tiny", "tokenizer": folder])
        return try XCTUnwrap(spec.load() as? MSCLAP2022Model)
    }

    /// Compares after L2 normalisation (<= 1e-5, the golden bar) and prints the raw difference too.
    func assertGolden(_ got: Tensor, _ want: Tensor, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        print("[golden] \(label): raw max |diff| = \(maxAbsDifference(got, want))")
        assertClose(try got.l2Normalized(axis: -1), try want.l2Normalized(axis: -1), tolerance: 1e-5, "\(label) (L2-normalised)",
                    file: file, line: line)
    }

    func testFrontEndMatchesTorchlibrosa() throws {
        let (_, clips) = try Self.inputs()
        let pre = Preprocessor(config: .msclap2022)
        let expected = try Self.io().tensor("logmel")
        for (i, path) in clips.enumerated() {
            let mel = try pre.features(path: path)
            XCTAssertEqual(mel.shape, [690, 64])
            assertClose(mel, try expected.select(axis: 0, index: i).contiguous(), tolerance: 2e-3, "msclap-2022 log-mel of \(path.split(separator: "/").last!) (dB)")
        }
    }

    func testAudioEmbeddingFromFilesMatchesPyTorch() throws {
        let model = try Self.model()
        let (_, clips) = try Self.inputs()
        let io = try Self.io()
        let rows = try model.embedAudio(paths: clips).map { try $0.get() }
        let got = try Tensor(rows.flatMap { $0 }, shape: [rows.count, model.dimension])
        try assertGolden(got, try io.tensor("audio_embedding"), "MS-CLAP 2022 audio embedding (file -> projection)")
        // The tower alone, from palm's log-mel.
        let pre = Preprocessor(config: model.preprocessing)
        let mels = try Tensor.stack(clips.map { try pre.features(path: $0) }).unsqueeze(1)
        let latent = try model.cnn14(logMel: mels)
        try assertGolden(latent, try io.tensor("audio_latent"), "CNN14 embedding (fc1 + ReLU)")
    }

    func testTextEmbeddingMatchesPyTorch() throws {
        let model = try Self.model()
        let (texts, _) = try Self.inputs()
        let io = try Self.io()
        // Tokenization: the reference pads to 100; palm cuts to the longest text.
        let tokens = try model.tokenize(texts)
        let ids = try io.tensor("text_ids"), width = ids.shape[1]
        let flat = ids.toArray().map { Int($0) }
        for (i, row) in tokens.ids.enumerated() {
            XCTAssertEqual(row + Array(repeating: 0, count: width - row.count), Array(flat[(i * width)..<((i + 1) * width)]), texts[i])
        }
        XCTAssertEqual(tokens.lengths, try io.tensor("text_mask").sum(axis: 1).toArray().map { Int($0) })
        XCTAssertEqual(tokens.eosPositions, Array(repeating: 0, count: texts.count))
        XCTAssertEqual(tokens.leadingSpecials, 1)
        XCTAssertEqual(tokens.trailingSpecials, 1)
        try assertGolden(try model.embedText(texts), try io.tensor("text_embedding"), "MS-CLAP 2022 text embedding")
        let cls = try model.bert.clsPooled(tokenEmbeddings: model.tokenEmbeddings(tokens), lengths: tokens.lengths)
        try assertGolden(cls, try io.tensor("text_cls"), "BERT [CLS] hidden state")
    }

    /// CoOp's entry: word embeddings on the tape give embedText's features, and gradients reach them.
    func testTokenLevelEntryEqualsEmbedText() throws {
        let model = try Self.model()
        let (texts, _) = try Self.inputs()
        let tokens = try model.tokenize(texts)
        let x = try model.tokenEmbeddings(tokens).requiringGrad()
        let features = try model.textFeatures(tokenEmbeddings: x, tokens: tokens)
        let plain = try model.embedText(texts)
        let diff = maxAbsDifference(features, plain)
        print("[golden] token-level entry vs embedText: max |diff| = \(diff)")
        XCTAssertLessThanOrEqual(diff, 1e-6)
        try features.sum().backward()
        let grad = try XCTUnwrap(x.grad).toArray()
        XCTAssertTrue(grad.contains { $0 != 0 }, "no gradient reached the token embeddings")
        // Padding (beyond a row's length) gets none: it is masked.
        let t = tokens.length, w = model.tokenWidth
        let shortRow = try XCTUnwrap(tokens.lengths.firstIndex { $0 < t })
        let padded = grad[(shortRow * t + tokens.lengths[shortRow]) * w..<((shortRow + 1) * t) * w]
        XCTAssertTrue(padded.allSatisfy { $0 == 0 })
    }

    /// The fixture is sensitive: plausible porting mistakes (BERT's mean instead of [CLS], a
    /// mono downmix instead of the reference's channel concatenation, PENGI's 32 kHz mel
    /// filterbank) move the outputs well outside the golden tolerance.
    func testGoldenComparisonCatchesPlausibleMistakes() throws {
        let model = try Self.model()
        let (texts, clips) = try Self.inputs()
        let io = try Self.io()
        func worst(_ got: Tensor, _ want: Tensor) throws -> Float {
            maxAbsDifference(try got.l2Normalized(axis: -1), try want.l2Normalized(axis: -1))
        }
        let tokens = try model.tokenize(texts)
        let mean = try model.textProjection(model.bert.meanPooled(tokenEmbeddings: model.tokenEmbeddings(tokens), lengths: tokens.lengths))
        func audio(_ p: PreprocessingConfig) throws -> Tensor {
            let rows = try model.withPreprocessing(p).embedAudio(paths: clips).map { try $0.get() }
            return try Tensor(rows.flatMap { $0 }, shape: [rows.count, model.dimension])
        }
        var mono = PreprocessingConfig.msclap2022
        mono.channels = .mean
        var mel32k = PreprocessingConfig.msclap2022
        mel32k.mel.sampleRate = 32000
        let diffs = [("mean pooling", try worst(mean, io.tensor("text_embedding"))),
                     ("mono downmix", try worst(audio(mono).slice(axis: 0, start: 1, end: 2), io.tensor("audio_embedding").slice(axis: 0, start: 1, end: 2))),
                     ("32 kHz filterbank", try worst(audio(mel32k), io.tensor("audio_embedding")))]
        for (mistake, d) in diffs {
            print("[golden] with \(mistake): max |diff| after L2 = \(d)")
            XCTAssertGreaterThan(d, 1e-2, mistake)
        }
    }

    func testLoadingIsStrictAndListsWhatItIgnores() throws {
        let model = try Self.model()
        let ignored = Set(model.ignoredKeys)
        for key in ["logit_scale", "audio_encoder.base.logmel_extractor.melW", "audio_encoder.base.fc_audioset.weight",
                    "caption_encoder.base.pooler.dense.weight", "caption_encoder.base.embeddings.position_ids"] {
            XCTAssertTrue(ignored.contains(key), key)
        }
        XCTAssertEqual(ignored.count, 7, "\(model.ignoredKeys)")
        XCTAssertEqual(model.config.text.vocabSize, 4000)
        XCTAssertEqual(try ModelSpec(kind: MSCLAP2022Model.checkpointKind, ["path": "/x/ck.pth"]).description, "msclap-2022:/x/ck.pth")
    }

    /// A bare state dict, with or without DataParallel's `module.`, loads the same; a missing,
    /// misshapen or unknown key is an error naming it; a filterbank that is not the front-end's
    /// is refused.
    func testBareStateDictsAndBadKeys() throws {
        let file = try CheckpointFile.open(Self.checkpoint)
        var all: [String: Tensor] = [:]
        for k in file.keys { all[k] = try file.tensor(k) }
        let tokenizer = try WordPieceTokenizer(vocabFile: Self.folder + "/vocab.txt", maxLength: 100)
        func load(_ tensors: [String: Tensor]) throws -> MSCLAP2022Model {
            try MSCLAP2022Model(source: DictionarySource(tensors, name: "ck"), config: .tiny, tokenizer: tokenizer)
        }
        let reference = try Self.model().embedText(["church bells"])
        var prefixed: [String: Tensor] = [:]
        for (k, v) in all { prefixed["module." + k] = v }
        XCTAssertEqual(try load(prefixed).embedText(["church bells"]).toArray(), reference.toArray())

        let victim = "audio_encoder.base.conv_block5.bn2.running_var"
        var missing = all
        missing[victim] = nil
        XCTAssertThrowsError(try load(missing)) { XCTAssertEqual("\($0)", "ck: missing key '\(victim)'") }
        var wrong = all
        wrong["caption_encoder.projection.linear1.weight"] = Tensor.zeros([16, 16])
        XCTAssertThrowsError(try load(wrong)) { XCTAssertTrue("\($0)".contains("caption_encoder.projection.linear1.weight"), "\($0)") }
        var extra = all
        extra["audio_encoder.base.conv_block7.conv1.weight"] = Tensor.zeros([1])
        XCTAssertThrowsError(try load(extra)) { XCTAssertTrue("\($0)".contains("audio_encoder.base.conv_block7.conv1.weight"), "\($0)") }
        var otherMel = all
        let mel = MelFilterbank(config: MelConfig(sampleRate: 32000, nMels: 64, fMin: 50, fMax: 14000, scale: .slaney, norm: .slaney), nFFT: 1024)
        otherMel["audio_encoder.base.logmel_extractor.melW"] = try Tensor(mel.weights, shape: [64, 513]).transpose(0, 1).contiguous()
        XCTAssertThrowsError(try load(otherMel)) { XCTAssertTrue("\($0)".contains("audio_encoder.base.logmel_extractor.melW"), "\($0)") }
        // A tokenizer with more ids than the checkpoint's rows.
        var cut = all
        cut["caption_encoder.base.embeddings.word_embeddings.weight"] = try all["caption_encoder.base.embeddings.word_embeddings.weight"]!
            .slice(axis: 0, start: 0, end: 1000).contiguous()
        XCTAssertThrowsError(try load(cut)) { XCTAssertTrue("\($0)".contains("ids up to 3999"), "\($0)") }
    }

    func testRandomKindRunsBothTowers() throws {
        let spec = try ModelSpec(kind: MSCLAP2022Model.randomKind, ["size": "tiny", "seed": "3", "tokenizer": Self.folder])
        let model = try spec.load()
        XCTAssertEqual(spec.description, "msclap-2022-random:tiny:3")
        XCTAssertEqual(model.dimension, 16)
        let (texts, clips) = try Self.inputs()
        let audio = try model.embedAudio(paths: clips).map { try $0.get() }
        XCTAssertTrue(audio.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isFinite) })
        let text = try model.embedText(texts)
        XCTAssertEqual(text.shape, [texts.count, 16])
        XCTAssertNotEqual(model.fingerprint, try Self.model().fingerprint)
    }

    /// The full-size configuration (`msclap2022.py --full`): bert-base and CNN14 at their real
    /// sizes, random weights, through `msclap-2022:PATH`. Gated by `PALM_FULL_PARITY=1`.
    func testFullSizeParity() throws {
        guard ProcessInfo.processInfo.environment["PALM_FULL_PARITY"] == "1" else {
            throw XCTSkip("set PALM_FULL_PARITY=1 after python3 Scripts/fixtures/msclap2022.py --full")
        }
        let dir = ProcessInfo.processInfo.environment["PALM_MSCLAP2022_PARITY_DIR"]
            ?? (NSHomeDirectory() + "/.cache/palm/parity/msclap2022")
        let spec = try ModelSpec(kind: MSCLAP2022Model.checkpointKind, ["path": dir + "/CLAP_weights_2022_random.pth", "tokenizer": dir])
        let model = try spec.load()
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/inputs.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let texts = try XCTUnwrap(json["texts"] as? [String]), clips = try XCTUnwrap(json["clips"] as? [String]).map { dir + "/" + $0 }
        let io = try SafeTensorsFile(path: dir + "/io.safetensors")
        let rows = try model.embedAudio(paths: clips).map { try $0.get() }
        try assertGolden(try Tensor(rows.flatMap { $0 }, shape: [rows.count, model.dimension]), try io.tensor("audio_embedding"),
                         "full-size MS-CLAP 2022 audio embedding")
        try assertGolden(try model.embedText(texts), try io.tensor("text_embedding"), "full-size MS-CLAP 2022 text embedding")
    }
}

extension MSCLAP2022GoldenTests {
    /// With BERT's layers checkpointed (as large CoCoOp prompt sets trigger), the token-level
    /// entry's gradients equal those with every activation kept.
    func testCheckpointedBERTGivesTheSameGradients() throws {
        let model = try Self.model()
        let (texts, _) = try Self.inputs()
        let tokens = try model.tokenize(texts)
        func gradient(budget: Int) throws -> [Float] {
            let saved = CausalTransformer.activationBudgetBytes
            CausalTransformer.activationBudgetBytes = budget
            defer { CausalTransformer.activationBudgetBytes = saved }
            let x = try model.tokenEmbeddings(tokens).requiringGrad()
            var g = SeededGenerator(seed: 4)
            let w = Tensor.normal([texts.count, model.dimension], generator: &g)
            try (model.textFeatures(tokenEmbeddings: x, tokens: tokens) * w).sum().backward()
            return try XCTUnwrap(x.grad).toArray()
        }
        let kept = try gradient(budget: .max), recomputed = try gradient(budget: 0)
        let diff = zip(kept, recomputed).map { abs($0 - $1) }.max() ?? .nan
        print("[golden] checkpointed BERT vs kept activations, d loss / d token embeddings: max |diff| = \(diff)")
        XCTAssertLessThanOrEqual(diff, 1e-6)
        XCTAssertGreaterThan(kept.map(abs).max() ?? 0, 0)
    }
}

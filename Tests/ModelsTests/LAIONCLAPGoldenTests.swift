import Audio
import Foundation
import XCTest
import Tensor
import Models
import TestSupport

/// LAION-CLAP against `laion_clap` 1.1.7 + transformers' RobertaModel/RobertaTokenizer
/// (`Scripts/fixtures/laionclap.py`): a reduced model from a `{'state_dict': {'module.' ...}}`
/// checkpoint, waveform -> embedding through palm's `laion-clap` front-end, text -> embedding
/// through palm's RoBERTa tokenizer. The full-size check runs with `PALM_FULL_PARITY=1`.
final class LAIONCLAPGoldenTests: XCTestCase {
    struct Case: Decodable {
        let checkpoint: String
        let amodel: String
        let clips: [String]
        let audio: [[Float]]
        let texts: [String]
        let ids: [[Int]]
        let text: [[Float]]
    }
    struct Expected: Decodable { let cases: [Case] }

    static let vocabularyDir = ModelsFixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Models/Resources/roberta-small-bpe").path

    private func expected(_ dir: String) throws -> [Case] {
        let data = try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("expected.json")))
        return try JSONDecoder().decode(Expected.self, from: data).cases
    }

    /// The reduced cases: HTSAT (`tiny.pt`) first, then PANN-14 (`tiny-pann.pt`).
    private var tinyCases: [Case] { get throws { try expected(ModelsFixtures.path("laionclap")) } }
    private var tinyCase: Case { get throws { try XCTUnwrap(tinyCases.first) } }

    private func tinyModel(_ c: Case? = nil) throws -> LAIONCLAPModel {
        let c = try c ?? tinyCase
        let spec = try ModelSpec("laion-clap:\(ModelsFixtures.path("laionclap/" + c.checkpoint)):size=tiny:amodel=\(c.amodel):tokenizer=\(Self.vocabularyDir)")
        return try XCTUnwrap(spec.load() as? LAIONCLAPModel)
    }

    /// `laion-clap` with the reference's draw fixed at the centre, as the generator fixes it.
    static let centreCrop: PreprocessingConfig = {
        var c = PreprocessingConfig.laionCLAP
        c.clip?.crop = .center
        return c
    }()

    @discardableResult
    private func compare(_ got: Tensor, _ want: [[Float]], _ label: String) throws -> Float {
        try assertNormalizedRowsMatch(got, want, label)
    }

    func testTokenizerMatchesRobertaTokenizer() throws {
        let c = try tinyCase
        let tokenizer = try RoBERTaTokenizer(directory: Self.vocabularyDir)
        let got = try tokenizer.tokenize(c.texts)
        for (i, t) in got.enumerated() { XCTAssertEqual(t.ids, c.ids[i], "ids of \(c.texts[i].debugDescription)") }
        // The long caption is truncated to 77 ids keeping </s>.
        XCTAssertEqual(got.last?.ids.count, 77)
        XCTAssertEqual(got.last?.ids.last, tokenizer.end)
        // The bundled copy is the same vocabulary.
        XCTAssertEqual(try RoBERTaTokenizer.bundledSmall().tokenize(c.texts), got)
    }

    func testTextEmbeddingsMatchLAIONCLAP() throws {
        let cases = try tinyCases
        XCTAssertEqual(cases.map(\.amodel), ["HTSAT-tiny", "PANN-14"])
        for c in cases { _ = try compare(tinyModel(c).embedText(c.texts), c.text, "tiny LAION-CLAP (\(c.amodel)) text") }
    }

    func testAudioEmbeddingsFromWaveformsMatchLAIONCLAP() throws {
        for c in try tinyCases {
            let model = try tinyModel(c).withPreprocessing(Self.centreCrop)
            let paths = c.clips.map { ModelsFixtures.path("laionclap/" + $0) }
            let rows = try model.embedAudio(paths: paths).map { try $0.get() }
            _ = try compare(Tensor(rows.flatMap { $0 }, shape: [rows.count, rows[0].count]), c.audio,
                            "tiny LAION-CLAP \(c.amodel) audio (3.3 s repeatpad, 10.4 s centre crop)")
            // The fill and the quantisation are seen: tiling instead of repeatpad moves the short
            // clip's embedding beyond the tolerance; float samples move it (by less: int16 steps
            // are 3e-5 of full scale, so the golden comparison alone would not catch a missing
            // round trip, hence `testRepeatPadAndQuantization`).
            var tiled = Self.centreCrop, float = Self.centreCrop
            tiled.clip?.fill = .tile
            float.quantization = nil
            for (other, label) in [(tiled, "tiled"), (float, "unquantised")] {
                let row = try model.withPreprocessing(other).embedAudio(paths: [paths[0]])[0].get()
                let n = (row.map { $0 * $0 }.reduce(0, +)).squareRoot()
                let diff = zip(row, c.audio[0]).map { abs($0 / n - $1) }.max()!
                print("[golden] \(c.amodel) short clip \(label) instead: max |diff| = \(diff)")
                XCTAssertGreaterThan(diff, label == "tiled" ? 1e-5 : 0, "\(c.amodel) \(label)")
            }
        }
    }

    /// The front-end's own parts: repeatpad repeats whole copies then zero-pads, and the int16
    /// round trip truncates toward zero.
    func testRepeatPadAndQuantization() throws {
        var g = SeededGenerator(seed: 0)
        let p = ClipPolicy(length: 7, crop: .random, fill: .repeatPad)
        XCTAssertEqual(p.apply([1, 2, 3], generator: &g), [1, 2, 3, 1, 2, 3, 0])
        XCTAssertEqual(ClipPolicy(length: 7, crop: .random).apply([1, 2, 3], generator: &g), [1, 2, 3, 1, 2, 3, 1])
        let q = SampleQuantization.int16.apply([0.5, -0.5, 2, -2, 1e-6])
        XCTAssertEqual(q, [Float(Double(16383) / 32767), Float(Double(-16383) / 32767), 1, -1, 0])
        // Existing presets keep their fingerprints; the new options change it.
        XCTAssertFalse(PreprocessingConfig.pengi.canonicalDescription.contains("fill="))
        XCTAssertTrue(PreprocessingConfig.laionCLAP.canonicalDescription.contains(";fill=repeatpad;"))
        XCTAssertTrue(PreprocessingConfig.laionCLAP.canonicalDescription.contains(";quant=int16"))
        var unquantized = PreprocessingConfig.laionCLAP
        unquantized.quantization = nil
        XCTAssertNotEqual(unquantized.fingerprint, PreprocessingConfig.laionCLAP.fingerprint)
        XCTAssertEqual(PreprocessingConfig.preset(named: "laion-clap"), .laionCLAP)
        // Old JSON (no fill, no quantization) still decodes.
        let old = try JSONDecoder().decode(ClipPolicy.self, from: Data(#"{"length": 5, "crop": "center"}"#.utf8))
        XCTAssertEqual(old, ClipPolicy(length: 5, crop: .center))
    }

    /// The token-level entry (what CoOp/CoCoOp call) gives embedText's features, and is on the tape.
    func testTokenLevelEntryEqualsEmbedText() throws {
        let c = try tinyCase, model = try tinyModel()
        let tokens = try model.tokenize(c.texts)
        XCTAssertEqual(tokens.leadingSpecials, 1)
        XCTAssertEqual(tokens.trailingSpecials, 1)
        XCTAssertEqual(tokens.wordCount(1), tokens.lengths[1] - 2)
        let x = try model.tokenEmbeddings(tokens).detached().requiringGrad()
        let f = try model.textFeatures(tokenEmbeddings: x, tokens: tokens)
        XCTAssertLessThanOrEqual(maxAbsDifference(f.detached(), try model.embedText(c.texts)), 1e-6)
        try f.sum().backward()
        let g = try XCTUnwrap(x.grad).toArray()
        XCTAssertGreaterThan(g.map(abs).reduce(0, +), 0)
    }

    func testKinds() throws {
        let ckpt = ModelsFixtures.path("laionclap/tiny.pt")
        let spec = try ModelSpec("laion-clap:\(ckpt):size=tiny:amodel=HTSAT-tiny:tokenizer=\(Self.vocabularyDir)")
        XCTAssertEqual(spec["amodel"], "htsat-tiny")
        XCTAssertEqual(spec["size"], "tiny")
        XCTAssertEqual(spec["path"], ckpt)
        XCTAssertEqual(spec.description, "laion-clap:\(ckpt):tokenizer=\(Self.vocabularyDir):size=tiny")
        XCTAssertEqual(try ModelSpec(spec.description).values, spec.values)
        XCTAssertEqual(try ModelSpec("laion-clap:/a:b.pt:amodel=htsat-base")["path"], "/a:b.pt")
        XCTAssertEqual(try ModelSpec("laion-clap:/a:b.pt:amodel=htsat-base")["amodel"], "htsat-base")
        XCTAssertTrue(LAIONCLAPModel.checkpointKind.form.contains("[:amodel=htsat-tiny|htsat-base|pann-14]"), LAIONCLAPModel.checkpointKind.form)
        // Without a tokenizer folder the kind takes the located roberta-base files; with none
        // there, it says where it looked and how to get them.
        let empty = try TemporaryDirectory("palm-no-tokenizers")
        let saved = (ProcessInfo.processInfo.environment["PALM_TOKENIZERS"], ProcessInfo.processInfo.environment["PALM_CACHE"])
        setenv("PALM_TOKENIZERS", empty.path, 1)
        setenv("PALM_CACHE", empty.path, 1)
        defer {
            for (name, value) in [("PALM_TOKENIZERS", saved.0), ("PALM_CACHE", saved.1)] {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        XCTAssertThrowsError(try ModelSpec.load("laion-clap:\(ckpt):size=tiny")) {
            XCTAssertTrue("\($0)".contains("Scripts/setup --tokenizers") && "\($0)".contains("roberta-base"), "\($0)")
        }
        XCTAssertThrowsError(try ModelSpec("laion-clap:\(ckpt):amodel=htsat-huge")) { XCTAssertTrue("\($0)".contains("amodel"), "\($0)") }
        // The random kind works without any file.
        let random = try ModelSpec.load("laion-clap-random:tiny:3")
        XCTAssertEqual(random.dimension, 16)
        let t = try random.embedText(["a dog barks", "rain"])
        XCTAssertEqual(t.shape, [2, 16])
        let wav = ModelsFixtures.path("laionclap/short.wav")
        XCTAssertEqual(try random.embedAudio(paths: [wav])[0].get().count, 16)
        XCTAssertNotEqual(random.fingerprint, try ModelSpec.load("laion-clap-random:tiny:4").fingerprint)
        let pann = try ModelSpec.load("laion-clap-random:tiny:3:amodel=PANN-14")
        XCTAssertEqual(try pann.embedAudio(paths: [wav])[0].get().count, 16)
        XCTAssertNotEqual(pann.fingerprint, random.fingerprint)
        XCTAssertEqual(try ModelSpec("laion-clap-random:base:0:amodel=htsat-base").description, "laion-clap-random:base:amodel=htsat-base")
    }

    /// Loading is strict: a missing tensor names its key; so does an unexpected one.
    func testStrictLoading() throws {
        // The reader drops the `module.` every key of the released checkpoints has (as
        // `hook.py` does); the encoders accept it too, for sources that keep it.
        let file = try CheckpointFile.open(ModelsFixtures.path("laionclap/tiny.pt"))
        XCTAssertTrue(file.keys.contains("text_branch.pooler.dense.weight"))
        var tensors: [String: Tensor] = [:]
        for k in file.keys { tensors["module." + k] = try file.tensor(k) }
        let config = LAIONCLAPConfig.tiny(vocabSize: try RoBERTaTokenizer.bundledSmall().bpe.vocabulary.count)
        let encoders = try LAIONCLAPEncoders(source: DictionarySource(tensors), config: config)
        XCTAssertTrue(encoders.ignoredKeys.contains("module.text_branch.embeddings.position_ids"))
        XCTAssertTrue(encoders.ignoredKeys.contains("module.logit_scale_a"))
        XCTAssertTrue(encoders.recomputedKeys.contains("module.audio_branch.layers.1.blocks.1.attn_mask"))
        var missing = tensors
        missing["module.text_branch.pooler.dense.weight"] = nil
        XCTAssertThrowsError(try LAIONCLAPEncoders(source: DictionarySource(missing), config: config)) {
            XCTAssertTrue("\($0)".contains("module.text_branch.pooler.dense.weight"), "\($0)")
        }
        var extra = tensors
        extra["module.audio_branch.fusion_model.weight"] = Tensor.zeros([3])
        XCTAssertThrowsError(try LAIONCLAPEncoders(source: DictionarySource(extra), config: config)) {
            XCTAssertTrue("\($0)".contains("module.audio_branch.fusion_model.weight"), "\($0)")
        }
        // The random layout is the checkpoint's: every parameter the fixture has, none more.
        for (name, config) in [("tiny.pt", config), ("tiny-pann.pt", LAIONCLAPConfig.tiny(vocabSize: config.text.vocabSize, pann: true))] {
            let file = try CheckpointFile.open(ModelsFixtures.path("laionclap/" + name))
            for (k, s) in LAIONCLAPEncoders.parameterShapes(config) { XCTAssertEqual(file.info(k)?.shape, s, "\(name): \(k)") }
        }
        // A filterbank other than the front-end's is refused by name.
        var wrongMel = tensors
        wrongMel["module.audio_branch.logmel_extractor.melW"] = Tensor.zeros([513, 64])
        XCTAssertThrowsError(try LAIONCLAPEncoders(source: DictionarySource(wrongMel), config: config)) {
            XCTAssertTrue("\($0)".contains("logmel_extractor.melW"), "\($0)")
        }
    }

    /// Full size (HTSAT-tiny, HTSAT-base and PANN-14 with roberta-base's shape, the
    /// checkpoints' torchlibrosa constants included), from
    /// `python3 Scripts/fixtures/laionclap.py --full` (~/.cache/palm/parity/laionclap).
    func testFullSizeParity() throws {
        guard ProcessInfo.processInfo.environment["PALM_FULL_PARITY"] == "1" else {
            throw XCTSkip("set PALM_FULL_PARITY=1 after python3 Scripts/fixtures/laionclap.py --full")
        }
        let dir = (("~/.cache/palm/parity/laionclap") as NSString).expandingTildeInPath
        for c in try expected(dir) {
            let spec = "laion-clap:\((dir as NSString).appendingPathComponent(c.checkpoint)):amodel=\(c.amodel):tokenizer=\(Self.vocabularyDir)"
            let model = try XCTUnwrap(ModelSpec.load(spec).withPreprocessing(Self.centreCrop) as? LAIONCLAPModel)
            let rows = try model.embedAudio(paths: c.clips.map { (dir as NSString).appendingPathComponent($0) }).map { try $0.get() }
            _ = try compare(Tensor(rows.flatMap { $0 }, shape: [rows.count, rows[0].count]), c.audio, "full \(c.amodel) audio")
            _ = try compare(model.embedText(c.texts), c.text, "full \(c.amodel) RoBERTa text")
        }
    }
}

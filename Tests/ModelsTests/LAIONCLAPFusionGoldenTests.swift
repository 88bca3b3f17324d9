import Audio
import Foundation
import XCTest
import Tensor
import Models
import TestSupport

/// LAION-CLAP's fusion checkpoints against `laion_clap` 1.1.7 (`CLAP(enable_fusion=True,
/// fusion_type='aff_2d')`, `get_audio_features` with data_truncating 'fusion'), from
/// `Scripts/fixtures/laionclap_fusion.py`: the four-channel fusion mel palm's `laion-clap-fusion`
/// front-end makes with the reference's chunk starts, and the embeddings of each clip and of a
/// batch mixing `longer` and other clips. The full-size check runs with `PALM_FULL_PARITY=1`.
final class LAIONCLAPFusionGoldenTests: XCTestCase {
    struct Clip: Decodable {
        let clip: String
        let path: String
        let longer: Bool
        let chunk_starts: [Int]
        let mel_shape: [Int]
        let mel_step: Int
        let stored_shape: [Int]
        let audio: [Float]
    }
    struct Expected: Decodable {
        let checkpoint: String
        let clips: [Clip]
        let batch: [String]
        let batch_audio: [[Float]]
        let short_pair_audio: [[Float]]
    }

    static let fixture = ModelsFixtures.path("laionclap-fusion")
    static let fullDir = ("~/.cache/palm/parity/laionclap-fusion" as NSString).expandingTildeInPath

    private func expected(_ dir: String) throws -> Expected {
        let data = try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("expected.json")))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    private func model(_ dir: String, _ e: Expected, size: String, fusion: String = "auto") throws -> LAIONCLAPModel {
        let spec = "laion-clap:\((dir as NSString).appendingPathComponent(e.checkpoint)):tokenizer=\(LAIONCLAPGoldenTests.vocabularyDir)"
            + ":size=\(size):fusion=\(fusion)"
        return try XCTUnwrap(ModelSpec.load(spec) as? LAIONCLAPModel)
    }

    private func audioPath(_ dir: String, _ c: Clip) -> String {
        URL(fileURLWithPath: dir).appendingPathComponent(c.path).standardized.path
    }

    /// palm's fusion input for a clip, with the reference's chunk starts.
    private func fusionMel(_ dir: String, _ c: Clip) throws -> FusionMel {
        let pre = Preprocessor(config: .laionCLAPFusion)
        let logMel = try pre.features(clip: pre.clip(path: audioPath(dir, c)))
        return try FusionMel(logMel: logMel, chunkFrames: pre.fusionChunkFrames, chunkStarts: c.chunk_starts)
    }

    @discardableResult
    private func compare(_ got: Tensor, _ want: [[Float]], _ label: String) throws -> Float {
        try assertNormalizedRowsMatch(got, want, label)
    }

    /// (a) The fusion mel: torchaudio's HTK log-mel of the whole clip, shrunk by torchvision's
    /// antialiased Resize, and the three chunks; or four copies of a filled short clip. The
    /// tolerance is in dB: torchaudio builds its filterbank in float32 (palm, as librosa, in
    /// float64), which moves the log-mel by up to ~1e-3 dB (the same difference separates
    /// torchaudio's log-mel from one with librosa's HTK filterbank).
    func testFusionMelMatchesGetAudioFeatures() throws {
        try checkFusionMels(Self.fixture, tolerance: 2e-3)
    }

    private func checkFusionMels(_ dir: String, tolerance: Float) throws {
        let e = try expected(dir)
        XCTAssertEqual(e.clips.map(\.longer), [false, true, true])
        for c in e.clips {
            let f = try fusionMel(dir, c)
            XCTAssertEqual(f.mel.shape, c.mel_shape, c.clip)
            XCTAssertEqual(f.longer, c.longer, c.clip)
            XCTAssertEqual(f.chunkStarts, c.chunk_starts, c.clip)
            let data = try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent(c.clip + ".fusion.f32")))
            let want = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let got = try f.mel.slice(axis: 1, start: 0, end: nil, step: c.mel_step).contiguous()
            XCTAssertEqual(got.shape, c.stored_shape, c.clip)
            var worst: Float = 0, worstShrunk: Float = 0
            let plane = c.stored_shape[1] * c.stored_shape[2]
            for (i, (a, b)) in zip(got.toArray(), want).enumerated() {
                worst = max(worst, abs(a - b))
                if i < plane { worstShrunk = max(worstShrunk, abs(a - b)) }
            }
            print("[golden] \(c.clip) fusion mel (dB) vs get_audio_features: max |diff| = \(worst) (shrunk channel \(worstShrunk))")
            XCTAssertLessThanOrEqual(worst, tolerance, c.clip)
        }
    }

    /// (b) Each clip's embedding, from palm's front-end with the reference's chunk starts; and
    /// (c) a batch mixing a clip that is not longer with two that are, and a batch with none
    /// (the reference's early return).
    func testAudioEmbeddingsMatchLAIONCLAP() throws {
        try checkEmbeddings(Self.fixture, size: "tiny")
    }

    private func checkEmbeddings(_ dir: String, size: String) throws {
        let e = try expected(dir)
        let m = try model(dir, e, size: size)
        XCTAssertEqual(m.preprocessing, .laionCLAPFusion)
        var inputs: [String: FusionMel] = [:]
        for c in e.clips {
            inputs[c.clip] = try fusionMel(dir, c)
            try compare(m.encoders.embedAudio(fusion: [inputs[c.clip]!]), [c.audio], "\(size) fusion \(c.clip) (longer \(c.longer))")
        }
        try compare(m.encoders.embedAudio(fusion: e.batch.map { inputs[$0]! }), e.batch_audio, "\(size) fusion batch \(e.batch)")
        try compare(m.encoders.embedAudio(fusion: [inputs["short"]!, inputs["short"]!]), e.short_pair_audio, "\(size) fusion batch, none longer")
        // The file path end to end: a short clip draws nothing, so it is the reference's exactly.
        let short = try XCTUnwrap(e.clips.first { !$0.longer })
        let row = try m.embedAudio(paths: [audioPath(dir, short)])[0].get()
        try compare(Tensor(row, shape: [1, row.count]), [short.audio], "\(size) fusion short clip from its file")
    }

    /// The fusion layers are seen: without them (the global view only) a longer clip's embedding
    /// moves beyond the tolerance, and the plain front-end is not the fusion one.
    func testFusionChangesLongClips() throws {
        let e = try expected(Self.fixture), m = try model(Self.fixture, e, size: "tiny")
        let medium = try XCTUnwrap(e.clips.first { $0.clip == "medium" })
        let f = try fusionMel(Self.fixture, medium)
        let unfused = try FusionMel(logMel: f.mel.select(axis: 0, index: 0), chunkFrames: f.mel.shape[1], chunkStarts: [])
        let row = try m.encoders.embedAudio(fusion: [unfused]).l2Normalized(axis: -1).toArray()
        let diff = zip(row, medium.audio).map { abs($0 - $1) }.max()!
        print("[golden] medium clip without its local chunks: max |diff| = \(diff)")
        XCTAssertGreaterThan(diff, 1e-3)
        XCTAssertNotEqual(PreprocessingConfig.laionCLAPFusion.fingerprint, PreprocessingConfig.laionCLAP.fingerprint)
    }

    /// The seeded path: each file's chunk starts come from its crop generator, one in each third
    /// of the possible starts, the same on every call.
    func testSeededChunkStarts() throws {
        XCTAssertEqual(FusionMel.startRanges(totalFrames: 1041, chunkFrames: 1001), [0..<14, 14..<28, 28..<41])
        XCTAssertEqual(FusionMel.startRanges(totalFrames: 1002, chunkFrames: 1001), [0..<1, 1..<2, 0..<1])
        XCTAssertEqual(FusionMel.startRanges(totalFrames: 1251, chunkFrames: 1001), [0..<84, 84..<168, 168..<251])
        let e = try expected(Self.fixture)
        let pre = Preprocessor(config: .laionCLAPFusion)
        for c in e.clips {
            let a = try pre.fusionMel(path: audioPath(Self.fixture, c)), b = try pre.fusionMel(path: audioPath(Self.fixture, c))
            XCTAssertEqual(a.chunkStarts, b.chunkStarts)
            XCTAssertEqual(maxAbsDifference(a.mel, b.mel), 0)
            XCTAssertEqual(a.longer, c.longer)
            XCTAssertEqual(try pre.features(path: audioPath(Self.fixture, c)).shape, [4, 1001, 64])
            if c.longer {
                XCTAssertEqual(a.chunkStarts.count, 3)
                let total = try pre.features(clip: pre.clip(path: audioPath(Self.fixture, c))).shape[0]
                for (s, r) in zip(a.chunkStarts, FusionMel.startRanges(totalFrames: total, chunkFrames: 1001)) {
                    XCTAssertTrue(r.contains(s), "\(c.clip): \(s) not in \(r)")
                }
            }
        }
    }

    /// The corners of `FusionMel`: exactly one chunk is four copies and not longer; starts are
    /// checked; the shrink keeps a constant and averages like PyTorch's antialiased bilinear.
    func testFusionMelCorners() throws {
        let x = try Tensor((0..<(5 * 2)).map(Float.init), shape: [5, 2])
        let same = try FusionMel(logMel: x, chunkFrames: 5, chunkStarts: [])
        XCTAssertFalse(same.longer)
        XCTAssertEqual(same.mel.shape, [4, 5, 2])
        XCTAssertEqual(try same.mel.select(axis: 0, index: 3).toArray(), x.toArray())
        XCTAssertThrowsError(try FusionMel(logMel: x, chunkFrames: 5, chunkStarts: [0, 0, 0]))
        XCTAssertThrowsError(try FusionMel(logMel: x, chunkFrames: 3, chunkStarts: [0, 1]))
        XCTAssertThrowsError(try FusionMel(logMel: x, chunkFrames: 3, chunkStarts: [0, 1, 3]))
        XCTAssertThrowsError(try FusionMel(logMel: x, chunkFrames: 6, chunkStarts: []))
        let cut = try FusionMel(logMel: x, chunkFrames: 3, chunkStarts: [0, 1, 2])
        XCTAssertTrue(cut.longer)
        XCTAssertEqual(try cut.mel.select(axis: 0, index: 3).toArray(), [4, 5, 6, 7, 8, 9])
        // 5 -> 3 rows (scale and support 5/3): F.interpolate(torch.arange(10.).reshape(1, 1, 5, 2),
        // size=(3, 2), mode='bilinear', antialias=True) has first column [6/7, 4, 50/7] (row 0:
        // taps 0-2 weighted 0.8, 0.6, 0 before normalising).
        let shrunk = try cut.mel.select(axis: 0, index: 0)
        assertClose(shrunk, try Tensor([6 / 7, 13 / 7, 4, 5, 50 / 7, 57 / 7], shape: [3, 2]), tolerance: 1e-5, "5 -> 3 rows")
        let constant = try Tensor.full([37, 3], -42).resizedRowsAntialiased(to: 11)
        assertClose(constant, Tensor.full([11, 3], -42), tolerance: 1e-4, "a constant stays")
    }

    /// Kinds and keys: fusion is found from the keys, and a spec that disagrees is refused by
    /// the key; the random kind makes the fusion layout; the preset has a name.
    func testKindsAndKeys() throws {
        let e = try expected(Self.fixture)
        let fusionCheckpoint = (Self.fixture as NSString).appendingPathComponent(e.checkpoint)
        let plainCheckpoint = ModelsFixtures.path("laionclap/tiny.pt")
        let tok = LAIONCLAPGoldenTests.vocabularyDir
        let auto = try XCTUnwrap(ModelSpec.load("laion-clap:\(fusionCheckpoint):size=tiny:tokenizer=\(tok)") as? LAIONCLAPModel)
        XCTAssertTrue(auto.encoders.config.fusion)
        XCTAssertEqual(auto.preprocessing, .laionCLAPFusion)
        let plain = try XCTUnwrap(ModelSpec.load("laion-clap:\(plainCheckpoint):size=tiny:tokenizer=\(tok)") as? LAIONCLAPModel)
        XCTAssertFalse(plain.encoders.config.fusion)
        XCTAssertEqual(plain.preprocessing, .laionCLAP)
        XCTAssertThrowsError(try ModelSpec.load("laion-clap:\(fusionCheckpoint):size=tiny:tokenizer=\(tok):fusion=false")) {
            XCTAssertTrue("\($0)".contains("audio_branch.patch_embed.fusion_model.global_att.1.bias"), "\($0)")
        }
        XCTAssertThrowsError(try ModelSpec.load("laion-clap:\(plainCheckpoint):size=tiny:tokenizer=\(tok):fusion=true")) {
            XCTAssertTrue("\($0)".contains("audio_branch.patch_embed.mel_conv2d.weight"), "\($0)")
        }
        XCTAssertThrowsError(try ModelSpec.load("laion-clap:\(fusionCheckpoint):size=tiny:tokenizer=\(tok):amodel=pann-14")) {
            XCTAssertTrue("\($0)".contains("pann-14") && "\($0)".contains("fusion_model"), "\($0)")
        }
        XCTAssertEqual(try ModelSpec("laion-clap:\(fusionCheckpoint):fusion=true").description, "laion-clap:\(fusionCheckpoint):fusion=true")
        XCTAssertEqual(try ModelSpec("laion-clap:\(fusionCheckpoint)").description, "laion-clap:\(fusionCheckpoint)")
        XCTAssertTrue(LAIONCLAPModel.checkpointKind.form.contains("fusion=auto|true|false"), LAIONCLAPModel.checkpointKind.form)
        XCTAssertFalse(LAIONCLAPModel.checkpointKind.summary.contains("non-fusion"))
        // A fusion model refuses nothing of the plain front-end (every clip is then not longer);
        // a plain model refuses fusion input by name.
        let wav = ModelsFixtures.path("laionclap/short.wav")
        XCTAssertEqual(try auto.withPreprocessing(.laionCLAP).embedAudio(paths: [wav])[0].get().count, 16)
        XCTAssertThrowsError(try plain.withPreprocessing(.laionCLAPFusion).embedAudio(paths: [wav])) {
            XCTAssertTrue("\($0)".contains("fusion checkpoint"), "\($0)")
        }
        // The random layout is the fixture's: every parameter it has, and no fusion key more.
        let config = LAIONCLAPConfig.tiny(vocabSize: try RoBERTaTokenizer.bundledSmall().bpe.vocabulary.count).withFusion(true)
        let file = try CheckpointFile.open(fusionCheckpoint)
        let shapes = LAIONCLAPEncoders.parameterShapes(config)
        for (k, s) in shapes { XCTAssertEqual(file.info(k)?.shape, s, k) }
        let fusionKeys = file.keys.filter { $0.contains("fusion_model") || $0.contains("mel_conv2d") }
        XCTAssertEqual(Set(fusionKeys.filter { !$0.hasSuffix("num_batches_tracked") }), Set(shapes.map(\.key).filter { $0.contains("fusion_model") || $0.contains("mel_conv2d") }))
        let random = try ModelSpec.load("laion-clap-random:tiny:3:fusion=true")
        XCTAssertEqual(random.dimension, 16)
        XCTAssertEqual(try random.embedAudio(paths: [wav, ModelsFixtures.path("laionclap/long.wav")]).map { try $0.get().count }, [16, 16])
        XCTAssertNotEqual(random.fingerprint, try ModelSpec.load("laion-clap-random:tiny:3").fingerprint)
        XCTAssertEqual(try ModelSpec("laion-clap-random:tiny:0:fusion=true").description, "laion-clap-random:fusion=true")
        XCTAssertThrowsError(try ModelSpec.load("laion-clap-random:tiny:0:amodel=pann-14:fusion=true"))
        // The preset by name; the earlier presets keep their fingerprints.
        XCTAssertEqual(PreprocessingConfig.preset(named: "laion-clap-fusion"), .laionCLAPFusion)
        XCTAssertTrue(PreprocessingConfig.laionCLAPFusion.canonicalDescription.contains(";crop=fusion;"))
        XCTAssertTrue(PreprocessingConfig.laionCLAPFusion.canonicalDescription.contains("mel.scale=htk;mel.norm=none"))
        XCTAssertFalse(PreprocessingConfig.laionCLAP.canonicalDescription.contains("fusion"))
    }

    /// Full size (HTSAT-tiny fusion, roberta-base's shape, the checkpoint's torchlibrosa
    /// constants and attention masks included), from
    /// `python3 Scripts/fixtures/laionclap_fusion.py --full` (~/.cache/palm/parity/laionclap-fusion).
    func testFullSizeParity() throws {
        guard ProcessInfo.processInfo.environment["PALM_FULL_PARITY"] == "1" else {
            throw XCTSkip("set PALM_FULL_PARITY=1 after python3 Scripts/fixtures/laionclap_fusion.py --full")
        }
        try checkFusionMels(Self.fullDir, tolerance: 2e-3)
        try checkEmbeddings(Self.fullDir, size: "base")
    }
}

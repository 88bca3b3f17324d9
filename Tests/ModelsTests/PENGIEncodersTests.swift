import Foundation
import Support
import Tensor
import TestSupport
import XCTest
import Models

/// The whole encoder pair against PyTorch (msclap HTSAT + HF CLIPTextModel + PENGI Projection),
/// loaded strictly from PENGI's key layout.
final class PENGIEncodersTests: XCTestCase {
    func testAudioEmbeddingMatchesPyTorch() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let pengi = try PENGIEncoders(source: weights, config: .tiny)
        assertClose(try pengi.embedAudio(logMel: io.tensor("logmel")), try io.tensor("audio_embedding"), "PENGI audio embedding", maxAbs: 1e-4)
    }

    /// Clips are independent: one pass of two clips equals two passes of one.
    func testAudioEmbeddingDoesNotDependOnClipsPerPass() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let pengi = try PENGIEncoders(source: weights, config: .tiny)
        let together = try pengi.embedAudio(logMel: io.tensor("logmel"))
        pengi.clipsPerPass = 1
        let apart = try pengi.embedAudio(logMel: io.tensor("logmel"))
        assertClose(apart, together, "audio, one clip per pass vs two", minCosine: 0.9999999, maxAbs: 1e-5)
    }

    func testTextEmbeddingMatchesPyTorch() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let pengi = try PENGIEncoders(source: weights, config: .tiny)
        let ids = try io.tensor("text_ids"), t = ids.shape[1], flat = PENGIFixture.ints(ids)
        let rows = (0..<ids.shape[0]).map { Array(flat[($0 * t)..<(($0 + 1) * t)]) }
        assertClose(try pengi.embedText(ids: rows), try io.tensor("text_embedding"), "PENGI text embedding", maxAbs: 1e-4)
    }

    /// CoOp's entry: loss = sum(e * w) so dloss/de = w; the gradient w.r.t. the token
    /// embeddings must match PyTorch's autograd through the whole tower.
    func testTokenLevelEntryValuesAndGradientsMatchPyTorch() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let pengi = try PENGIEncoders(source: weights, config: .tiny)
        let tokens = try io.tensor("token_embeddings").requiringGrad()
        let eos = PENGIFixture.ints(try io.tensor("text_eos"))
        let e = try pengi.textFeatures(tokenEmbeddings: tokens, eosPositions: eos)
        assertClose(e, try io.tensor("token_text_embedding"), "PENGI token-level embedding", maxAbs: 1e-4)
        let loss = try (e * io.tensor("token_loss_weights")).sum()
        XCTAssertEqual(try loss.item(), try io.tensor("token_loss").item(), accuracy: 1e-3)
        try loss.backward()
        let grad = try XCTUnwrap(tokens.grad)
        assertClose(grad, try io.tensor("token_grad"), "PENGI d loss / d token embeddings", maxAbs: 1e-4)
    }

    func testStrictLoadingListsIgnoredAndRecomputedKeys() throws {
        let (weights, _) = try PENGIFixture.tiny()
        let pengi = try PENGIEncoders(source: weights, config: .tiny)
        let ignored = Set(pengi.ignoredKeys)
        XCTAssertTrue(ignored.contains("caption_decoder.gpt.transformer.wte.weight"))
        for key in ["spectrogram_extractor.stft.conv_real.weight", "logmel_extractor.melW", "tscam_conv.weight", "head.weight"] {
            XCTAssertTrue(ignored.contains("audio_encoder.base.htsat." + key), key)
        }
        // bn0's counter is read: it is part of the statistics saved beside learners.
        XCTAssertFalse(ignored.contains("audio_encoder.base.htsat.bn0.num_batches_tracked"))
        XCTAssertEqual(pengi.htsat.bn0.statistics.batchesTracked, Int64(try weights.tensor("audio_encoder.base.htsat.bn0.num_batches_tracked").toArray()[0]))
        XCTAssertEqual(pengi.recomputedKeys.count, 8 + 3 + 1)
        // Exactly the decoder and the HTSAT parts palm does not run are ignored; nothing else.
        let htsat = "audio_encoder.base.htsat."
        let expected = weights.keys.filter { k in
            k.hasPrefix("caption_decoder.") || HTSAT.ignoredPrefixes.contains { k.hasPrefix(htsat + $0) }
        }
        XCTAssertEqual(ignored, Set(expected))
        print("ignored: \(pengi.ignoredKeys.count) keys, recomputed: \(pengi.recomputedKeys.count) buffers")
    }

    /// The fixture is sensitive: a plausible porting mistake (a shifted relative-position
    /// table, q/k projections swapped) moves the outputs outside the golden tolerance
    /// (cosine 0.99999).
    func testGoldenComparisonCatchesPlausibleMistakes() throws {
        let (weights, io) = try PENGIFixture.tiny()
        var all: [String: Tensor] = [:]
        for k in weights.keys { all[k] = try weights.tensor(k) }
        func cosine(_ a: Tensor, _ b: Tensor) -> Double {
            let x = a.toArray(), y = b.toArray()
            var d = 0.0, nx = 0.0, ny = 0.0
            for i in x.indices { d += Double(x[i] * y[i]); nx += Double(x[i] * x[i]); ny += Double(y[i] * y[i]) }
            return d / (nx * ny).squareRoot()
        }
        var shifted = all
        let table = "audio_encoder.base.htsat.layers.1.blocks.1.attn.relative_position_bias_table"
        shifted[table] = try Tensor.concat([all[table]!.slice(axis: 0, start: 1), all[table]!.slice(axis: 0, start: 0, end: 1)], axis: 0)
        let wrong = try PENGIEncoders(source: DictionarySource(shifted), config: .tiny)
        let pooled = try GradMode.withoutGrad { try wrong.htsat(logMel: io.tensor("logmel")) }
        let ca = cosine(pooled, try io.tensor("htsat_pooled"))
        let cp = cosine(try wrong.embedAudio(logMel: io.tensor("logmel")), try io.tensor("audio_embedding"))
        var swapped = all
        let q = "caption_encoder.base.encoder.layers.0.self_attn.q_proj.weight", k = "caption_encoder.base.encoder.layers.0.self_attn.k_proj.weight"
        (swapped[q], swapped[k]) = (all[k], all[q])
        let tokens = try io.tensor("token_embeddings"), eos = PENGIFixture.ints(try io.tensor("text_eos"))
        let text = try PENGIEncoders(source: DictionarySource(swapped), config: .tiny).textFeatures(tokenEmbeddings: tokens, eosPositions: eos)
        let ct = cosine(text, try io.tensor("token_text_embedding"))
        print("cosine with a shifted bias table: HTSAT pooled \(ca), audio embedding \(cp); with q/k swapped: \(ct)")
        XCTAssertLessThan(ca, 0.99999)
        XCTAssertLessThan(cp, 0.99999)
        XCTAssertLessThan(ct, 0.99999)
    }

    func testModulePrefixIsAccepted() throws {
        let (weights, io) = try PENGIFixture.tiny()
        var all: [String: Tensor] = [:]
        for k in weights.keys { all["module." + k] = try weights.tensor(k) }
        let pengi = try PENGIEncoders(source: DictionarySource(all, name: "prefixed"), config: .tiny)
        assertClose(try pengi.embedAudio(logMel: io.tensor("logmel").slice(axis: 0, start: 0, end: 1).contiguous()),
                    try io.tensor("audio_embedding").slice(axis: 0, start: 0, end: 1), "module.-prefixed audio", maxAbs: 1e-4)
    }

    func testMissingWrongShapeAndUnknownKeysAreErrorsNamingTheKey() throws {
        let (weights, _) = try PENGIFixture.tiny()
        var all: [String: Tensor] = [:]
        for k in weights.keys { all[k] = try weights.tensor(k) }
        let victim = "caption_encoder.base.encoder.layers.1.mlp.fc2.weight"

        var missing = all
        missing[victim] = nil
        XCTAssertThrowsError(try PENGIEncoders(source: DictionarySource(missing, name: "ck"), config: .tiny)) { e in
            XCTAssertEqual("\(e)", "ck: missing key '\(victim)'")
        }
        var wrong = all
        wrong[victim] = Tensor.zeros([64, 32])
        XCTAssertThrowsError(try PENGIEncoders(source: DictionarySource(wrong, name: "ck"), config: .tiny)) { e in
            XCTAssertEqual("\(e)", "ck: tensor '\(victim)' has wrong shape: got [64, 32], expected [32, 64]")
        }
        var extra = all
        extra["audio_encoder.base.htsat.layers.0.blocks.0.attn.extra"] = Tensor.zeros([1])
        XCTAssertThrowsError(try PENGIEncoders(source: DictionarySource(extra, name: "ck"), config: .tiny)) { e in
            XCTAssertTrue("\(e)".contains("audio_encoder.base.htsat.layers.0.blocks.0.attn.extra"), "\(e)")
        }
        var badMask = all
        badMask["audio_encoder.base.htsat.layers.0.blocks.1.attn_mask"] = Tensor.zeros([64, 64, 64])
        XCTAssertThrowsError(try PENGIEncoders(source: DictionarySource(badMask, name: "ck"), config: .tiny))
        // The tiny checkpoint is not a base checkpoint.
        XCTAssertThrowsError(try PENGIEncoders(source: weights, config: .pengiBase))
    }

    /// Full-size random weights (`Scripts/fixtures/pengi.py --full`), when PALM_PENGI_FULL_RANDOM is set.
    func testFullSizeRandomCheckpointMatchesPyTorch() throws {
        guard let (weights, io) = try PENGIFixture.fullRandom() else {
            throw XCTSkip("PALM_PENGI_FULL_RANDOM not set: full-size random PENGI comparison skipped (run Scripts/fixtures/pengi.py --full)")
        }
        let pengi = try PENGIEncoders(source: weights, config: .pengiBase)
        print("peak resident memory after loading the base encoders: \(Int(ProcessClock.peakResidentMB())) MB (weights: \(PENGIEncoders.parameterShapes(.pengiBase).reduce(0) { $0 + $1.shape.reduce(1, *) } * 4 / 1_000_000) MB)")
        assertClose(try GradMode.withoutGrad { try pengi.htsat(logMel: io.tensor("logmel")) }, try io.tensor("htsat_pooled"), "base HTSAT pooled", maxAbs: 1e-3)
        assertClose(try pengi.embedAudio(logMel: io.tensor("logmel")), try io.tensor("audio_embedding"), "base audio embedding", maxAbs: 1e-3)
        let ids = try io.tensor("text_ids"), t = ids.shape[1], flat = PENGIFixture.ints(ids)
        let rows = (0..<ids.shape[0]).map { Array(flat[($0 * t)..<(($0 + 1) * t)]) }
        assertClose(try pengi.embedText(ids: rows), try io.tensor("text_embedding"), "base text embedding", maxAbs: 1e-3)
        let tokens = try io.tensor("token_embeddings").requiringGrad()
        let e = try pengi.textFeatures(tokenEmbeddings: tokens, eosPositions: PENGIFixture.ints(try io.tensor("text_eos")))
        try (e * io.tensor("token_loss_weights")).sum().backward()
        assertClose(try XCTUnwrap(tokens.grad), try io.tensor("token_grad"), "base d loss / d token embeddings", maxAbs: 1e-3)
    }
}

extension PENGIEncodersTests {
    /// The same full-size random weights saved by `torch.save({'model': state_dict})` (as
    /// `base.pth` is), read through the `.pth` reader, when PALM_PENGI_FULL_RANDOM is set.
    func testFullSizeRandomPthMatchesPyTorch() throws {
        guard let (weights, io) = try PENGIFixture.fullRandom() else {
            throw XCTSkip("PALM_PENGI_FULL_RANDOM not set: full-size random .pth comparison skipped")
        }
        let pth = String(weights.sourceName.dropLast(".safetensors".count)) + ".pth"
        guard FileManager.default.fileExists(atPath: pth) else { throw XCTSkip("\(pth) missing: run Scripts/fixtures/pengi.py --full") }
        let pengi = try PENGIEncoders(source: CheckpointFile.open(pth), config: .pengiBase)
        print("peak resident memory after loading the base encoders from .pth: \(Int(ProcessClock.peakResidentMB())) MB")
        print("ignored: \(pengi.ignoredKeys.count) keys; recomputed: \(pengi.recomputedKeys.count) buffers")
        assertClose(try pengi.embedAudio(logMel: io.tensor("logmel")), try io.tensor("audio_embedding"), "base audio embedding (.pth)", maxAbs: 1e-3)
        let ids = try io.tensor("text_ids"), t = ids.shape[1], flat = PENGIFixture.ints(ids)
        let rows = (0..<ids.shape[0]).map { Array(flat[($0 * t)..<(($0 + 1) * t)]) }
        assertClose(try pengi.embedText(ids: rows), try io.tensor("text_embedding"), "base text embedding (.pth)", maxAbs: 1e-3)
    }
}

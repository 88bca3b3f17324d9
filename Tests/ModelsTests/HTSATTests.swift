import Foundation
import Tensor
import TestSupport
import XCTest
import Models

/// HTSAT against msclap's `HTSAT_Swin_Transformer` (tiny random config, eval mode, from the
/// log-mel; fixture from `Scripts/fixtures/pengi.py`).
final class HTSATTests: XCTestCase {
    func htsat(_ weights: SafeTensorsFile) throws -> (HTSAT, [String]) {
        var recomputed: [String] = []
        let h = try HTSAT(WeightLoader(weights).scoped("audio_encoder").scoped("base").scoped("htsat"), config: .tiny, recomputed: &recomputed)
        return (h, recomputed)
    }

    func testPooledOutputMatchesMsclap() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let (model, _) = try htsat(weights)
        let pooled = try GradMode.withoutGrad { try model(logMel: io.tensor("logmel")) }
        assertClose(pooled, try io.tensor("htsat_pooled"), "HTSAT pooled (fused path)", maxAbs: 1e-4)
    }

    /// The differentiable (Tensor-op) window attention is the naive reference for the fused
    /// inference kernel: both must agree, and both must match PyTorch.
    func testTapePathMatchesFusedPath() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let (model, _) = try htsat(weights)
        let logMel = try io.tensor("logmel").slice(axis: 0, start: 0, end: 1).contiguous().requiringGrad()
        let taped = try model(logMel: logMel)
        XCTAssertTrue(taped.requiresGrad)
        let fused = try GradMode.withoutGrad { try model(logMel: logMel) }
        assertClose(taped, fused, "HTSAT tape vs fused", minCosine: 0.9999999, maxAbs: 1e-5)
        assertClose(taped, try io.tensor("htsat_pooled").slice(axis: 0, start: 0, end: 1), "HTSAT pooled (tape path)", maxAbs: 1e-4)
    }

    /// Swin's buffers are recomputed; the checkpoint's copies must agree with them (checked at load).
    func testCheckpointBuffersAreRecomputedAndChecked() throws {
        let (weights, _) = try PENGIFixture.tiny()
        let (_, recomputed) = try htsat(weights)
        // 8 blocks with a relative_position_index each; shifted blocks in stages 1-3 carry attn_mask.
        XCTAssertEqual(recomputed.filter { $0.hasSuffix(".relative_position_index") }.count, 8)
        XCTAssertEqual(recomputed.filter { $0.hasSuffix(".attn_mask") }.sorted(), (0..<3).map { "audio_encoder.base.htsat.layers.\($0).blocks.1.attn_mask" })
    }

    func testWindowGeometryIsAPermutationWithSwinsMask() {
        let g = WindowGeometry(resolution: 16, window: 8, shift: 4)
        XCTAssertEqual(g.order.sorted(), Array(0..<256))
        for i in 0..<256 { XCTAssertEqual(g.order[g.inverse[i]], i) }
        // Window 0 token 0 is grid (4, 4) after the roll by -4.
        XCTAssertEqual(g.order[0], 4 * 16 + 4)
        // The last window straddles the wrap-around: its mask has -100 entries; the first has none.
        XCTAssertEqual(g.mask!.shape, [4, 64, 64])
        XCTAssertFalse(try g.mask!.select(axis: 0, index: 0).toArray().contains(-100))
        XCTAssertTrue(try g.mask!.select(axis: 0, index: 3).toArray().contains(-100))
        // Grid no larger than the window: one window, no shift.
        let last = WindowGeometry(resolution: 8, window: 8, shift: 4)
        XCTAssertEqual(last.shift, 0)
        XCTAssertNil(last.mask)
    }

    func testTooManyFramesAreRejected() throws {
        let (weights, _) = try PENGIFixture.tiny()
        let (model, _) = try htsat(weights)
        XCTAssertThrowsError(try model(logMel: Tensor.zeros([1, 1, 1025, 64])))
        XCTAssertThrowsError(try model(logMel: Tensor.zeros([1, 1, 965, 32])))
    }
}

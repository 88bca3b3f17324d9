import Foundation
import XCTest
import Tensor
import Models

/// The real aisfx 0.1.2 checkpoint (a `(state_dict, ds_dict)` tuple with numpy globals), when
/// `PALM_AISFX_CHECKPOINT` points at it (`pip install --no-deps aisfx==0.1.2`, then
/// `site-packages/aisfx/models/checkpoint.pth`). Compared with `aisfx-summary.json`, which
/// `Scripts/fixtures/checkpoints.py` wrote from PyTorch's own load of the same file.
final class AisfxCheckpointTests: XCTestCase {
    func testEmbeddingNetKeysLoadAsPyTorchReadsThem() throws {
        guard let path = ProcessInfo.processInfo.environment["PALM_AISFX_CHECKPOINT"], !path.isEmpty else {
            throw XCTSkip("PALM_AISFX_CHECKPOINT is not set: install aisfx (pip install --no-deps aisfx==0.1.2) and point it at aisfx/models/checkpoint.pth")
        }
        let summaryData = try Data(contentsOf: URL(fileURLWithPath: ModelsFixtures.path("checkpoints/aisfx-summary.json")))
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: summaryData) as? [String: [String: Any]])
        let ck = try PyTorchCheckpoint(path: path)
        let embedding = ck.keys.filter { $0.hasPrefix("embedding_net.") }
        XCTAssertEqual(embedding, summary.keys.sorted())

        let loader = WeightLoader(ck)
        var worst = 0.0
        for key in embedding {
            let entry = try XCTUnwrap(summary[key])
            let shape = try XCTUnwrap(entry["shape"] as? [Int])
            let t = try loader.tensor(key, shape: shape)
            let values = t.toArray()
            let first = try XCTUnwrap(entry["first"] as? [Double]).map(Float.init)
            XCTAssertEqual(Array(values.prefix(first.count)), first, key)
            let sum = values.reduce(0.0) { $0 + Double($1) }, want = try XCTUnwrap(entry["sum"] as? Double)
            let rel = abs(sum - want) / max(1, abs(want))
            worst = max(worst, rel)
            XCTAssertLessThan(rel, 1e-9, "\(key): sum \(sum) vs PyTorch \(want)")
        }
        print("aisfx: \(embedding.count) embedding_net tensors; worst relative sum difference \(worst)")
        // Everything else (the classifier head) is deliberately not part of the embedding.
        let ignored = try loader.finish(ignorablePrefixes: ck.keys.filter { !$0.hasPrefix("embedding_net.") })
        XCTAssertFalse(ignored.contains { $0.hasPrefix("embedding_net.") })
    }
}

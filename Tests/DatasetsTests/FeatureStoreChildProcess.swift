import Foundation
import XCTest
import Datasets

/// The child side of the multi-process feature-store tests. In a normal test run
/// `PALM_FS_CHILD` is unset and this test does nothing; `FeatureStoreProcessTests` runs this
/// binary again with it set:
/// - `PALM_FS_CHILD=gated`: embed `PALM_FS_ROOT`'s items into `PALM_FS_CACHE` (batches and
///   chunks of 4) with a `GatedEmbedder` that blocks on call `PALM_FS_BLOCK_ON_CALL` after
///   creating `PALM_FS_MARKER`, until `PALM_FS_RELEASE` exists (never, if unset).
/// - Then, if it gets that far, write `computed=<n>` and the embeddings to `PALM_FS_OUTPUT`.
final class FeatureStoreChildProcess: XCTestCase {
    func testChildEntryPoint() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["PALM_FS_CHILD"] == "gated" else { return }
        let items = try Dataset.load("folder", root: env["PALM_FS_ROOT"]!).items
        let embedder = GatedEmbedder(blockOnCall: Int(env["PALM_FS_BLOCK_ON_CALL"] ?? "0")!,
                                     marker: env["PALM_FS_MARKER"] ?? "/dev/null", release: env["PALM_FS_RELEASE"])
        let store = FeatureStore(embedder: embedder, cacheRoot: env["PALM_FS_CACHE"]!, batchSize: 4, saveEvery: 4,
                                 showsProgress: false)
        let set = try store.features(for: items, split: "train")
        let text = "computed=\(set.computed)\n" + FeatureStoreFixtures.encode(set.embeddings) + "\n"
        try text.write(toFile: env["PALM_FS_OUTPUT"]!, atomically: true, encoding: .utf8)
    }
}

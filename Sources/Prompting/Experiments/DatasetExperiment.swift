import Datasets
import Models
import Tensor

/// A dataset on disk as experiment data: splits and few-shot samples from `Dataset`, audio
/// features from the feature store (each clip embedded once for every method, seed and fold).
public struct DatasetExperiment: ExperimentData {
    public let dataset: Dataset
    public let store: FeatureStore
    /// Report of files that failed to embed (path: reason), accumulated across calls: stderr
    /// unless replaced.
    public var log: (String) -> Void = FeatureStore.warnOnStandardError

    public init(dataset: Dataset, store: FeatureStore) {
        self.dataset = dataset
        self.store = store
    }

    public var name: String { dataset.name }
    public var classNames: [String] { dataset.classes }
    public var folds: [Int] { Self.folds(of: dataset) }

    /// Fold numbers of `dataset` (`[1, ..., k]`), or `[0]` for a single train/test split.
    public static func folds(of dataset: Dataset) -> [Int] { dataset.folds.map { Array(1...$0) } ?? [0] }

    public func features(fold: Int, shots: Int, seed: UInt64) throws -> (train: FeatureSet, test: FeatureSet) {
        let split = try dataset.split(fold: fold == 0 ? nil : fold)
        let few = shots > 0 ? split.fewShot(k: shots, seed: seed) : split
        return (try featureSet(few.train), try featureSet(few.test))
    }

    /// Every clip in some test part, once, in the dataset's order.
    public func allTestFeatures() throws -> FeatureSet {
        var seen = Set<[UInt8]>()
        let items = dataset.splits.flatMap(\.test).filter { seen.insert(Array($0.path.utf8)).inserted }
        return try featureSet(items)
    }

    public func testFeatures(fold: Int, model: AudioLanguageModel) throws -> FeatureSet {
        let split = try dataset.split(fold: fold == 0 ? nil : fold)
        return try featureSet(split.test, store: store.sibling(embedder: ModelEmbedder(model)))
    }

    /// Features of `items` (failures reported and left out) as a learner's `FeatureSet`.
    public func featureSet(_ items: [DatasetItem], store: FeatureStore? = nil) throws -> FeatureSet {
        let e = try (store ?? self.store).features(for: items, of: dataset)
        for f in e.failures { log("skipped \(f.path): \(f.reason)") }
        return try FeatureSet(features: e.tensor(), labels: e.labels, classNames: dataset.classes, paths: e.items.map(\.path))
    }
}

import Datasets
import Foundation
import Prompting
import ScriptCore
import Tensor

// Datasets in scripts: `dataset(name, root)`, its folds and splits, item lists with few-shot
// sampling, and `features(model, items)` (embedded once and cached in the feature store).

/// A dataset on disk.
public final class DatasetObject: HostObject {
    public let dataset: Dataset
    init(_ dataset: Dataset) { self.dataset = dataset }

    public var typeName: String { "dataset" }
    public var typeSummary: String { "a labelled audio dataset: classes (sorted; label = index), folds and train/test splits" }
    public var description: String { "<dataset \(dataset.description)>" }
    public var fieldDocs: [(name: String, doc: String)] {
        [("name", "dataset name"), ("classes", "class names in label order"), ("folds", "number of folds, or nil for one train/test split"),
         ("items", "every item (an item list)"), ("count", "number of items"), ("layout", "which reader read it"), ("root", "its directory")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(dataset.name)
        case "classes": return .list(dataset.classes.map { .string($0) })
        case "folds": return dataset.folds.map { .int($0) } ?? .nil
        case "items": return .host(ItemsObject(dataset, dataset.items, role: "all"))
        case "count": return .int(dataset.items.count)
        case "layout": return .string(dataset.layout)
        case "root": return .string(dataset.root)
        default: return nil
        }
    }
    public var methods: [Builtin] {
        let dataset = self.dataset
        return [
            Builtin(Doc("dataset.fold", "The train/test split of fold k (1-based); a dataset without folds takes 1.",
                        params: [Param("k", "fold number")], returns: "split")) { args, _ in
                .host(SplitObject(dataset, try dataset.split(fold: try args.int(0))))
            },
            Builtin(Doc("dataset.split", "The single train/test split (fold 1 of a folded dataset).", returns: "split")) { _, _ in
                .host(SplitObject(dataset, try dataset.split(fold: dataset.folds == nil ? nil : 1)))
            },
            Builtin(Doc("dataset.peek", "Reads every file's header (no decoding): items per class, durations, sample rates, channels, unreadable files.",
                        returns: "map")) { _, _ in
                let p = dataset.peek()
                let counts = MapBox(zip(dataset.classes, p.classCounts).map { ($0, .int($1)) })
                let rates = MapBox(p.sampleRates.keys.sorted().map { ("\($0)", .int(p.sampleRates[$0]!)) })
                let channels = MapBox(p.channels.keys.sorted().map { ("\($0)", .int(p.channels[$0]!)) })
                return .map(MapBox([("class_counts", .map(counts)), ("readable", .int(p.readable)),
                                    ("total_duration", .number(p.totalDuration)), ("min_duration", .number(p.minDuration)),
                                    ("max_duration", .number(p.maxDuration)), ("sample_rates", .map(rates)),
                                    ("channels", .map(channels)), ("unreadable", .list(p.unreadable.map { .string($0.description) }))]))
            },
        ]
    }
}

/// One fold's train and test parts.
public final class SplitObject: HostObject {
    let dataset: Dataset
    let split: DatasetSplit
    init(_ dataset: Dataset, _ split: DatasetSplit) {
        self.dataset = dataset
        self.split = split
    }
    public var typeName: String { "split" }
    public var typeSummary: String { "the train and test parts of one fold" }
    public var description: String {
        "<split \(dataset.name)\(split.fold.map { " fold \($0)" } ?? ""): \(split.train.count) train, \(split.test.count) test>"
    }
    public var fieldDocs: [(name: String, doc: String)] {
        [("train", "training items"), ("test", "test items"), ("fold", "fold number, or nil")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "train": return .host(ItemsObject(dataset, split.train, role: "train"))
        case "test": return .host(ItemsObject(dataset, split.test, role: "test"))
        case "fold": return split.fold.map { .int($0) } ?? .nil
        default: return nil
        }
    }
    public var methods: [Builtin] {
        [Builtin(Doc("split.fewshot", "This split with its training part reduced to k items per class (the test part stays whole).",
                     params: [Param("k", "items per class"), Param("seed", "sampling seed", default: "0")], returns: "split")) { [dataset, split] args, _ in
            .host(SplitObject(dataset, split.fewShot(k: try args.int(0), seed: try seedArgument(args, 1))))
        }]
    }
}

/// A seed argument (a non-negative integer) at parameter `i`.
func seedArgument(_ args: Arguments, _ i: Int) throws -> UInt64 {
    let s = try args.int(i, default: 0)
    guard s >= 0 else { throw ScriptError.runtime("\(args.callee): seed must be >= 0, found \(s)") }
    return UInt64(s)
}

/// A list of labelled clips of one dataset (a split part, a few-shot sample).
public final class ItemsObject: HostObject {
    let dataset: Dataset
    let items: [DatasetItem]
    let role: String
    /// Embedded features per model, so repeated `fit`s on the same items embed once.
    var features: [ObjectIdentifier: FeaturesObject] = [:]

    init(_ dataset: Dataset, _ items: [DatasetItem], role: String) {
        self.dataset = dataset
        self.items = items
        self.role = role
    }
    public var typeName: String { "items" }
    public var typeSummary: String { "labelled clips of a dataset; fit and evaluate embed them with the model (cached)" }
    public var description: String { "<items \(dataset.name) \(role): \(items.count) clips, \(Set(items.map(\.label)).count) classes>" }
    public var fieldDocs: [(name: String, doc: String)] {
        [("count", "number of clips"), ("paths", "file paths"), ("labels", "label of each clip"), ("classnames", "class of each clip"),
         ("classes", "the dataset's classes"), ("class_counts", "clips per class")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "count": return .int(items.count)
        case "paths": return .list(items.map { .string($0.path) })
        case "labels": return .list(items.map { .int($0.label) })
        case "classnames": return .list(items.map { .string($0.classname) })
        case "classes": return .list(dataset.classes.map { .string($0) })
        case "class_counts":
            let counts = items.labelCounts(classCount: dataset.classes.count)
            return .map(MapBox(zip(dataset.classes, counts).filter { $0.1 > 0 }.map { ($0.0, .int($0.1)) }))
        default: return nil
        }
    }
    public var methods: [Builtin] {
        [Builtin(Doc("items.fewshot", "k items per class, sampled with `seed` (the reference's sampler).",
                     params: [Param("k", "items per class"), Param("seed", "sampling seed", default: "0")], returns: "items")) { [self] args, _ in
            let k = try args.int(0)
            guard k > 0 else { throw ScriptError.runtime("items.fewshot: k must be positive, found \(k)") }
            return .host(ItemsObject(self.dataset, self.items.fewShot(k: k, seed: try seedArgument(args, 1)), role: "\(self.role) \(k)-shot"))
        },
         Builtin(Doc("items.item", "The i-th clip as {path, label, classname}.", params: [Param("i", "index (negative counts from the end)")],
                     returns: "map")) { [items] args, _ in
            var i = try args.int(0)
            if i < 0 { i += items.count }
            guard items.indices.contains(i) else { throw ScriptError.runtime("items.item: index \(i) out of range for \(items.count) clips") }
            return .map(MapBox([("path", .string(items[i].path)), ("label", .int(items[i].label)), ("classname", .string(items[i].classname))]))
        }]
    }
}

/// Frozen audio features with labels: what learners train and evaluate on.
public final class FeaturesObject: HostObject {
    let set: FeatureSet
    let items: [DatasetItem]
    let modelName: String
    init(set: FeatureSet, items: [DatasetItem], modelName: String) {
        self.set = set
        self.items = items
        self.modelName = modelName
    }
    public var typeName: String { "features" }
    public var typeSummary: String { "frozen audio embeddings [n, d] with labels" }
    public var description: String { "<features \(set.count) x \(set.dimension) (\(modelName)), \(set.classNames.count) classes>" }
    public var fieldDocs: [(name: String, doc: String)] {
        [("count", "number of clips"), ("dim", "embedding dimension"), ("labels", "label of each row"),
         ("tensor", "the embeddings [n, d]"), ("classes", "class names"), ("paths", "file of each row")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "count": return .int(set.count)
        case "dim": return .int(set.dimension)
        case "labels": return .list(set.labels.map { .int($0) })
        case "tensor": return .tensor(set.features)
        case "classes": return .list(set.classNames.map { .string($0) })
        case "paths": return .list(items.map { .string($0.path) })
        default: return nil
        }
    }
}

extension Interpreter {
    func installDatasetBindings() {
        builtin("dataset", "Reads a dataset: a name (\"esc50\", \"us8k\", ...) or a layout (\"folder\", \"csv:...\", \"palm:NAME\") and its root directory.",
                [Param("name", "dataset name or layout"), Param("root", "its directory")], returns: "dataset") { args, interp in
            let d = try Dataset.load(try args.string(0), root: interp.resolvePath(try args.string(1)))
            for note in d.notes { interp.output("note: \(note)") }
            return .host(DatasetObject(d))
        }
        builtin("features", "Embeds items with a model's frozen audio encoder (each clip once, cached under $PALM_CACHE).",
                [Param("model", "a model"), Param("items", "an item list (split.train, split.test, ...)")], returns: "features") { args, interp in
            let model = try interp.modelArgument(try args.value(0), "features argument 'model'")
            let v = try args.value(1)
            guard case let .host(h) = v, let items = h as? ItemsObject else { throw ScriptError.type(expected: "items", found: v, context: "features argument 'items'") }
            return .host(try interp.embed(items, with: model))
        }
        builtin("feature_set", "Features from a tensor [n, d] and labels (for synthetic experiments).",
                [Param("tensor", "embeddings [n, d]"), Param("labels", "list of class indices"), Param("classes", "class names")],
                returns: "features") { args, interp in
            let t = try args.value(0).asTensor("feature_set argument 'tensor'")
            let labels = try targetsArgument(try args.value(1), "feature_set argument 'labels'")
            let set = try FeatureSet(features: t, labels: labels, classNames: try interp.classesArgument(try args.value(2), "feature_set argument 'classes'"))
            return .host(FeaturesObject(set: set, items: [], modelName: "tensor"))
        }
    }
}

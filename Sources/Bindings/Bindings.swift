import Datasets
import Foundation
import Models
import Prompting
import Reports
import ScriptCore
import Tensor

// Host bindings: the lower layers (audio, models, datasets, learners, experiments) as script
// built-ins and host objects. Each concern lives in its own `Bindings+<Concern>.swift`; this
// file holds the session state they share and the argument conversions they all use.

/// palm's host bindings for the language: call `register()` once at start-up and every
/// interpreter made afterwards has models, datasets, learners, experiments, reports and plots.
public enum Bindings {
    nonisolated(unsafe) private static var registered = false

    /// Adds the bindings (and the report builtins they build on) to every interpreter made
    /// from now on, through `Interpreter.registrations` (idempotent).
    public static func register() {
        guard !registered else { return }
        registered = true
        ReportBuiltins.register()
        Interpreter.registrations.append { $0.installHostBindings() }
    }
}

/// State the bindings keep per interpreter: the last model made (the one `fit` and `evaluate`
/// use to embed an item list when the learner has no model of its own, as `custom` learners),
/// and one feature store per model so every clip is embedded once per session and cached.
public final class BindingSession {
    /// The model most recently made (`model(...)`, `pengi(...)`, ...).
    public var lastModel: ModelObject?
    /// Cache root for feature stores; nil: `$PALM_CACHE`, else `~/.cache/palm`.
    public var cacheRoot: String?
    private var stores: [ObjectIdentifier: FeatureStore] = [:]

    public init() {}

    /// The feature store of `model` (made on first use).
    func store(for model: ModelObject) -> FeatureStore {
        if let s = stores[ObjectIdentifier(model)] { return s }
        let s = FeatureStore(embedder: ModelEmbedder(model.model), cacheRoot: cacheRoot)
        stores[ObjectIdentifier(model)] = s
        return s
    }
}

extension Interpreter {
    /// The bindings' state for this interpreter.
    public var session: BindingSession { state(BindingSession.self) { BindingSession() } }

    /// Installs every host binding (run for each new interpreter once `Bindings.register()`
    /// was called).
    func installHostBindings() {
        installModelBindings()
        installDatasetBindings()
        installLearnerBindings()
        installExperimentBindings()
        installPerturbationBindings()
        installTensorFileBindings()
        addTopic("learning", Interpreter.learningTopic)
    }

    /// `help("learning")`: the whole path from a model to a report, and the host types. The
    /// learner shortcuts are listed from the registry.
    static var learningTopic: String {
        var shortcuts: [String] = [], line = ""
        for name in LearnerRegistry.kinds.map(\.scriptName) + ["learner(\"name\", ...)"] {
            if line.count + name.count > 36 { shortcuts.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + name
        }
        shortcuts.append(line)
        let learners = shortcuts.enumerated().map { i, l in (i == 0 ? "  l = palm(m, ds.classes)                   " : String(repeating: " ", count: 44)) + l }
        return """
            few-shot prompt learning in palm (help(name) documents each function; help(x) an object):
              m = model("pengi:~/models/pengi/base.pth")  or pengi_random() for random weights; model kinds:
                                                    \(ModelSpec.forms.joined(separator: " "))
              ds = dataset("esc50", "~/data/ESC50")     or dataset("folder", dir)
              s = ds.fold(1)                            s.train, s.test: item lists; ds.split()
              train = s.train.fewshot(16, seed: 0)      k clips per class
              f = features(m, s.test)                   embedded once, cached under $PALM_CACHE
            \(learners.joined(separator: "\n"))
              l = custom(fn(a) { ... }, params: [...])  a new variant: logits from audio features
              r = fit(l, train, epochs: 50, lr: 0.05)   Ctrl-C stops at a batch boundary
              e = evaluate(l, s.test)                   e.accuracy e.macro_f1 e.per_class e.confusion
              res = experiment(m, datasets: [ds], methods: ["palm"], seeds: [0, 1, 2], shots: 16)
              bar(res)  line(x, ys)  heatmap(e)  plot_losses(r)  table(rows, header: [...])
              show(x)                                   tables and plots into a report
            types: model, dataset, split, items, features, learner, training, evaluation, results,
              plot, table. Reports: palm run script.palm --report out.html (or .md); REPL :report.
            """
    }

    /// The model argument: a model object, or nil for the session's last model.
    func modelArgument(_ v: Value?, _ context: String) throws -> ModelObject {
        guard let v else {
            guard let m = session.lastModel else {
                throw ScriptError.runtime("\(context): no model given and none made yet (make one with pengi(path) or pengi_random())")
            }
            return m
        }
        guard case let .host(h) = v, let m = h as? ModelObject else { throw ScriptError.type(expected: "model", found: v, context: context) }
        return m
    }

    /// Class names from a list of strings or a dataset (its classes).
    func classesArgument(_ v: Value, _ context: String) throws -> [String] {
        if case let .host(h) = v {
            if let d = h as? DatasetObject { return d.dataset.classes }
            if let f = h as? FeaturesObject { return f.set.classNames }
            if let i = h as? ItemsObject { return i.dataset.classes }
        }
        let names = try v.asList(context).map { try $0.asString(context) }
        guard !names.isEmpty else { throw ScriptError.runtime("\(context): needs at least one class") }
        return names
    }

    /// A list of strings (a single string counts as a list of one).
    func stringsArgument(_ v: Value, _ context: String) throws -> [String] {
        if case let .string(s) = v { return [s] }
        return try v.asList(context).map { try $0.asString(context) }
    }

    /// Audio file paths from a list of strings or an item list (`~` expanded).
    func pathsArgument(_ v: Value, _ context: String) throws -> [String] {
        if case let .host(h) = v, let items = h as? ItemsObject { return items.items.map(\.path) }
        return try stringsArgument(v, context).map { ($0 as NSString).expandingTildeInPath }
    }

    /// Labelled features from a features object, or an item list embedded with `model` (or the
    /// learner's / session's model) through the feature store.
    func featureSetArgument(_ v: Value, model: ModelObject?, _ context: String) throws -> FeatureSet {
        guard case let .host(h) = v else { throw ScriptError.type(expected: "features or items", found: v, context: context) }
        if let f = h as? FeaturesObject { return f.set }
        if let s = h as? SplitObject {
            throw ScriptError.runtime("\(context): a split has two parts; pass \(s.typeName).train or .test")
        }
        guard let items = h as? ItemsObject else { throw ScriptError.type(expected: "features or items", found: v, context: context) }
        let m = try model ?? modelArgument(nil, context)
        return try embed(items, with: m).set
    }

    /// Embeds `items` with `model` through the session's feature store (cached on disk).
    func embed(_ items: ItemsObject, with model: ModelObject) throws -> FeaturesObject {
        if let cached = items.features[ObjectIdentifier(model)] { return cached }
        let store = session.store(for: model)
        let e = try store.features(for: items.items, of: items.dataset)
        for f in e.failures { FileHandle.standardError.write(Data("skipped \(f.path): \(f.reason)\n".utf8)) }
        let set = try FeatureSet(features: e.tensor(), labels: e.labels, classNames: items.dataset.classes, paths: e.items.map(\.path))
        let out = FeaturesObject(set: set, items: e.items, modelName: model.model.name)
        items.features[ObjectIdentifier(model)] = out
        return out
    }
}

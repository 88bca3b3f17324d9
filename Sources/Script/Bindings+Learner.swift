import Datasets
import Foundation
import Models
import Prompting
import Support
import Tensor

// Learners in scripts: the paper's methods by constructor or by name, `custom` learners whose
// logits are a script closure, `fit` (the one trainer, Ctrl-C stops at a batch boundary) and
// `evaluate`, plus save/load of learned prompts.

/// A prompt learner. A `custom` learner is built on first use, when the training data tells
/// its classes and feature dimension (unless `classes:` and `dim:` were given).
public final class LearnerObject: HostObject {
    var learner: PromptLearner?
    /// The model it was made for (nil for `custom`): `fit` and `evaluate` embed item lists with it.
    let model: ModelObject?
    /// For a `custom` learner not built yet: its name, logits closure and parameters.
    let pending: (name: String, logits: Value, params: [Tensor])?
    unowned let interpreter: Interpreter

    init(_ learner: PromptLearner, model: ModelObject?, interpreter: Interpreter) {
        self.learner = learner
        self.model = model
        self.pending = nil
        self.interpreter = interpreter
    }
    init(custom name: String, logits: Value, params: [Tensor], model: ModelObject?, interpreter: Interpreter) {
        self.learner = nil
        self.model = model
        self.pending = (name, logits, params)
        self.interpreter = interpreter
    }

    public var typeName: String { "learner" }
    public var typeSummary: String { "a few-shot learner: logits for audio features; train with fit(), measure with evaluate()" }
    public var description: String {
        guard let l = learner else { return "<learner \(pending?.name ?? "custom"), not built yet (fit builds it)>" }
        return "<learner \(l.method): \(l.classNames.count) classes, d=\(l.dimension), \(l.parameterCount) parameters>"
    }
    public var fieldDocs: [(name: String, doc: String)] {
        [("method", "method name"), ("classes", "class names"), ("params", "number of trainable scalars"),
         ("tensors", "the trainable tensors by name"), ("dim", "audio feature dimension")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "method": return .string(learner?.method ?? pending?.name ?? "custom")
        case "classes": return .list((learner?.classNames ?? []).map { .string($0) })
        case "params": return .int(learner?.parameterCount ?? pending?.params.reduce(0) { $0 + $1.count } ?? 0)
        case "tensors":
            let pairs = learner?.parameters ?? pending?.params.enumerated().map { ("p\($0.offset)", $0.element) } ?? []
            return .map(MapBox(pairs.map { ($0.0, .tensor($0.1)) }))
        case "dim": return learner.map { .int($0.dimension) } ?? .nil
        default: return nil
        }
    }

    /// The built learner, building a pending `custom` one for `classes` and `dimension`.
    func built(classes: [String], dimension: Int) throws -> PromptLearner {
        if let learner { return learner }
        guard let pending else { throw ScriptError.runtime("learner is empty") }
        let interp = interpreter
        let fnValue = pending.logits
        let l = CustomLearner(method: pending.name, classNames: classes, dimension: dimension,
                              parameters: pending.params.enumerated().map { ("p\($0.offset)", $0.element) }) { audio in
            let out = try interp.call(fnValue, [.tensor(audio)])
            guard case let .tensor(t) = out else { throw ScriptError.type(expected: "tensor", found: out, context: "custom logits result") }
            return t
        }
        learner = l
        return l
    }

    public var methods: [Builtin] {
        [
            Builtin(Doc("learner.save", "Saves the learned parameters to a .safetensors file (readable from PyTorch).",
                        params: [Param("path", "file to write")])) { [self] args, _ in
                guard let l = learner else { throw ScriptError.runtime("learner.save: nothing learned yet (fit it first)") }
                try l.save(to: (try args.string(0) as NSString).expandingTildeInPath)
                return .nil
            },
            Builtin(Doc("learner.load", "Loads parameters saved by save() (same method, names and shapes).",
                        params: [Param("path", "file to read")])) { [self] args, _ in
                guard let l = learner else { throw ScriptError.runtime("learner.load: a custom learner is built by fit first") }
                try l.load(from: (try args.string(0) as NSString).expandingTildeInPath)
                return .nil
            },
            Builtin(Doc("learner.logits", "Class logits [n, c] for audio features (a tensor [n, d] or a features object).",
                        params: [Param("features", "tensor or features")], returns: "tensor")) { [self] args, _ in
                guard let l = learner else { throw ScriptError.runtime("learner.logits: fit the custom learner first") }
                let v = try args.value(0)
                if case let .host(h) = v, let f = h as? FeaturesObject { return .tensor(try l.logits(f.set.features)) }
                return .tensor(try l.logits(try v.asTensor("learner.logits argument 'features'")))
            },
        ]
    }
}

/// What `fit` returns: the loss and accuracy per epoch.
public final class TrainingReportObject: HostObject {
    let report: TrainingReport
    let method: String
    init(_ report: TrainingReport, method: String) {
        self.report = report
        self.method = method
    }
    public var typeName: String { "training" }
    public var typeSummary: String { "a training run: loss and accuracy per epoch (plot_losses draws it)" }
    public var description: String {
        let e = report.epochs
        guard let first = e.first, let last = e.last else { return "<training \(method): no epochs>" }
        return "<training \(method): \(e.count) epochs, loss \(fmt4(first.loss)) -> \(fmt4(last.loss)), train accuracy \(fmt4(last.trainAccuracy))"
            + (report.cancelled ? ", stopped early" : "") + ">"
    }
    public var fieldDocs: [(name: String, doc: String)] {
        [("losses", "mean training loss per epoch"), ("train_accuracy", "training accuracy per epoch"),
         ("eval_accuracy", "evaluation accuracy per epoch (nil where not evaluated)"), ("epochs", "epochs run"),
         ("cancelled", "true when Ctrl-C stopped it"), ("seconds", "wall time"), ("method", "the learner's method")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "losses": return .list(report.epochs.map { .number($0.loss) })
        case "train_accuracy": return .list(report.epochs.map { .number($0.trainAccuracy) })
        case "eval_accuracy": return .list(report.epochs.map { $0.evalAccuracy.map { .number($0) } ?? .nil })
        case "epochs": return .int(report.epochs.count)
        case "cancelled": return .bool(report.cancelled)
        case "seconds": return .number(report.seconds)
        case "method": return .string(method)
        default: return nil
        }
    }
}

/// What `evaluate` returns: accuracy, macro-F1, per-class accuracy and the confusion matrix.
public final class EvaluationObject: HostObject {
    let result: EvaluationResult
    let method: String
    init(_ result: EvaluationResult, method: String) {
        self.result = result
        self.method = method
    }
    public var typeName: String { "evaluation" }
    public var typeSummary: String { "classification metrics of a learner on labelled features (heatmap(e) draws the confusion matrix)" }
    var count: Int { result.confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    public var description: String {
        "<evaluation \(method): accuracy \(fmt4(result.accuracy)), macro-F1 \(fmt4(result.macroF1)) on \(count) clips>"
    }
    public var fieldDocs: [(name: String, doc: String)] {
        [("accuracy", "fraction correct"), ("macro_f1", "unweighted mean F1 over classes"), ("per_class", "accuracy per class (map)"),
         ("confusion", "confusion[true][predicted] counts"), ("classes", "class names"), ("count", "clips evaluated"), ("method", "the learner's method")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "accuracy": return .number(result.accuracy)
        case "macro_f1": return .number(result.macroF1)
        case "per_class": return .map(MapBox(zip(result.classNames, result.perClassAccuracy).map { ($0, .number($1)) }))
        case "confusion": return .list(result.confusion.map { .list($0.map { .int($0) }) })
        case "classes": return .list(result.classNames.map { .string($0) })
        case "count": return .int(count)
        case "method": return .string(method)
        default: return nil
        }
    }
}

/// Four decimals.
func fmt4(_ x: Double) -> String { String(format: "%.4f", x) }

extension Interpreter {
    /// The model and classes parameters shared by the learner constructors.
    private func modelAndClasses(_ args: Arguments, _ name: String) throws -> (ModelObject, [String]) {
        (try modelArgument(try args.value(0), "\(name) argument 'model'"), try classesArgument(try args.value(1), "\(name) argument 'classes'"))
    }

    private func learnerBuiltin(_ name: String, _ summary: String, extra: [Param] = [],
                                _ make: @escaping (AudioLanguageModel, [String], Arguments) throws -> PromptLearner) {
        builtin(name, summary, [Param("model", "the model"), Param("classes", "class names (or a dataset)")] + extra, returns: "learner") { args, interp in
            let (m, classes) = try interp.modelAndClasses(args, name)
            return .host(LearnerObject(try make(m.model, classes, args), model: m, interpreter: interp))
        }
    }

    func installLearnerBindings() {
        let seed = Param("seed", "initialisation seed", default: "0")
        learnerBuiltin("zeroshot", "Zero-shot classification: cosine between audio and the text embedding of each class's prompt(s) (no training).",
                       extra: [Param("templates", "prompt templates with {} for the class (averaged)", default: "[\"This is a recording of {}.\"]")]) { model, classes, args in
            let templates = try args[2].map { try $0.asList("zeroshot argument 'templates'").map { try $0.asString("zeroshot template") } } ?? [PromptTemplate.paper]
            return try ZeroShotLearner(model: model, classNames: classes, templates: templates)
        }
        learnerBuiltin("palm", "PALM: class text features mixed with learned vectors z by a per-class gate lambda, in feature space.", extra: [seed]) { model, classes, args in
            try PALMLearner(model: model, classNames: classes, seed: try seedArgument(args, 2))
        }
        learnerBuiltin("palm_dagger", "PALM-dagger: PALM without text features (learned class vectors only).", extra: [seed]) { model, classes, args in
            try PALMLearner(textFeatures: nil, classNames: classes, dimension: model.dimension, seed: try seedArgument(args, 2))
        }
        let coopParams = [Param("n_ctx", "number of context tokens", default: "16"),
                          Param("position", "class token position: \"end\", \"middle\" or \"front\"", default: "\"end\""),
                          Param("class_specific", "one context per class", default: "false"),
                          Param("init", "initialise the context from these words", default: "nil"), seed,
                          Param("palm", "add PALM's feature-space mixing (palm+coop)", default: "false")]
        for (name, conditional) in [("coop", false), ("cocoop", true)] {
            learnerBuiltin(name, conditional ? "CoCoOp: CoOp with an audio-conditioned meta-net shifting the context per clip."
                                             : "CoOp: learned context tokens in the text encoder's input (gradients through the text tower).",
                           extra: coopParams) { model, classes, args in
                let positionName = try args[3].map { try $0.asString("\(name) argument 'position'") } ?? "end"
                guard let position = ContextPrompts.ClassPosition(rawValue: positionName) else {
                    throw ScriptError.runtime("\(name): unknown position '\(positionName)' (known: end, middle, front)")
                }
                return try CoOpLearner(model: model, classNames: classes, nCtx: try args.int(2, default: 16), position: position,
                                       classSpecific: try args.bool(4, default: false),
                                       initWords: try args[5].map { try $0.asString("\(name) argument 'init'") },
                                       conditional: conditional, palm: try args.bool(7, default: false), seed: try seedArgument(args, 6))
            }
        }
        learnerBuiltin("cocoop_dagger", "CoCoOp-dagger: a meta-net shifts the frozen text features per clip (no text tower on the tape).", extra: [seed]) { model, classes, args in
            try FeatureFeedbackLearner(model: model, classNames: classes, seed: try seedArgument(args, 2))
        }
        learnerBuiltin("linear_probe", "A linear classifier on the audio features.", extra: [seed]) { model, classes, args in
            LinearProbeLearner(classNames: classes, dimension: model.dimension, seed: try seedArgument(args, 2))
        }
        learnerBuiltin("tip_adapter", "Tip-Adapter: zero-shot plus a cache of the training features (train_keys: Tip-Adapter-F).",
                       extra: [Param("train_keys", "fine-tune the cache keys (Tip-Adapter-F)", default: "false")]) { model, classes, args in
            try TipAdapterLearner(model: model, classNames: classes, trainKeys: try args.bool(2, default: false))
        }
        builtin("learner", "A learner by method name (\(Methods.all.joined(separator: ", "))).",
                [Param("method", "method name"), Param("model", "the model"), Param("classes", "class names (or a dataset)"), seed],
                returns: "learner") { args, interp in
            let m = try interp.modelArgument(try args.value(1), "learner argument 'model'")
            let classes = try interp.classesArgument(try args.value(2), "learner argument 'classes'")
            return .host(LearnerObject(try Methods.make(try args.string(0), model: m.model, classNames: classes, seed: try seedArgument(args, 3)),
                                       model: m, interpreter: interp))
        }
        builtin("methods", "The method names learner() and experiment() know.", returns: "list") { _, _ in
            .list(Methods.all.map { .string($0) })
        }
        builtin("custom", "A new learner: `logits` is a script function from audio features [B, d] to logits [B, c]; `params` are its param() tensors.",
                [Param("logits", "fn(a) -> tensor [B, c]"), Param("params", "list of param() tensors", default: "[]"),
                 Param("classes", "class names (default: the training data's)", default: "nil"),
                 Param("dim", "feature dimension (default: the training data's)", default: "nil"),
                 Param("name", "method name in tables", default: "\"custom\""), Param("model", "model for embedding item lists (default: the last made)", default: "nil")],
                returns: "learner") { args, interp in
            let fnValue = try args.value(0)
            guard case .function = fnValue else { throw ScriptError.type(expected: "function", found: fnValue, context: "custom argument 'logits'") }
            let params = try (args[1]?.asList("custom argument 'params'") ?? []).map { try $0.asTensor("custom params element") }
            for p in params where !p.requiresGrad {
                throw ScriptError.runtime("custom: every parameter must be trainable (wrap it in param(...))")
            }
            let name = try args[4].map { try $0.asString("custom argument 'name'") } ?? "custom"
            let model = try args[5].map { try interp.modelArgument($0, "custom argument 'model'") }
            let obj = LearnerObject(custom: name, logits: fnValue, params: params, model: model, interpreter: interp)
            if let c = args[2] {
                let classes = try interp.classesArgument(c, "custom argument 'classes'")
                let dim = try args[3].map { try $0.asInt("custom argument 'dim'") } ?? (model ?? interp.session.lastModel)?.model.dimension
                guard let dim else { throw ScriptError.runtime("custom: give dim: (no model made yet)") }
                _ = try obj.built(classes: classes, dimension: dim)
            }
            return .host(obj)
        }
        builtin("fit", "Trains a learner (SGD, the PALM recipe by default) on features or items; shows progress; Ctrl-C stops at a batch boundary keeping what was learned.",
                [Param("learner", "a learner"), Param("train", "training features or items"),
                 Param("epochs", "passes over the data", default: "50"), Param("lr", "learning rate", default: "0.05"),
                 Param("batch", "batch size", default: "16"), Param("seed", "shuffling seed", default: "0"),
                 Param("eval", "features or items to evaluate on after each epoch", default: "nil"),
                 Param("optimizer", "\"sgd\" or \"adamw\"", default: "\"sgd\""), Param("momentum", "SGD momentum", default: "0.9"),
                 Param("weight_decay", "weight decay", default: "0"), Param("cosine", "cosine learning-rate decay", default: "false")],
                returns: "training") { args, interp in
            let lv = try args.value(0)
            guard case let .host(h) = lv, let lo = h as? LearnerObject else { throw ScriptError.type(expected: "learner", found: lv, context: "fit argument 'learner'") }
            let train = try interp.featureSetArgument(try args.value(1), model: lo.model, "fit argument 'train'")
            let evaluation = try args[6].map { try interp.featureSetArgument($0, model: lo.model, "fit argument 'eval'") }
            let learner = try lo.built(classes: train.classNames, dimension: train.dimension)
            var options = TrainingOptions()
            options.epochs = try args.int(2, default: 50)
            guard options.epochs >= 0 else { throw ScriptError.runtime("fit: epochs must be >= 0") }
            options.learningRate = Float(try args.number(3, default: 0.05))
            options.batchSize = try args.int(4, default: 16)
            guard options.batchSize > 0 else { throw ScriptError.runtime("fit: batch must be positive") }
            options.seed = try seedArgument(args, 5)
            if let name = try args[7].map({ try $0.asString("fit argument 'optimizer'") }) {
                guard let o = TrainingOptions.OptimizerKind(rawValue: name) else { throw ScriptError.runtime("fit: unknown optimizer '\(name)' (known: sgd, adamw)") }
                options.optimizer = o
            }
            options.momentum = Float(try args.number(8, default: 0.9))
            options.weightDecay = Float(try args.number(9, default: 0))
            options.cosine = try args.bool(10, default: false)
            if evaluation != nil { options.evaluateEvery = 1 }
            var trainer = Trainer(options: options)
            trainer.shouldStop = { Interrupt.requested }
            let bar = learner.parameters.isEmpty ? nil : ProgressBar(title: "fit \(learner.method)", total: options.epochs, unit: "epochs")
            trainer.onEpoch = { _ in bar?.advance() }
            let report = try trainer.fit(learner, on: train, evaluation: evaluation)
            if let last = report.epochs.last { bar?.finish(note: ", loss \(fmt4(last.loss))") }
            if report.cancelled {
                Interrupt.clear()
                throw ScriptError(.interrupted, "interrupted: training stopped after \(report.epochs.count) epoch(s); the learner keeps what it learned")
            }
            return .host(TrainingReportObject(report, method: learner.method))
        }
        builtin("evaluate", "Accuracy, macro-F1, per-class accuracy and confusion matrix of a learner on features or items; prints the headline.",
                [Param("learner", "a learner"), Param("data", "features or items"), Param("quiet", "do not print", default: "false")],
                returns: "evaluation") { args, interp in
            let lv = try args.value(0)
            guard case let .host(h) = lv, let lo = h as? LearnerObject else { throw ScriptError.type(expected: "learner", found: lv, context: "evaluate argument 'learner'") }
            let data = try interp.featureSetArgument(try args.value(1), model: lo.model, "evaluate argument 'data'")
            let learner = try lo.built(classes: data.classNames, dimension: data.dimension)
            let result = try Evaluator.evaluate(learner, on: data)
            if try !args.bool(2, default: false) {
                interp.output("\(learner.method): accuracy \(fmt4(result.accuracy)), macro-F1 \(fmt4(result.macroF1)) (\(data.count) clips)")
            }
            return .host(EvaluationObject(result, method: learner.method))
        }
    }
}

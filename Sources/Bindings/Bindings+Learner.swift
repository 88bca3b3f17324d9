import Datasets
import Foundation
import Models
import Prompting
import ScriptCore
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

    /// CoOp-style context vectors (`n_ctx`) live inside a prompt, so there can be fewer of them
    /// than a prompt has tokens; checked here, before the learner allocates `n_ctx` vectors
    /// (`coop(m, classes, n_ctx: 1e9)` would otherwise ask for hundreds of gigabytes). The
    /// longest prompt is what the tokenizer makes of a text longer than any it keeps: padded
    /// tokenizers (CLIP's 77, PENGI's 40) give their fixed length for any text, so an empty
    /// one would do, but BERT's and RoBERTa's pad nothing and cut at their position limit.
    func requireContextFits(_ settings: Settings, in model: ModelObject, _ name: String) throws {
        guard let n = settings.int("n_ctx") else { return }
        let cap = 4096
        let tokens = min(cap, try model.model.tokenize([String(repeating: "x ", count: cap)]).length)
        guard n < tokens - 1 else {
            throw ScriptError.runtime("\(name): n_ctx \(n) does not fit in the model's prompts of \(tokens) tokens (at most \(tokens - 2))")
        }
    }

    func installLearnerBindings() {
        let seed = Param("seed", "initialisation seed", default: "0")
        let modelAndClasses = [Param("model", "the model"), Param("classes", "class names (or a dataset)")]
        // One shortcut per learner kind, under its script name, taking the kind's settings.
        for kind in LearnerRegistry.kinds {
            let name = kind.scriptName
            builtin(name, kind.summary + ".", modelAndClasses + kind.settings.map(\.parameter) + (kind.usesSeed ? [seed] : []),
                    returns: "learner") { args, interp in
                let (m, classes) = try interp.modelAndClasses(args, name)
                let settings = Settings(kind.settings, given: try args.settings(kind.settings, from: 2))
                try interp.requireContextFits(settings, in: m, name)
                let s = kind.usesSeed ? try seedArgument(args, 2 + kind.settings.count) : 0
                let learner = try kind.make(LearnerContext(model: m.model, classNames: classes, settings: settings, seed: s))
                return .host(LearnerObject(learner, model: m, interpreter: interp))
            }
        }
        builtin("learner", "A learner by method spec (a name, optionally with settings: \"coop:n_ctx=4\"): \(LearnerRegistry.names.joined(separator: ", ")).",
                [Param("method", "method name or spec")] + modelAndClasses + [seed], returns: "learner") { args, interp in
            let m = try interp.modelArgument(try args.value(1), "learner argument 'model'")
            let classes = try interp.classesArgument(try args.value(2), "learner argument 'classes'")
            return .host(LearnerObject(try LearnerRegistry.make(try args.string(0), model: m.model, classNames: classes, seed: try seedArgument(args, 3)),
                                       model: m, interpreter: interp))
        }
        builtin("methods", "The method names learner() and experiment() know.", returns: "list") { _, _ in
            .list(LearnerRegistry.names.map { .string($0) })
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
        // fit's parameters: the learner and data, the training settings (as in method specs),
        // then the shuffling seed and an evaluation set.
        let training = TrainingOptions.settings
        builtin("fit", "Trains a learner (SGD, the PALM recipe by default) on features or items; shows progress; Ctrl-C stops at a batch boundary keeping what was learned.",
                [Param("learner", "a learner"), Param("train", "training features or items")] + training.map(\.parameter)
                    + [Param("seed", "shuffling seed", default: "0"), Param("eval", "features or items to evaluate on after each epoch", default: "nil")],
                returns: "training") { args, interp in
            let lv = try args.value(0)
            guard case let .host(h) = lv, let lo = h as? LearnerObject else { throw ScriptError.type(expected: "learner", found: lv, context: "fit argument 'learner'") }
            let train = try interp.featureSetArgument(try args.value(1), model: lo.model, "fit argument 'train'")
            let evaluation = try args[3 + training.count].map { try interp.featureSetArgument($0, model: lo.model, "fit argument 'eval'") }
            let learner = try lo.built(classes: train.classNames, dimension: train.dimension)
            var options = TrainingOptions()
            options.apply(Settings([], given: try args.settings(training, from: 2)))
            options.seed = try seedArgument(args, 2 + training.count)
            if evaluation != nil { options.evaluateEvery = 1 }
            var trainer = Trainer(options: options)
            trainer.shouldStop = { Interrupt.requested }
            let bar = learner.parameters.isEmpty ? nil : ProgressBar(title: "fit \(learner.method)", total: options.epochs, unit: "epochs",
                                                                          inPlace: interp.progress)
            trainer.onEpoch = { _ in bar?.advance() }
            let report: TrainingReport
            do { report = try trainer.fit(learner, on: train, evaluation: evaluation) } catch {
                bar?.finish(note: ", stopped")
                throw error
            }
            // The bar's last line ends the line it was drawn on; the error (rendered as
            // "interrupted: ...") says the rest once.
            bar?.finish(note: report.cancelled ? ", stopped" : report.epochs.last.map { ", loss \(fmt4($0.loss))" } ?? "")
            if report.cancelled {
                Interrupt.clear()
                throw ScriptError(.interrupted, "training stopped after \(report.epochs.count) epoch(s); the learner keeps what it learned")
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

import Audio

/// What an experiment grid is made of, without the model or the data behind it: dataset names
/// and folds, methods, seeds, shots and the protocol. It lists the grid's cells, so a
/// submitter can plan a cluster run (and a merge job can order the tables) without loading
/// the model.
public struct GridLayout: Sendable {
    /// Each dataset's name and folds (`[0]` for a single train/test split).
    public var datasets: [(name: String, folds: [Int])]
    public var methods: [String]
    public var seeds: [UInt64]
    public var shots: Int
    public var experimentProtocol: ExperimentProtocol
    /// True when the learners are loaded, not trained (recorded in the protocol name).
    public var loadsLearners: Bool
    /// A generalization study every cell runs (nil: train and test on all classes).
    public var generalization: Generalization?
    /// Perturbations of the test audio every cell is also evaluated under (one record each).
    public var perturbations: [Perturbation] = []
    /// The model's label when a grid over several models runs this one (in every cell key and
    /// record); nil when there is one model.
    public var model: String?

    public init(datasets: [(name: String, folds: [Int])], methods: [String], seeds: [UInt64], shots: Int,
                experimentProtocol: ExperimentProtocol = .palm, loadsLearners: Bool = false, generalization: Generalization? = nil) {
        self.datasets = datasets; self.methods = methods; self.seeds = seeds; self.shots = shots
        self.experimentProtocol = experimentProtocol; self.loadsLearners = loadsLearners; self.generalization = generalization
    }

    /// What changes a cell's work beyond its dataset, fold, seed and method: the study, or the
    /// perturbations it is evaluated under (so another set of levels is another cell).
    public var variant: String? {
        if let generalization { return generalization.description }
        return perturbations.isEmpty ? nil : "perturb=" + perturbations.map(\.description).joined(separator: ";")
    }

    /// The protocol every record of this grid carries.
    public var protocolName: String { experimentProtocol.description + (loadsLearners ? "+loaded" : "") }

    /// The method specs with the protocol applied (checked: a bad name or setting throws).
    public func specs() throws -> [MethodSpec] { try methods.map { try experimentProtocol.apply(to: MethodSpec($0)) } }

    /// Every cell in the order the local loop runs them: dataset, fold, seed, method. A
    /// seedless method (zero-shot) runs once, for the first seed (the paper reports it for seed
    /// 0). Every method name and setting is checked here, before a long run.
    public func cells() throws -> [GridCell] {
        let specs = try specs()
        let name = protocolName
        try generalization?.check(datasets: datasets.map(\.name))
        if !perturbations.isEmpty {
            guard generalization == nil else {
                throw PromptingError.invalidData("test-audio perturbations and a generalization study run as separate grids")
            }
            guard experimentProtocol.encoderMode == .eval else {
                throw PromptingError.invalidData("test-audio perturbations run with frozen eval-mode encoders (not --encoder-mode reference)")
            }
        }
        var out: [GridCell] = []
        for data in datasets {
            // Cross-dataset trains on its source only; the targets are evaluated in its cells.
            if case let .crossDataset(source, _)? = generalization, data.name != source { continue }
            for fold in data.folds {
                for seed in seeds {
                    for spec in specs where spec.kind.usesSeed || seed == seeds.first {
                        // Training is cheap when no step goes through the text encoder and the
                        // encoders stay frozen: such cells share a cluster task.
                        let cheap = !spec.kind.textTowerOnTape && experimentProtocol.encoderMode == .eval
                        out.append(GridCell(dataset: data.name, fold: fold, seed: seed, method: spec.description, shots: shots,
                                            protocolName: name, isCheap: cheap, variant: variant, model: model))
                    }
                }
            }
        }
        return out
    }
}

extension GridLayout {
    /// This layout with `perturbations` (the test-audio conditions of every cell) and the
    /// model's label (`model`, when a grid runs several models).
    public func with(perturbations: [Perturbation], model: String? = nil) -> GridLayout {
        var copy = self
        copy.perturbations = perturbations
        copy.model = model
        return copy
    }
}

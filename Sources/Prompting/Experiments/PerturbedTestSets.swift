import Audio
import Models

/// The test features of a grid's datasets under each perturbation, encoded once per dataset,
/// fold and perturbation in a run (and cached on disk by the feature store under the perturbed
/// front-end's fingerprint), however many methods and seeds evaluate on them.
struct PerturbedTestSets {
    let model: AudioLanguageModel
    private var models: [String: AudioLanguageModel] = [:]
    private var sets: [String: FeatureSet] = [:]

    init(model: AudioLanguageModel) { self.model = model }

    /// `data`'s test part of `fold`, read through the model's front-end with `perturbation`.
    mutating func features(_ data: ExperimentData, fold: Int, perturbation: Perturbation) throws -> FeatureSet {
        let key = "\(data.name)|\(fold)|\(perturbation)"
        if let set = sets[key] { return set }
        let perturbed: AudioLanguageModel
        if let m = models[perturbation.description] {
            perturbed = m
        } else {
            var config = model.preprocessing
            config.perturbation = perturbation
            if let problem = config.problem { throw PromptingError.invalidData("\(perturbation): \(problem)") }
            perturbed = try model.withPreprocessing(config)
            models[perturbation.description] = perturbed
        }
        let set = try data.testFeatures(fold: fold, model: perturbed)
        sets[key] = set
        return set
    }
}

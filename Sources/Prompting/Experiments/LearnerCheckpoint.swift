import Foundation
import Models
import Tensor

/// Trained learners in the PALM reference's own checkpoint format, both ways, so learners
/// travel between palm and the reference (`utils/utils.py` `save_model` / `load_model`):
///
///     DIR/<method>/<EXP>-SEED<s>.pth = torch.save({
///         'prompt_learner': prompt_learner.state_dict(),          # OrderedDict
///         'pengi_bn0_buffer': {'running_mean', 'running_var', 'num_batches_tracked'}})
///
/// `EXP` is the reference's experiment name (`SESA`, `ESC50-FOLD1`), the state names the
/// reference's (`PromptLearner.referenceState`: PALM `ctx`, `lambdas`; CoOp `ctx`, `sos`,
/// `classes_pad`; CoCoOp's `meta_net.*`). The bn0 buffer holds the statistics training left in
/// HTSAT's bn0 (the loaded ones when the encoders ran frozen). Reading also accepts the
/// reference's older files (a bare `state_dict`, no buffer) and, for models other than PENGI,
/// palm's `palm_normalization_buffers` (one buffer per BatchNorm, by name).
public enum LearnerCheckpoint {
    /// The reference's experiment name: the dataset's, with `-FOLD<k>` for folded datasets.
    public static func experimentName(dataset: String, fold: Int) -> String {
        fold == 0 ? dataset : "\(dataset)-FOLD\(fold)"
    }

    /// `directory/<method>/<experiment>-SEED<seed>.pth`.
    public static func path(directory: String, method: String, experiment: String, seed: UInt64) -> String {
        (directory as NSString).appendingPathComponent("\(method)/\(experiment)-SEED\(seed).pth")
    }

    /// The PENGI buffer's key in `pengi_bn0_buffer` form.
    static let bn0Key = HTSAT.bn0Key

    /// Writes `learner`'s reference state and `statistics` (by layer) to `path`, atomically.
    public static func write(_ learner: PromptLearner, statistics: [String: BatchNormStatistics], to path: String) throws {
        var top: [(String, CheckpointValue)] = [("prompt_learner", .orderedDict(learner.referenceState.map { ($0.name, .tensor($0.tensor)) }))]
        if let bn0 = statistics[bn0Key] {
            top.append(("pengi_bn0_buffer", buffer(bn0)))
        } else if !statistics.isEmpty {
            top.append(("palm_normalization_buffers", .dict(statistics.keys.sorted().map { ($0, buffer(statistics[$0]!)) })))
        }
        try PyTorchCheckpointWriter.write(.dict(top), to: path, createDirectory: true)
    }

    private static func buffer(_ s: BatchNormStatistics) -> CheckpointValue {
        .dict([("running_mean", .tensor(try! Tensor(s.mean, shape: [s.mean.count]))),
               ("running_var", .tensor(try! Tensor(s.variance, shape: [s.variance.count]))),
               ("num_batches_tracked", .int64Tensor(shape: [], values: [s.batchesTracked]))])
    }

    /// What a checkpoint holds: the learner's state by name and the normalisation statistics
    /// saved beside it (empty when the file has none).
    public struct Contents {
        public var state: [String: Tensor]
        public var statistics: [String: BatchNormStatistics]
    }

    /// Reads a checkpoint written by palm or by the reference (new or old format); errors name
    /// the file and what was expected.
    public static func read(_ path: String) throws -> Contents {
        let value = try PyTorchCheckpoint.readValue(path: path)
        func bad(_ reason: String) -> PromptingError { .invalidData("\(path): \(reason)") }
        let stateValue: CheckpointValue
        var statistics: [String: BatchNormStatistics] = [:]
        if let learner = value["prompt_learner"] {
            stateValue = learner
            if let bn0 = value["pengi_bn0_buffer"] { statistics[bn0Key] = try readBuffer(bn0, "pengi_bn0_buffer", bad) }
            if case let .dict(buffers)? = value["palm_normalization_buffers"] {
                for (name, b) in buffers { statistics[name] = try readBuffer(b, "palm_normalization_buffers.\(name)", bad) }
            }
        } else {
            stateValue = value  // the reference's files before December 2024: a bare state_dict
        }
        guard case let .dict(pairs) = stateValue.normalizedDict else {
            throw bad("expected {'prompt_learner': state_dict, 'pengi_bn0_buffer': {...}} or a bare state_dict, found a \(stateValue.kind)")
        }
        var state: [String: Tensor] = [:]
        for (name, v) in pairs {
            guard case let .tensor(t) = v else { throw bad("'prompt_learner.\(name)' is a \(v.kind), expected a float tensor") }
            state[name] = t
        }
        return Contents(state: state, statistics: statistics)
    }

    private static func readBuffer(_ v: CheckpointValue, _ name: String, _ bad: (String) -> PromptingError) throws -> BatchNormStatistics {
        guard case let .tensor(mean)? = v["running_mean"], case let .tensor(variance)? = v["running_var"], mean.shape == variance.shape else {
            throw bad("'\(name)' needs float tensors running_mean and running_var of one shape")
        }
        var tracked: Int64 = 0
        switch v["num_batches_tracked"] {
        case let .int64Tensor(_, values)?: tracked = values.first ?? 0
        case let .tensor(t)?: tracked = Int64(t.toArray().first ?? 0)
        case .none?, nil: break
        default: throw bad("'\(name).num_batches_tracked' is not a number")
        }
        return BatchNormStatistics(mean: mean.toArray(), variance: variance.toArray(), batchesTracked: tracked)
    }
}

private extension CheckpointValue {
    /// A dict or OrderedDict as `.dict` (the state dict may be either).
    var normalizedDict: CheckpointValue {
        if case let .orderedDict(p) = self { return .dict(p) }
        return self
    }
}

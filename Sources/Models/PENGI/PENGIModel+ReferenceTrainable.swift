import Audio
import Tensor

// PENGI in the PALM reference's train mode (see `ReferenceTrainable`): HTSAT's bn0 statistics
// move with every training batch, SpecAugment and drop-path augment, both projection heads
// drop out (p = 0.5). The CLIP text tower has no dropout of its own.

extension PENGIModel: ReferenceTrainable {
    /// bn0's running statistics as loaded (`HTSAT.bn0Key`).
    public var normalizationStatistics: [String: BatchNormStatistics] { [HTSAT.bn0Key: encoders.htsat.bn0.statistics] }

    public func embedAudio(paths: [String], statistics: [String: BatchNormStatistics]) throws -> [Result<[Float], Error>] {
        try embedAudio(paths: paths, statistics: statistics[HTSAT.bn0Key])
    }

    public func embedAudioTraining(paths: [String], state: TrainModeState) throws -> Tensor {
        let mels = try Preprocessor(config: preprocessing).featuresAll(paths, threads: frontEnd.threads).enumerated().map { i, r in
            try r.mapError { TrainingInputError(path: paths[i], reason: "\($0)") }.get()
        }
        return try encoders.embedAudioTraining(logMel: Tensor.stack(mels).unsqueeze(1), state: state)
    }

    public func embedTextTraining(_ texts: [String], state: TrainModeState) throws -> Tensor {
        let t = try tokenize(texts)
        return try GradMode.withoutGrad {
            try encoders.textFeatures(tokenEmbeddings: encoders.tokenEmbeddings(ids: t.ids), eosPositions: t.eosPositions, training: state)
        }
    }

    public func textFeaturesTraining(tokenEmbeddings: Tensor, tokens: TokenBatch, state: TrainModeState) throws -> Tensor {
        try encoders.textFeatures(tokenEmbeddings: tokenEmbeddings, eosPositions: tokens.eosPositions, training: state)
    }

    public func textFeaturesTraining(sharedPrefix: Tensor, suffix: Tensor, tokens: TokenBatch, state: TrainModeState) throws -> Tensor {
        try encoders.textFeatures(sharedPrefix: sharedPrefix, suffix: suffix, eosPositions: tokens.eosPositions, training: state)
    }
}

/// A training clip that could not be encoded (train mode needs every clip of a batch).
public struct TrainingInputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot encode training clip \(path): \(reason)" }
}

import Foundation
import Tensor

/// One cell of an experiment grid: a dataset, a fold, a seed and a method (with its settings),
/// at a shot count and under a protocol. Its `key` names its result everywhere: the cell file,
/// `results.json`, resuming, and the tasks of a cluster run.
public struct GridCell: Codable, Sendable, Hashable {
    public var dataset: String
    public var fold: Int
    public var seed: UInt64
    /// The method spec as written canonically (`coop:n_ctx=4`).
    public var method: String
    public var shots: Int
    public var protocolName: String
    /// True when training costs next to nothing (no pass through the text encoder per step, and
    /// encoders frozen): such cells are batched together when the grid is split into jobs.
    public var isCheap: Bool
    /// A study that changes what the cell trains on (`base-to-novel:half`); nil for none.
    public var variant: String?
    /// The model, when the grid runs several; nil when it runs one.
    public var model: String?

    public init(dataset: String, fold: Int, seed: UInt64, method: String, shots: Int, protocolName: String, isCheap: Bool,
                variant: String? = nil, model: String? = nil) {
        self.dataset = dataset; self.fold = fold; self.seed = seed; self.method = method; self.shots = shots
        self.protocolName = protocolName; self.isCheap = isCheap; self.variant = variant; self.model = model
    }

    /// The identity of the cell's result (its record's `key` when it has one plain record).
    public var key: String {
        cellKey(dataset: dataset, method: method, seed: seed, fold: fold, shots: shots, protocolName: protocolName)
            + (model.map { "|model=" + $0 } ?? "") + (variant.map { "|" + $0 } ?? "")
    }

    /// "ESC50 fold 1 seed 0 palm", for progress lines and error messages.
    public var label: String { "\(dataset)\(fold == 0 ? "" : " fold \(fold)")\(model.map { " (\($0))" } ?? "") seed \(seed) \(method)" }

    /// A file name for the cell, safe on every filesystem: readable parts, then a hash of the
    /// key, since two specs may differ only in characters the readable part replaces.
    public var fileName: String {
        let parts = [dataset, method, "fold\(fold)", "seed\(seed)", "shots\(shots)"] + (protocolName == ExperimentProtocol.palm.description ? [] : [protocolName])
            + (model.map { [$0] } ?? []) + (variant.map { [$0] } ?? [])
        let readable = parts.map { String($0.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.+".contains($0)) ? $0 : "_" }) }
        let hash = FNV1a64.hash(key)  // stable across runs and machines, unlike Hasher
        // Cut to stay far below the 255-byte name limit (with the temporary file's prefix and
        // suffix); the hash keeps cut names apart.
        return String(readable.joined(separator: "__").prefix(150)) + "__" + String(hash, radix: 16) + ".json"
    }
}

import Tensor

/// Strict, scoped access to a checkpoint's tensors (candle's `VarBuilder.pp`, mlx-swift's
/// `@ModuleInfo(key:)`): layers ask for their parameters by their own names under a prefix, so
/// Swift code reads like the checkpoint's key layout. Every key handed out is recorded;
/// `finish` then reports keys nobody asked for.
public struct WeightLoader {
    /// Keys used so far, shared by all scopes of one load.
    final class Usage { var used = Set<String>() }

    public let source: TensorSource
    public let prefix: String
    let usage: Usage

    /// A loader over the whole of `source`, optionally under `prefix` (e.g. `"module."`).
    public init(_ source: TensorSource, prefix: String = "") {
        self.source = source
        self.prefix = prefix
        usage = Usage()
    }

    private init(source: TensorSource, prefix: String, usage: Usage) {
        self.source = source; self.prefix = prefix; self.usage = usage
    }

    /// The loader for a sub-module: `loader.scoped("layers").scoped(0)` reads `layers.0.*`.
    public func scoped(_ name: String) -> WeightLoader {
        WeightLoader(source: source, prefix: prefix + name + ".", usage: usage)
    }
    /// Scope by index (`layers.3`).
    public func scoped(_ index: Int) -> WeightLoader { scoped(String(index)) }

    /// The full key of `name` under this scope.
    public func key(_ name: String) -> String { prefix + name }

    /// Whether `name` exists under this scope.
    public func contains(_ name: String) -> Bool { source.info(key(name)) != nil }

    /// Reads `name`, checking its shape; the error names the key, expected and found shapes.
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        let k = key(name)
        guard let info = source.info(k) else { throw CheckpointError.missingKey(key: k, source: source.sourceName) }
        guard info.shape == shape else {
            throw CheckpointError.wrongShape(key: k, expected: shape, found: info.shape, source: source.sourceName)
        }
        usage.used.insert(k)
        return try source.tensor(k)
    }

    /// Checks that every key was used except those matching `ignorable` prefixes; returns the
    /// ignored keys (for listing) or throws `unusedKeys` naming the rest.
    @discardableResult
    public func finish(ignorablePrefixes: [String] = [], ignorableSuffixes: [String] = []) throws -> [String] {
        var ignored: [String] = [], unused: [String] = []
        for k in source.keys where !usage.used.contains(k) {
            let rel = k.hasPrefix(prefix) ? String(k.dropFirst(prefix.count)) : k
            if ignorablePrefixes.contains(where: { rel.hasPrefix($0) || k.hasPrefix($0) }) || ignorableSuffixes.contains(where: { k.hasSuffix($0) }) {
                ignored.append(k)
            } else {
                unused.append(k)
            }
        }
        if !unused.isEmpty { throw CheckpointError.unusedKeys(keys: unused, source: source.sourceName) }
        return ignored
    }
}

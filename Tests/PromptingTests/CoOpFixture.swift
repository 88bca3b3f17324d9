import Foundation
import Models
import Tensor
import TestSupport

/// The text tower of `Scripts/fixtures/coop.py`: PENGI layout, the real CLIP vocabulary size,
/// width 32, 2 layers, d = 24. Text weights are regenerated from the hash seeds listed in the
/// fixture's metadata; the audio half is seeded random (real architecture, meaningless weights).
enum CoOpFixture {
    static let config = PENGIConfig.tinyWithCLIPVocabulary

    static func model() throws -> PENGIModel {
        let fx = try Fixtures.safetensors("prompting/coop.safetensors")
        var tensors = PENGIEncoders.randomSource(config: config, seed: 5).tensors
        let specs = try JSONSerialization.jsonObject(with: Data(fx.metadata["keys"]!.utf8)) as! [[Any]]
        for s in specs {
            let t = HashWeights.tensor(s[1] as! [Int], seed: s[2] as! Int, scale: Float(s[3] as! Double))
            tensors[s[0] as! String] = t + Float(s[4] as! Double)
        }
        return try PENGIModel(source: DictionarySource(tensors), config: config)
    }
}

import Tensor
import XCTest
import Models

/// The CLIP text tower against Hugging Face `CLIPTextModel` (tiny random config, fixture from
/// `Scripts/fixtures/pengi.py`).
final class CLIPTextTests: XCTestCase {
    func tower(_ weights: SafeTensorsFile) throws -> CLIPTextTransformer {
        var recomputed: [String] = []
        let t = try CLIPTextTransformer(WeightLoader(weights).scoped("caption_encoder").scoped("base"), config: .tiny, recomputed: &recomputed)
        XCTAssertEqual(recomputed, ["caption_encoder.base.embeddings.position_ids"])
        return t
    }

    func testPooledStateFromIdsMatchesHuggingFace() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let ids = try io.tensor("text_ids")
        let pooled = try tower(weights).pooled(ids: PENGIFixture.ints(ids), shape: ids.shape)
        assertClose(pooled, try io.tensor("text_pooled"), "CLIP pooled (ids)", maxAbs: 1e-4)
    }

    func testEOSIsTheFirstLargestId() throws {
        let (_, io) = try PENGIFixture.tiny()
        let ids = try io.tensor("text_ids"), t = ids.shape[1]
        let flat = PENGIFixture.ints(ids)
        let eos = (0..<ids.shape[0]).map { CLIPTextTransformer.firstArgmax(flat[($0 * t)..<(($0 + 1) * t)]) }
        XCTAssertEqual(eos, PENGIFixture.ints(try io.tensor("text_eos")))
    }

    /// Trailing positions after the longest EOS cannot change any EOS state (causal mask), so
    /// appending junk tokens must leave the pooled output unchanged.
    func testPositionsAfterTheLastEOSDoNotMatter() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let clip = try tower(weights)
        let emb = try io.tensor("token_embeddings")
        let eos = PENGIFixture.ints(try io.tensor("text_eos"))
        let short = try clip.pooled(tokenEmbeddings: emb.slice(axis: 1, start: 0, end: eos.max()! + 1), eosPositions: eos)
        var g = SeededGenerator(seed: 3)
        let junk = Tensor.normal([emb.shape[0], 4, emb.shape[2]], generator: &g)
        let long = try clip.pooled(tokenEmbeddings: Tensor.concat([emb, junk], axis: 1), eosPositions: eos)
        XCTAssertEqual(short.toArray(), long.toArray())
    }

    /// The last layer runs only at the EOS rows; it must equal the full layer gathered there.
    func testLayerAtEOSRowsEqualsFullLayerGathered() throws {
        let (weights, io) = try PENGIFixture.tiny()
        let clip = try tower(weights)
        let eos = PENGIFixture.ints(try io.tensor("text_eos"))
        let x = try io.tensor("token_embeddings")
        let b = x.shape[0], t = x.shape[1]
        let mask = try Tensor.causalMask(t) + Tensor.paddingMask(lengths: eos.map { $0 + 1 }, maxLength: t)
        let full = try clip.layers[1](x, mask: mask).reshape([b * t, 32]).indexSelect(axis: 0, indices: eos.enumerated().map { $0.offset * t + $0.element })
        assertClose(try clip.layers[1](x, onlyAt: eos), full, "CLIP layer at EOS rows vs full", minCosine: 0.9999999, maxAbs: 1e-5)
    }

    func testOverlongSequenceIsRejected() throws {
        let (weights, _) = try PENGIFixture.tiny()
        let x = Tensor.zeros([1, 20, 32])
        XCTAssertThrowsError(try tower(weights).pooled(tokenEmbeddings: x, eosPositions: [17]))
    }
}

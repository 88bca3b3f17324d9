import Tensor
import TestSupport
import XCTest

/// Results that must not depend on the number of cores (`sgemm`): a product's rows come out the
/// same whether the product runs whole or as one of its row blocks. Bit for bit, under the
/// pinned kernels (the ones `palm` runs; this process pins them too).
final class SplitInvarianceTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(BLASKernels.cpuRunsHaswellKernels(), "this CPU cannot run the pinned Haswell kernels (no AVX2/FMA)")
        BLASKernels.pinAtStartup()
        try XCTSkipUnless(BLASThreads.coreCountInvariant, "PALM_BLAS_CORETYPE=native: splits may follow the core count")
    }

    /// A product large enough to be split across cores gives each row the bits it gets when the
    /// row's block is multiplied alone (what another core count would compute).
    func testSplitProductRowsMatchTheirBlocksAlone() throws {
        var g = SeededGenerator(seed: 4)
        for (m, k, n) in [(300, 384, 1536), (97, 1536, 384), (600, 600, 600)] {
            let a = Tensor.normal([m, k], generator: &g), b = Tensor.normal([k, n], generator: &g)
            let whole = try a.matmul(b)
            let tile = BLASThreads.rowTile
            for lo in stride(from: 0, to: m, by: tile * 5) {
                let hi = Swift.min(m, lo + tile * 5)
                XCTAssertEqual(try whole.slice(axis: 0, start: lo, end: hi).toArray(),
                               try a.slice(axis: 0, start: lo, end: hi).contiguous().matmul(b).toArray(),
                               "rows \(lo)..<\(hi) of \(m)x\(k) @ \(k)x\(n)")
            }
        }
    }
}

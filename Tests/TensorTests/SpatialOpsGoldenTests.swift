import Tensor
import TestSupport
import XCTest

/// Spatial ops against PyTorch outputs on hash-generated inputs (`Scripts/fixtures/tensor.py`).
final class SpatialOpsGoldenTests: XCTestCase {
    let fx = try! Fixtures.safetensors("tensor/spatial_ops.safetensors")

    func testBicubicMatchesPyTorchAlignCorners() throws {
        let x = HashWeights.tensor([1, 1, 965, 64], seed: 400, scale: 3)
        assertClose(try x.resizeBicubic(height: 1024, width: 64), try fx.tensor("bicubic_pengi"), tolerance: 2e-5, "bicubic 965x64 -> 1024x64")
        let s = HashWeights.tensor([2, 3, 5, 7], seed: 401, scale: 1)
        assertClose(try s.resizeBicubic(height: 9, width: 4), try fx.tensor("bicubic_small"), tolerance: 1e-5, "bicubic 5x7 -> 9x4")
    }

    func testConvolutionAndPoolingMatchPyTorch() throws {
        let img = HashWeights.tensor([2, 3, 11, 9], seed: 402, scale: 1)
        let w = HashWeights.tensor([4, 3, 3, 3], seed: 403, scale: 0.3), b = HashWeights.tensor([4], seed: 404, scale: 0.1)
        assertClose(try img.conv2d(weight: w, bias: b, padding: (1, 1)), try fx.tensor("conv_pad1"), tolerance: 1e-5, "conv2d padding 1")
        assertClose(try img.conv2d(weight: w, stride: (2, 2)), try fx.tensor("conv_stride2"), tolerance: 1e-5, "conv2d stride 2")
        assertClose(try img.maxPool2d(kernel: (2, 2)), try fx.tensor("maxpool"), tolerance: 0, "max_pool2d 2")
        assertClose(try img.avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)), try fx.tensor("avgpool"), tolerance: 1e-6, "avg_pool2d 3/2/1")
    }
}

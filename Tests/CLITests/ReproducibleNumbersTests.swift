import Foundation
import Tensor
import TestSupport
import XCTest

/// The same seed gives the same numbers on every x86-64 CPU and core count (`BLASKernels`,
/// `sgemm`): a short CoOp training (PENGI's tiny random architecture: its HTSAT embeds the clips,
/// the text tower trains on the tape) runs in child processes that play other CPUs
/// (`OPENBLAS_CORETYPE` makes OpenBLAS load another kernel family, as it would on that CPU) and
/// other core counts (`PALM_THREADS`, `OPENBLAS_NUM_THREADS`). Each child embeds its clips into
/// its own feature cache, so features and training are both compared, bit for bit.
final class ReproducibleNumbersTests: XCTestCase {
    struct Run {
        var output: String
        var learner: Data
    }

    func testCoOpGivesTheSameBitsOnEveryKernelFamilyAndCoreCount() throws {
        try XCTSkipUnless(BLASKernels.cpuRunsHaswellKernels(), "this CPU cannot run the pinned Haswell kernels (no AVX2/FMA)")
        let dir = try TemporaryDirectory("palm-reproducible")
        let data = try ToyAudioDataset.write(in: dir)
        let script = dir.file("coop.palm")
        try """
            m = pengi_random(size: "tiny", seed: 1)
            train = features(m, dataset("folder", args[0]).split().train)
            l = coop(m, train, n_ctx: 4)
            r = fit(l, train, epochs: 3, batch: 9)
            print(r.losses)
            l.save(args[1])
            """.write(toFile: script, atomically: true, encoding: .utf8)
        var count = 0
        func run(_ environment: [String: String]) throws -> Run {
            count += 1
            let out = dir.file("learner-\(count).safetensors")
            var env = environment
            env["PALM_CACHE"] = dir.file("cache-\(count)")
            let r = try PalmProcess.run(["run", script, data, out], environment: env, timeout: 120)
            XCTAssertEqual(r.status, 0, "\(environment): \(r)")
            return Run(output: r.stdout, learner: try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        // Families every x86-64 CPU with AVX runs; SkylakeX's AVX-512 kernels where the CPU has them.
        var families = ["Sandybridge", "Prescott"]
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8), info.contains(" avx512f ") { families.append("SkylakeX") }
        let machines: [[String: String]] = families.map { ["OPENBLAS_CORETYPE": $0] }
            + [["PALM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"], ["PALM_THREADS": "3"]]
        let reference = try run(machines[0])
        print("losses: \(reference.output)")
        for machine in machines.dropFirst() {
            let other = try run(machine)
            XCTAssertEqual(other.output, reference.output, "losses with \(machine) differ from \(machines[0])")
            XCTAssertTrue(other.learner == reference.learner, "the learned context with \(machine) differs from \(machines[0])")
        }

        // The control: OpenBLAS's own choice of kernels differs between the first two families,
        // so the comparison above could fail.
        let native = try families.prefix(2).map { try run(["OPENBLAS_CORETYPE": $0, "PALM_BLAS_CORETYPE": "native"]) }
        XCTAssertNotEqual(native[0].learner, native[1].learner, "\(families[0]) and \(families[1]) kernels agree bit for bit: this test shows nothing")
    }
}

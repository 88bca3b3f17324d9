// swift-tools-version: 6.0
// palm: a native Swift workbench for few-shot prompt learning on audio-language models.
// Targets are layers (ARCHITECTURE.md): system libraries -> Support -> Tensor -> Audio ->
// Models, Datasets -> Prompting; ScriptCore -> Reports -> REPL, Bindings; Benchmarks; CLI ->
// palm. A lower layer never imports a higher one.
import PackageDescription

let optimize: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "palm",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "palm", targets: ["palm"]),
        .library(name: "Tensor", targets: ["Tensor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // HMAC-SHA256 of the Jupyter kernel's messages.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries (Debian -dev packages; Scripts/setup installs them).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSndFile", path: "Sources/CSndFile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline", pkgConfig: "readline",
                       providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", pkgConfig: "libzmq",
                       providers: [.apt(["libzmq3-dev"])]),

        // Layers.
        // Process plumbing every layer shares: atomic writes, Ctrl-C, cache paths, CPU clocks.
        .target(name: "Support", dependencies: ["CZlib"], swiftSettings: optimize),
        // Elementwise kernels in C, built for AVX-512, AVX2 and baseline x86-64 and picked by the
        // CPU at load time (Swift compiles for baseline x86-64 only); the same bits on each.
        .target(name: "CKernels", path: "Sources/CKernels"),
        .target(name: "Tensor", dependencies: ["Support", "CBLAS", "CKernels"], swiftSettings: optimize),
        .target(name: "Audio", dependencies: ["Support", "Tensor", "CSndFile", "CFFTW"], swiftSettings: optimize),
        // Resources/ holds data files shipped with their licences (the CLIP BPE vocabulary).
        .target(name: "Models", dependencies: ["Support", "Tensor", "Audio", "CBLAS", "CZlib"], resources: [.copy("Resources")],
                swiftSettings: optimize),
        .target(name: "Datasets", dependencies: ["Support", "Tensor", "Audio", "CSndFile"], swiftSettings: optimize),
        .target(name: "Prompting", dependencies: ["Support", "Tensor", "Audio", "Models", "Datasets"], swiftSettings: optimize),
        // The palm language, split by what changes together: the language itself (Tensor only),
        // notebooks and reports, the interactive REPL, and the host bindings that bring models,
        // datasets and learners into scripts through `Interpreter.registrations`.
        .target(name: "ScriptCore", dependencies: ["Support", "Tensor"], swiftSettings: optimize),
        .target(name: "Reports", dependencies: ["Support", "Tensor", "ScriptCore"], swiftSettings: optimize),
        .target(name: "REPL", dependencies: ["Support", "ScriptCore", "Reports", "CReadline"], swiftSettings: optimize),
        .target(name: "Bindings", dependencies: ["Support", "Tensor", "Audio", "Models", "Datasets", "Prompting", "ScriptCore", "Reports"],
                swiftSettings: optimize),
        // The Jupyter kernel: the messaging protocol over ZeroMQ, signed with HMAC-SHA256,
        // running cells in the REPL's interpreter; and its kernelspec.
        .target(name: "Kernel", dependencies: [
            "Support", "ScriptCore", "Reports", "REPL", "CZMQ",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: optimize),
        // The demo's corpus builder (real labelled sounds from Debian packages); Foundation and
        // Support's atomic writes only, so it sits beside the layers rather than in them.
        .target(name: "DemoData", dependencies: ["Support"], swiftSettings: optimize),

        // Experiment grids on a Slurm cluster: the plan, job scripts, submissions and status.
        .target(name: "Cluster", dependencies: ["Support", "Tensor", "Prompting"], swiftSettings: optimize),

        // `palm bench`: throughput and memory of every layer, beside same-run baselines.
        .target(name: "Benchmarks", dependencies: ["CKernels", "Support", "Tensor", "Audio", "Models", "Datasets", "Prompting", "CBLAS"],
                swiftSettings: optimize),

        // The command line as library code (argument parsing is tested), and its executable.
        .target(name: "CLI", dependencies: [
            "Benchmarks", "Support", "Tensor", "Audio", "Models", "Datasets", "Prompting", "Cluster", "ScriptCore", "Reports", "REPL", "Kernel", "DemoData",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimize),
        .executableTarget(name: "palm", dependencies: ["CLI", "Bindings", "Tensor"], swiftSettings: optimize),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Tensor", "Audio", "Models"], path: "Tests/TestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "CKernels", "TestSupport"]),
        .testTarget(name: "AudioTests", dependencies: ["Audio", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Support", "Models", "Audio", "TestSupport"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "Models", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Bindings", "Prompting", "Models", "Datasets", "Audio", "Tensor", "ScriptCore", "TestSupport"]),
        // The Slurm executor's parts, and a grid through a one-node cluster (Scripts/slurm-local; skips without root).
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "CLI", "Prompting", "Datasets", "Tensor", "TestSupport"]),
        // The Jupyter kernel through the real client (jupyter_client, nbclient in a venv under
        // the palm cache; skips where PyPI cannot be reached), notebooks <-> scripts.
        .testTarget(name: "KernelTests", dependencies: ["Kernel", "Support", "Reports", "REPL", "ScriptCore", "Models", "TestSupport"]),
        .testTarget(name: "DemoDataTests", dependencies: ["DemoData"]),
        // The demo's scripts and `palm demo` end to end (needs the demo's packages; skips without).
        .testTarget(name: "DemoTests", dependencies: ["DemoData", "Audio", "Models", "Datasets", "Prompting", "ScriptCore", "Reports", "Bindings", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensor", "TestSupport"]),
        .testTarget(name: "PromptingTests", dependencies: ["Prompting", "TestSupport"]),
        .testTarget(name: "ScriptTests", dependencies: ["Support", "ScriptCore", "Reports", "REPL", "Bindings", "TestSupport"],
                    exclude: ["scripts"]),
        // Runs the REPL on a pseudo-terminal for ScriptTests' readline tests (not shipped).
        .executableTarget(name: "palm-repl-test", dependencies: ["REPL", "Bindings"], path: "Tests/REPLHost"),
    ],
    swiftLanguageModes: [.v6]
)

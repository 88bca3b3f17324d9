import Foundation
import Support
import XCTest
import Models
import Bindings
import REPL
import Reports
import ScriptCore

/// Binding behaviour the `.palm` transcripts cannot show: Ctrl-C during `fit`, help and
/// completion of host objects.
final class BindingTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    /// Ctrl-C (the interrupt flag) during training stops `fit` at the next batch boundary with
    /// an "interrupted" error; the learner keeps what it learned and the session goes on.
    func testInterruptStopsFitAtABatchBoundaryKeepingTheLearner() throws {
        ScriptFixtures.prepare()
        let interp = Interpreter()
        var calls = 0
        // Plays the user pressing Ctrl-C during the third batch's forward pass.
        interp.define(Builtin(Doc("tick", "test hook")) { _, _ in
            calls += 1
            if calls == 3 { Interrupt.flag = 1 }
            return .nil
        })
        try interp.run("""
            m = pengi_random()
            train = features(m, dataset("folder", env("PALM_TEST_DATA")).split().train)
            w = param(randn(24, 3, seed: 0) * 0.1)
            w0 = w.sum().item()
            fn logits(a) { tick(); a @ w }
            l = custom(logits, params: [w])
            """)
        do {
            try interp.run("r = fit(l, train, epochs: 100, batch: 4)")
            XCTFail("fit was not interrupted")
        } catch let e as ScriptError {
            XCTAssertEqual(e.kind, .interrupted)
            XCTAssertEqual(e.message, "training stopped after 1 epoch(s); the learner keeps what it learned")
            // Said once: the kind renders as "interrupted: " before the message.
            XCTAssertEqual(e.rendered.components(separatedBy: "interrupted").count - 1, 1, e.rendered)
        }
        XCTAssertEqual(calls, 3, "no batch ran after the interrupt")
        XCTAssertFalse(Interrupt.requested, "the interrupt was consumed")
        var out: [String] = []
        interp.output = { out.append($0) }
        try interp.run("""
            print(w.sum().item() != w0, l.params)
            print(evaluate(l, train, quiet: true).count)
            """)
        XCTAssertEqual(out, ["true 72", "12"])
    }

    /// The time budget (`palm run --max-seconds`) stops a `fit` that would run for hours at a
    /// batch boundary, as Ctrl-C does, with the time-limit error rather than "interrupted";
    /// the learner keeps what it learned and the next run starts with a fresh budget.
    func testTimeLimitStopsFitAtABatchBoundary() throws {
        ScriptFixtures.prepare()
        let interp = Interpreter()
        try interp.run("""
            m = pengi_random()
            train = features(m, dataset("folder", env("PALM_TEST_DATA")).split().train)
            l = palm(m, train)
            """)
        interp.timeLimit = 1
        do {
            try interp.run("fit(l, train, epochs: 100000000, batch: 1)")
            XCTFail("fit was not stopped")
        } catch let e as ScriptError {
            XCTAssertEqual(e.kind, .runtime, e.rendered)
            XCTAssertTrue(e.message.hasPrefix("time limit of 1 s exceeded"), e.rendered)
            XCTAssertFalse(e.rendered.contains("interrupted"), e.rendered)
        }
        XCTAssertFalse(Interrupt.requested, "the budget's flag does not outlive its run")
        var out: [String] = []
        interp.output = { out.append($0) }
        try interp.run("print(l.params)")
        XCTAssertEqual(out, ["75"])
    }

    /// `pengi(path)` loads a checkpoint strictly: the tiny random weights written as
    /// .safetensors load back as the same model (same fingerprint, same embeddings), and a
    /// checkpoint of the wrong size is refused.
    func testPengiLoadsACheckpoint() throws {
        ScriptFixtures.prepare()
        let path = ScriptFixtures.root + "/tiny.safetensors"
        let config = PENGIConfig(audio: .tiny, text: CLIPTextConfig(vocabSize: 49408, width: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 77),
                                 embeddingDim: 24)
        try SafeTensorsFile.write(PENGIEncoders.randomSource(config: config, seed: 3).tensors, metadata: [:], to: path)
        let interp = Interpreter()
        var out: [String] = []
        interp.output = { out.append($0) }
        try interp.run("""
            a = pengi("\(path)", size: "tiny")
            b = pengi_random(seed: 3)
            print(a.fingerprint == b.fingerprint, (a.embed_text(["rain"]) - b.embed_text(["rain"])).abs().max().item())
            print(catch(fn() { pengi("\(path)") }) != nil, catch(fn() { pengi("/nonexistent.pth") }) != nil)
            """)
        XCTAssertEqual(out, ["true 0", "true true"])
    }

    func testHelpAndCompletionOfHostObjects() throws {
        ScriptFixtures.prepare()
        let repl = REPL(interpreter: Interpreter(), historyPath: nil, output: { _ in }, errorOutput: { _ in })
        repl.submit("m = pengi_random()")
        repl.submit("ds = dataset(\"folder\", env(\"PALM_TEST_DATA\"))")
        XCTAssertTrue(repl.completions(word: "m.em", before: "").contains("m.embed_audio"))
        XCTAssertTrue(repl.completions(word: "ds.f", before: "").contains("ds.fold"))
        XCTAssertEqual(repl.completions(word: "n_c", before: "coop(m, ds.classes, ").first, "n_ctx:")
        let interp = repl.interpreter
        let modelHelp = interp.helpText(interp["m"])
        XCTAssertTrue(modelHelp.contains(".embed_audio(files)"), modelHelp)
        XCTAssertTrue(modelHelp.contains(".dim: joint embedding dimension d"), modelHelp)
        XCTAssertTrue(interp.helpText(topic: "fit").contains("epochs (default 50): passes over the data"))
        XCTAssertTrue(interp.helpText(topic: "learning").contains("res = experiment(m, datasets: [ds]"))
        for name in ["pengi", "pengi_random", "load_audio", "logmel", "dataset", "features", "zeroshot", "palm", "coop", "cocoop",
                     "palm_dagger", "linear_probe", "tip_adapter", "learner", "custom", "fit", "evaluate", "experiment",
                     "bar", "line", "heatmap", "plot_losses", "table", "show", "load"] {
            XCTAssertFalse(interp.helpText(topic: name).hasPrefix("no help"), name)
        }
    }
}

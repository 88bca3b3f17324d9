import Foundation
import Kernel
import Reports
import ScriptCore
import Support
import TestSupport
import XCTest

/// `palm convert`: palm scripts <-> Jupyter notebooks, and the Stdlib studies' notebooks,
/// which must be what `palm convert` makes of their scripts today (`Scripts/notebooks`
/// regenerates them).
final class NotebookConversionTests: XCTestCase {
    static let stdlib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Stdlib").path
    /// The studies shipped as notebooks: the scripts with `#%%` cells (`prelude.palm` and
    /// `paper.palm` are libraries), as `Scripts/notebooks` picks them.
    static func studies() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: stdlib).filter { $0.hasSuffix(".palm") }.sorted().compactMap { file in
            let text = try String(contentsOfFile: "\(stdlib)/\(file)", encoding: .utf8)
            return text.split(separator: "\n").contains { $0.hasPrefix("#%%") } ? String(file.dropLast(5)) : nil
        }
    }

    static let script = """
        #%% Setup
        #' # A *tiny* study
        #' Two lines of prose.
        m = pengi_random()
        x = 1

        #%% Train
        y = x + 1
        #' ## Not a title: prose after code that starts with a heading
        #'
        #' Prose after code stays after it.
        z = y * 2

        #%%
        #' An untitled cell that starts with prose.
        print(z)

        #%%
        print("untitled, code only")

        """

    func testScriptToNotebookAndBack() throws {
        let notebook = JupyterNotebook(script: Self.script)
        XCTAssertEqual(notebook.cells.map(\.kind), [.markdown, .code, .markdown, .code, .markdown, .code, .markdown, .code, .code])
        XCTAssertEqual(notebook.cells[0].source, "## Setup\n# A *tiny* study\nTwo lines of prose.")
        XCTAssertEqual(notebook.cells[1].source, "m = pengi_random()\nx = 1")
        XCTAssertEqual(notebook.cells[2].source, "## Train")
        XCTAssertEqual(notebook.cells[4].source, "## Not a title: prose after code that starts with a heading\n\nProse after code stays after it.")
        // Where the cells alone would be read wrongly, the metadata says so.
        XCTAssertEqual(notebook.cells[4].startsScriptCell, false)
        XCTAssertEqual(notebook.cells[6].startsScriptCell, true)
        XCTAssertEqual(notebook.cells.filter { $0.startsScriptCell != nil }.count, 2)
        XCTAssertEqual(notebook.script(), Self.script)
        // Through the JSON file and back.
        let reread = try JupyterNotebook(json: notebook.json(), what: "test")
        XCTAssertEqual(reread, notebook)
        XCTAssertEqual(reread.script(), Self.script)
        // The report splits the converted script into the same cells as the original.
        let a = try Notebook(file: SourceFile(name: "a", text: Self.script)), b = try Notebook(file: SourceFile(name: "b", text: reread.script()))
        XCTAssertEqual(a.cells.map(\.title), b.cells.map(\.title))
        XCTAssertEqual(a.cells.map(\.code), b.cells.map(\.code))
    }

    /// The JSON is nbformat 4.5 as Jupyter reads it: kernelspec and language_info, sources as
    /// lists of lines, code cells with empty outputs, ids.
    func testNotebookJSONIsNbformat4() throws {
        let json = try JSONValue.parse(JupyterNotebook(script: Self.script).json(), what: "notebook")
        XCTAssertEqual(json["nbformat"]?.intValue, 4)
        XCTAssertEqual(json["nbformat_minor"]?.intValue, 5)
        XCTAssertEqual(json["metadata"]?["kernelspec"]?["name"]?.stringValue, "palm")
        XCTAssertEqual(json["metadata"]?["language_info"]?["file_extension"]?.stringValue, ".palm")
        let cells = try XCTUnwrap(json["cells"]?.arrayValue)
        XCTAssertEqual(cells[1]["source"], ["m = pengi_random()\n", "x = 1"])
        XCTAssertEqual(cells[1]["outputs"], [])
        XCTAssertEqual(cells[1]["execution_count"], .null)
        XCTAssertEqual(cells[1]["id"]?.stringValue, "cell-2")
        XCTAssertNil(cells[0]["outputs"])
    }

    /// A notebook written elsewhere: string sources, raw cells (skipped), Markdown without a
    /// `## ` heading (continues the cell), code right after code (a new cell).
    func testForeignNotebook() throws {
        let text = ##"{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title one\nintro"}, {"cell_type": "code", "metadata": {}, "source": ["a = 1\n", "b = 2\n"], "outputs": [], "execution_count": 3}, {"cell_type": "raw", "metadata": {}, "source": "ignored"}, {"cell_type": "code", "metadata": {}, "source": "a + b"}]}"##
        let notebook = try JupyterNotebook(json: Data(text.utf8), what: "foreign")
        XCTAssertEqual(notebook.script(), "#' # Title one\n#' intro\na = 1\nb = 2\n\n#%%\na + b\n")
        XCTAssertThrowsError(try JupyterNotebook(json: Data(#"{"nbformat": 3, "worksheets": []}"#.utf8), what: "old.ipynb")) {
            XCTAssertTrue("\($0)".contains("old.ipynb is not an nbformat 4 notebook"), "\($0)")
        }
    }

    /// Every Stdlib study converts to a notebook and back to its own text, and its committed
    /// notebook is that conversion: regenerate with `Scripts/notebooks` after editing a script.
    func testStdlibNotebooksAreTheirScriptsConversions() throws {
        let studies = try Self.studies()
        XCTAssertTrue(studies.contains("table2") && !studies.contains("prelude"), "\(studies)")
        for study in studies {
            let scriptPath = "\(Self.stdlib)/\(study).palm", notebookPath = "\(Self.stdlib)/\(study).ipynb"
            let script = try String(contentsOfFile: scriptPath, encoding: .utf8)
            let notebook = JupyterNotebook(script: script)
            XCTAssertEqual(notebook.script(), script, "\(study).palm does not survive the round trip through a notebook")
            let committed = FileManager.default.contents(atPath: notebookPath)
            XCTAssertNotNil(committed, "\(study).ipynb is missing: run Scripts/notebooks")
            XCTAssertTrue(committed == notebook.json(), "\(study).ipynb differs from the conversion of \(study).palm: run Scripts/notebooks")
        }
    }

    /// `palm run notebook.ipynb` runs the cells and writes the report; `palm convert` writes
    /// both ways.
    func testPalmRunsAndConvertsNotebooks() throws {
        let dir = try TemporaryDirectory("palm-nb")
        let script = "#%% Sum\n#' Adds.\nx = 40 + 2\nprint(\"x is \\(x)\")\n\n#%% Table\ntable([[x]], header: [\"x\"])\n"
        try script.write(toFile: dir.file("s.palm"), atomically: true, encoding: .utf8)
        let convert = try PalmProcess.run(["convert", dir.file("s.palm"), "--to", "ipynb"])
        XCTAssertEqual(convert.status, 0, "\(convert)")
        let run = try PalmProcess.run(["run", dir.file("s.ipynb"), "--report", dir.file("r.html")])
        XCTAssertEqual(run.status, 0, "\(run)")
        XCTAssertTrue(run.stdout.contains("x is 42"), run.description)
        let html = try String(contentsOfFile: dir.file("r.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<h2>Sum</h2>") && html.contains("<table>"), html)
        let back = try PalmProcess.run(["convert", dir.file("s.ipynb"), "--to", "palm", "-o", "-"])
        XCTAssertEqual(back.stdout, script)
        let broken = try PalmProcess.run(["run", dir.file("r.html").replacingOccurrences(of: "r.html", with: "missing.ipynb")])
        XCTAssertTrue(broken.isCleanFailure && broken.stderr.contains("missing.ipynb"), "\(broken)")
        // A FIFO named like a notebook is refused before it is opened (opening it would block).
        XCTAssertEqual(mkfifo(dir.file("pipe.ipynb"), 0o600), 0)
        for args in [["run", dir.file("pipe.ipynb")], ["run", dir.file("pipe.ipynb"), "--output", dir.file("o.ipynb")],
                     ["convert", dir.file("pipe.ipynb"), "--to", "palm", "-o", "-"]] {
            let fifo = try PalmProcess.run(args, timeout: 20)
            XCTAssertTrue(fifo.isCleanFailure && fifo.stderr.contains("pipe.ipynb") && fifo.stderr.contains("notebook"), "\(args): \(fifo)")
        }
    }

    /// `palm run notebook.ipynb --output run.ipynb` runs the code cells one at a time and saves
    /// what each gave as nbformat outputs (as nbclient would): printed text as a stream, the
    /// cell's value as an execute_result with its MIME types, `show(x)` as display_data, a
    /// progress line once in its last state, the error that stops the run, and no outputs for
    /// the cells after it.
    func testRunWritesTheExecutedNotebook() throws {
        let dir = try TemporaryDirectory("palm-nb-out")
        let script = """
            #%% Values
            x = 40 + 2
            print("x is \\(x)")
            print("and again")
            x

            #%% Rich
            show(table([[x]], header: ["x"]))
            line([1, 2, 3], [1, 4, 9], title: "squares")

            #%% Fails
            y = nope + 1

            #%% After
            print("never")

            """
        try script.write(toFile: dir.file("s.palm"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try PalmProcess.run(["convert", dir.file("s.palm"), "--to", "ipynb"]).status, 0)
        let run = try PalmProcess.run(["run", dir.file("s.ipynb"), "--output", dir.file("out/run.ipynb")])
        XCTAssertEqual(run.status, 1, "\(run)")
        XCTAssertTrue(run.stdout.contains("x is 42") && run.stdout.contains("notebook written to"), "\(run)")
        XCTAssertTrue(run.stderr.contains("unknown name 'nope'"), "\(run)")
        let data = try XCTUnwrap(FileManager.default.contents(atPath: dir.file("out/run.ipynb")))
        let code = try XCTUnwrap(try JSONValue.parse(data, what: "run.ipynb")["cells"]?.arrayValue).filter { $0["cell_type"] == "code" }
        XCTAssertEqual(code.count, 4)
        func kinds(_ cell: JSONValue) -> [String] { cell["outputs"]?.arrayValue?.compactMap { $0["output_type"]?.stringValue } ?? [] }
        func output(_ cell: JSONValue, _ i: Int) -> JSONValue? {
            guard let all = cell["outputs"]?.arrayValue, i < all.count else { return nil }
            return all[i]
        }
        XCTAssertEqual(code.map { $0["execution_count"]?.intValue }, [1, 2, 3, nil])
        XCTAssertEqual(kinds(code[0]), ["stream", "execute_result"])
        XCTAssertEqual(output(code[0], 0)?["text"]?.stringValue, "x is 42\nand again\n")
        XCTAssertEqual(output(code[0], 1)?["data"]?["text/plain"]?.stringValue, "42")
        XCTAssertEqual(kinds(code[1]), ["display_data", "execute_result"])
        XCTAssertNotNil(output(code[1], 0)?["data"]?["text/html"])
        XCTAssertNotNil(output(code[1], 1)?["data"]?["image/svg+xml"])
        XCTAssertEqual(kinds(code[2]), ["error"])
        XCTAssertEqual(kinds(code[3]), [])
        // Given both, palm says which one it writes.
        let both = try PalmProcess.run(["run", dir.file("s.ipynb"), "--output", dir.file("o.ipynb"), "--report", dir.file("r.html")])
        XCTAssertTrue(both.status == 64 && both.stderr.contains("give one of them"), "\(both)")  // a usage error
    }

    /// A progress bar's line updated in place is one output, in its final state.
    func testProgressKeepsItsLastLine() {
        let sink = NotebookOutputs(echo: nil)
        sink.start()
        let first: JSONValue = ["data": ["text/plain": "fit 1/3"], "metadata": [:], "transient": ["display_id": "p1"]]
        sink.publish("display_data", first, parent: [:])
        sink.publish("stream", ["name": "stdout", "text": "between\n"], parent: [:])
        for line in ["fit 2/3", "fit 3/3 done"] {
            sink.publish("update_display_data", ["data": ["text/plain": .string(line)], "metadata": [:], "transient": ["display_id": "p1"]], parent: [:])
        }
        let outputs = sink.finish()
        XCTAssertEqual(outputs.count, 2)
        XCTAssertEqual(outputs.first?["data"]?["text/plain"]?.stringValue, "fit 3/3 done")
        XCTAssertEqual(outputs.last?["text"]?.stringValue, "between\n")
    }
}

import Foundation
import Support

/// Why a demo corpus could not be written.
public enum DemoCorpusError: Error, CustomStringConvertible {
    case io(path: String, reason: String)
    case renderFailed(note: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, reason): return "demo corpus: \(path): \(reason)"
        case let .renderFailed(note, reason): return "demo corpus: rendering \(note) with timidity failed: \(reason) (install it: Scripts/setup --demo)"
        }
    }
}

extension DemoCorpus {
    /// What `build` wrote.
    public struct BuildSummary: Sendable {
        public var written: Int
        public var kept: Int
        public var alignmentClasses: [String]
        public var evaluationClasses: [String]
    }

    /// Writes the corpus under `directory` (layout in the file header of `DemoCorpus.swift`).
    /// Rendered notes need `timidity` (found on `PATH` unless `timidity` is a path) and the
    /// FreePats config. Files already present are kept, so an interrupted build resumes.
    @discardableResult
    public func build(into directory: String, timidity: String = "timidity",
                      timidityConfig: String = FreePatsCatalog.config, threads: Int = 2) throws -> BuildSummary {
        let fm = FileManager.default
        var manifest = "split,class,path,source,licence\n"
        var jobs: [(sample: DemoSample, target: String)] = []
        var kept = 0
        for (split, samples) in [("alignment", alignment), ("evaluation", evaluation)] {
            for s in samples {
                let ext: String
                switch s.audio {
                case let .file(path): ext = (path as NSString).pathExtension.lowercased()
                case .note: ext = "wav"
                }
                let relative = "\(split)/\(s.label)/\(s.name)\(s.name.hasSuffix("." + ext) ? "" : "." + ext)"
                let target = "\(directory)/\(relative)"
                manifest += [split, s.label, relative, s.source.id, s.source.licence].map(DemoCorpus.csvField).joined(separator: ",") + "\n"
                if fm.fileExists(atPath: target) { kept += 1; continue }
                try DemoCorpus.makeDirectory((target as NSString).deletingLastPathComponent)
                jobs.append((s, target))
            }
        }
        // timidity is single-threaded: run `threads` renders (and copies) at once. Each job
        // writes beside its target and renames, so a half-written file never looks done.
        let failures = FailureBox()
        let workers = max(1, threads)
        let todo = jobs
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for j in stride(from: w, to: todo.count, by: workers) where !failures.isSet {
                do { try DemoCorpus.produce(todo[j].sample, at: todo[j].target, timidity: timidity, config: timidityConfig) } catch {
                    failures.set(error)
                }
            }
        }
        if let error = failures.first { throw error }
        let written = jobs.count
        try DemoCorpus.write(manifest, to: "\(directory)/manifest.csv")
        try DemoCorpus.write(licencesMarkdown(), to: "\(directory)/LICENSES.md")
        return BuildSummary(written: written, kept: kept, alignmentClasses: DemoCorpus.classes(alignment),
                            evaluationClasses: DemoCorpus.classes(evaluation))
    }

    /// Copies or renders one sample to `target` through a `.partial` file.
    static func produce(_ s: DemoSample, at target: String, timidity: String, config: String) throws {
        let fm = FileManager.default
        let partial = target + ".partial"
        try? fm.removeItem(atPath: partial)
        switch s.audio {
        case let .file(path):
            do { try fm.copyItem(atPath: path, toPath: partial) } catch {
                throw DemoCorpusError.io(path: path, reason: error.localizedDescription)
            }
        case let .note(spec):
            try render(spec, to: partial, timidity: timidity, config: config)
            try WAVTruncation.truncate(partial, seconds: spec.seconds + spec.tailSeconds)
        }
        do { try fm.moveItem(atPath: partial, toPath: target) } catch {
            throw DemoCorpusError.io(path: target, reason: error.localizedDescription)
        }
    }

    /// `LICENSES.md`: one section per source with its package, licence, attribution and the
    /// classes and sample counts it contributes.
    public func licencesMarkdown() -> String {
        var md = "# Licences of the demo sounds\n\n"
        md += "Every sound here comes from a Debian package and keeps its upstream licence. Alignment\n"
        md += "classes and evaluation classes are disjoint (the evaluation classes are held out).\n"
        for source in sources {
            let from = (alignment + evaluation).filter { $0.source.id == source.id }
            md += "\n## \(source.id)\n\n- Debian package: `\(source.package)`\n- Licence: \(source.licence)\n"
            md += "- Attribution: \(source.attribution)\n- Samples: \(from.count) (classes: \(DemoCorpus.classes(from).joined(separator: ", ")))\n"
        }
        return md
    }

    /// Renders one note to a 44.1 kHz mono 16-bit WAV with timidity and the FreePats patches.
    static func render(_ spec: NoteSpec, to path: String, timidity: String, config: String) throws {
        let midi = path + ".mid"
        try DemoCorpus.write(Data(spec.midiBytes), to: midi)
        defer { try? FileManager.default.removeItem(atPath: midi) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [timidity, "-c", config, "-Ow", "--output-mono", "-s", "44100", "-o", path, midi]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch {
            throw DemoCorpusError.renderFailed(note: "program \(spec.program) note \(spec.pitch)", reason: error.localizedDescription)
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard process.terminationStatus == 0, size > 44 else {
            throw DemoCorpusError.renderFailed(note: "program \(spec.program) note \(spec.pitch)",
                                               reason: "exit \(process.terminationStatus): \(String(decoding: message, as: UTF8.self).prefix(300))")
        }
    }

    static func makeDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw DemoCorpusError.io(path: path, reason: error.localizedDescription)
        }
    }

    static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

    static func write(_ data: Data, to path: String) throws {
        // Through Support's writer, as every file palm keeps (fsync before the rename).
        do { try AtomicFile.write(data, to: path) } catch {
            throw DemoCorpusError.io(path: path, reason: "\(error)")
        }
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// The first error from concurrent build jobs.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return error != nil }
    var first: Error? { lock.lock(); defer { lock.unlock() }; return error }
    func set(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}

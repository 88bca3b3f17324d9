import ScriptCore

/// The report layer's builtins: tables (`table`) and charts (`bar`, `line`, `heatmap`,
/// `plot_losses`), which print in the terminal and render in reports.
public enum ReportBuiltins {
    nonisolated(unsafe) private static var registered = false

    /// Adds the builtins to every interpreter made from now on (idempotent). Call it at
    /// start-up, before interpreters are made.
    public static func register() {
        guard !registered else { return }
        registered = true
        Interpreter.registrations.append(install(into:))
    }

    /// Defines the builtins in `interpreter`.
    public static func install(into interpreter: Interpreter) {
        interpreter.installPlotBindings()
        interpreter.installTableBuiltins()
    }
}

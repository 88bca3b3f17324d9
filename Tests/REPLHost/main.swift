// palm-repl-test: a test-only host that runs the REPL exactly as the `palm` executable will
// (`runREPL`), so ScriptTests can drive readline through a real pseudo-terminal. The history
// file comes from $PALM_HISTORY so tests never touch ~/.palm_history.
import Foundation
import Script

runREPL(historyPath: ProcessInfo.processInfo.environment["PALM_HISTORY"])

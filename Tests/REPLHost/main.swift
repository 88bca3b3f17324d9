// palm-repl-test: a test-only host that runs the REPL exactly as the `palm` executable does
// (bindings registered, then `runREPL`), so ScriptTests can drive readline through a real
// pseudo-terminal. The history file comes from $PALM_HISTORY so tests never touch
// ~/.palm_history.
import Bindings
import Foundation
import REPL

Bindings.register()
runREPL(historyPath: ProcessInfo.processInfo.environment["PALM_HISTORY"])

import Bindings
import CLI

// The `palm` executable: the language's host bindings are registered before any interpreter
// is made, then the command line runs (the REPL when no subcommand is given).
Bindings.register()
PalmCommand.main()

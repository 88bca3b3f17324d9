import Bindings
import CLI
import Tensor
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

// The `palm` executable. Standard output is line-buffered first: C stdio (behind Swift's
// `print`) buffers it fully when it is not a terminal, so a table printed before a progress
// line on (unbuffered) stderr would land after it in `palm ... > log 2>&1`. Per line, both
// streams reach a shared file in the order they were written.
setvbuf(stdout, nil, _IOLBF, 0)
// One family of OpenBLAS kernels on every x86-64 CPU (before the first product), so a seed gives
// the same numbers on every machine (`BLASKernels`).
BLASKernels.pinAtStartup()
// The language's host bindings are registered before any interpreter is made, then the command
// line runs (the REPL when no subcommand is given).
Bindings.register()
PalmCommand.main()

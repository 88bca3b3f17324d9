import Foundation

/// The thread scripts run on: one whose stack size palm sets itself, so the interpreter's depth
/// limits (`ScriptLimits`) rest on a known number rather than on whichever thread happened to
/// call (8 MiB for a process's main thread, 512 KiB for a secondary `Thread` or a Dispatch
/// worker on Linux and macOS alike).
///
/// `Interpreter.run`, `Interpreter.call` and `Parser.parse` hop onto such a thread when they are
/// not already on one, and wait for it: `palm run`, the REPL, reports and tests all parse and
/// evaluate on the same stack. Nested calls (a built-in calling back into the interpreter) stay
/// on the thread they are on.
public enum ScriptThread {
    /// Bytes of stack of every script thread (256 MiB). Only the pages a script touches become
    /// resident; the rest is address space. `ScriptLimits` derives its depth limit from this.
    public static let stackSize = 256 << 20

    /// Holds, on a script thread, the lowest stack address a call may start below which the
    /// interpreter refuses to go deeper (see `hasStackFor`); nil on every other thread.
    nonisolated(unsafe) private static let floorKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// True on a thread started by `run`.
    public static var isCurrent: Bool { pthread_getspecific(floorKey) != nil }

    /// Whether at least `bytes` of stack remain below the caller's frame on this script thread
    /// (true on other threads, which `run` leaves before any script code runs).
    @inline(__always)
    static func hasStack(for bytes: Int) -> Bool {
        guard let floor = pthread_getspecific(floorKey) else { return true }
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        return here > UInt(bitPattern: floor) &+ UInt(bytes)
    }

    /// Runs `body` on a script thread and returns its result or rethrows its error: inline when
    /// already on one, else on a new thread with `stackSize` bytes of stack, waiting for it.
    public static func run<T>(_ body: () throws -> T) throws -> T {
        if isCurrent { return try body() }
        return try withoutActuallyEscaping(body) { body in
            let job = Job(body)
            try start(job, stack: nil)
            return try job.result!.get()
        }
    }

    /// Runs `body` on a new script thread (even from one) and returns, with its result, the
    /// most stack it used in bytes, to the page: the thread's stack is freshly mapped memory,
    /// whose pages become resident only once touched, so the lowest resident page marks the
    /// deepest frame (`mincore`). For the tests that keep `ScriptLimits` honest.
    public static func measuringStack<T>(_ body: () throws -> T) throws -> (result: T, bytes: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // A guard page below the stack, as pthread would make, so an overflow faults.
        guard let mapping = mmap(nil, stackSize + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapping != MAP_FAILED else {
            throw ScriptError.runtime("cannot map a \(stackSize >> 20) MiB stack to measure")
        }
        defer { munmap(mapping, stackSize + page) }
        mprotect(mapping, page, PROT_NONE)
        let stack = UnsafeMutableRawBufferPointer(start: mapping + page, count: stackSize)
        let result = try withoutActuallyEscaping(body) { body in
            let job = Job(body)
            try start(job, stack: stack)
            return try job.result!.get()
        }
        #if os(Linux)
        var resident = [UInt8](repeating: 0, count: stackSize / page)
        #else
        var resident = [CChar](repeating: 0, count: stackSize / page)
        #endif
        guard mincore(stack.baseAddress, stackSize, &resident) == 0 else {
            throw ScriptError.runtime("cannot read which stack pages were used: \(String(cString: strerror(errno)))")
        }
        let untouched = resident.firstIndex { $0 & 1 != 0 } ?? resident.count
        return (result, (resident.count - untouched) * page)
    }

    /// Work handed to the new thread through a C pointer (hence a non-generic base class).
    private class JobBase {
        func run() {}
    }

    private final class Job<T>: JobBase {
        let body: () throws -> T
        var result: Result<T, Error>?
        init(_ body: @escaping () throws -> T) { self.body = body }
        override func run() { result = Result { try body() } }
    }

    /// Starts `job` on a new thread with `stackSize` bytes of stack (`stack`, when given) and
    /// joins it.
    private static func start(_ job: JobBase, stack: UnsafeMutableRawBufferPointer?) throws {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stack {
            pthread_attr_setstack(&attributes, stack.baseAddress, stack.count)
        } else {
            pthread_attr_setstacksize(&attributes, stackSize)
        }
        let context = Unmanaged.passRetained(job).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, &attributes, { raw in
            #if canImport(Darwin)
            let job = Unmanaged<JobBase>.fromOpaque(raw).takeRetainedValue()
            #else
            let job = Unmanaged<JobBase>.fromOpaque(raw!).takeRetainedValue()
            #endif
            // The floor: this frame's address is within a page or two of the stack's top, so
            // the stack ends `stackSize` below it.
            var marker: UInt8 = 0
            let top = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
            pthread_setspecific(ScriptThread.floorKey, UnsafeRawPointer(bitPattern: top - UInt(ScriptThread.stackSize)))
            job.run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<JobBase>.fromOpaque(context).release()
            throw ScriptError.runtime("cannot start the interpreter's thread with a \(stackSize >> 20) MiB stack: \(String(cString: strerror(status)))")
        }
        #if canImport(Darwin)
        pthread_join(thread!, nil)
        #else
        pthread_join(thread, nil)
        #endif
    }
}

//! Callgrind's client requests, the few that the instruction counts need: start and stop
//! instrumentation, zero the counters, and dump them under a name.
//!
//! A client request is a fixed sequence of instructions that does nothing on a real CPU and
//! that valgrind recognises while it translates the program; the program runs unchanged
//! outside valgrind. The sequence is valgrind's documented amd64 one (`valgrind.h`). It is
//! written here rather than taken from a crate: the crates that offer it compile valgrind's C
//! header at build time, which would make every build of the workspace need valgrind's
//! headers and a C compiler, for six requests. On other architectures every request does
//! nothing and [`running_on_valgrind`] is false.
//!
//! Instrumentation, unlike callgrind's "collect" state, is global: the instructions of every
//! thread count while it is on, so the SQLite side's blocking threads are measured too.

/// `VG_USERREQ_TOOL_BASE('C', 'T')`: the first of callgrind's requests.
const CALLGRIND_BASE: u64 = ((b'C' as u64) << 24) | ((b'T' as u64) << 16);
const ZERO_STATS: u64 = CALLGRIND_BASE + 1;
const DUMP_STATS_AT: u64 = CALLGRIND_BASE + 3;
const START_INSTRUMENTATION: u64 = CALLGRIND_BASE + 4;
const STOP_INSTRUMENTATION: u64 = CALLGRIND_BASE + 5;
/// `VG_USERREQ__RUNNING_ON_VALGRIND`, a core request.
const RUNNING_ON_VALGRIND: u64 = 0x1001;

/// Sends one request with up to two arguments; returns `default` outside valgrind.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn request(code: u64, arg1: u64, arg2: u64, default: u64) -> u64 {
    let args: [u64; 6] = [code, arg1, arg2, 0, 0, 0];
    let mut result = default;
    // SAFETY: the four rotations of rdi add up to 128 bits, so rdi ends as it began, and
    // `xchg rbx, rbx` changes nothing; on a real CPU the block only changes flags. Under
    // valgrind it reads the six words at rax (alive for the block) and writes the result to
    // rdx, which is declared.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            in("rax") args.as_ptr(),
            inout("rdx") result,
            options(nostack),
        );
    }
    result
}

#[cfg(not(target_arch = "x86_64"))]
fn request(_code: u64, _arg1: u64, _arg2: u64, default: u64) -> u64 {
    default
}

/// True when the process runs under valgrind (any tool).
pub fn running_on_valgrind() -> bool {
    request(RUNNING_ON_VALGRIND, 0, 0, 0) != 0
}

/// Turns instrumentation on: from here on, every thread's instructions are counted (with
/// `--instr-atstart=no`, nothing is counted before the first call).
pub fn start_instrumentation() {
    request(START_INSTRUMENTATION, 0, 0, 0);
}

/// Turns instrumentation off; the counts so far are kept.
pub fn stop_instrumentation() {
    request(STOP_INSTRUMENTATION, 0, 0, 0);
}

/// Sets every counter to zero.
pub fn zero_stats() {
    request(ZERO_STATS, 0, 0, 0);
}

/// Writes the counts since the last zero or dump to a new output file whose `desc:` line
/// names `name` (`Trigger: Client Request: <name>`), and zeroes them.
pub fn dump_stats_at(name: &str) {
    let mut text = name.as_bytes().to_vec();
    text.push(0);
    request(DUMP_STATS_AT, text.as_ptr() as u64, 0, 0);
}

//! Per-thread counts of what a thread would cost on a device: the calls that are Zircon
//! syscalls on Fuchsia, the port operations the in-tree executor makes for it, its wake-ups,
//! and its heap allocations outside the emulated kernel.
//!
//! Host-only, for benchmarks and tests: product code is not changed to be counted. The zx
//! API functions that are syscalls on Fuchsia (`zx_channel_read`, `zx_counter_add`,
//! `zx_handle_close`, `zx_object_wait_one`, ...) count themselves through [`syscall`];
//! nested calls inside one of them (a `read` implemented by `read_split`) count once. The
//! host `fuchsia_async` records what the in-tree executor does on Zircon through [`record`]:
//! `zx_object_wait_async` per armed wait, one `zx_port_wait` per delivered packet,
//! `zx_port_cancel` per wait dropped before it fired, and a wake-up each time the executor
//! leaves its park. A counting global allocator reports allocations through
//! [`record_allocation`]; allocations made by the emulated kernel (inside a syscall, or
//! inside [`kernel_work`]) are kernel memory on Fuchsia and are not counted.
//!
//! Each thread's counters are written only by that thread (relaxed atomics) and read by
//! any thread. A thread's block is created at its first counted event and lives for the
//! rest of the process (a few dozen bytes per thread that ever made a zx call), so that a
//! global allocator may touch it at any time, even while the thread exits.

use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// What [`record`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// `zx_object_wait_async`: a wait registered on the executor's port.
    WaitAsync,
    /// `zx_port_wait` returning one packet (a fired wait delivered to the executor).
    PortWait,
    /// `zx_port_cancel`: a registered wait dropped before its packet was delivered.
    PortCancel,
    /// The executor left its park to run tasks again.
    Wakeup,
}

/// A snapshot of counts (of one thread, or summed over threads).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// zx API calls that are syscalls on Fuchsia.
    pub syscalls: u64,
    pub wait_async: u64,
    pub port_waits: u64,
    pub port_cancels: u64,
    /// Times the executor went from parked to running.
    pub wakeups: u64,
    /// Heap allocations outside the emulated kernel, as reported by a counting allocator.
    pub allocations: u64,
}

impl Counts {
    /// Every kernel call: syscalls plus the executor's port operations.
    pub fn kernel_calls(&self) -> u64 {
        self.syscalls + self.wait_async + self.port_waits + self.port_cancels
    }

    /// The counts made between `earlier` and `self`.
    pub fn since(&self, earlier: &Counts) -> Counts {
        Counts {
            syscalls: self.syscalls - earlier.syscalls,
            wait_async: self.wait_async - earlier.wait_async,
            port_waits: self.port_waits - earlier.port_waits,
            port_cancels: self.port_cancels - earlier.port_cancels,
            wakeups: self.wakeups - earlier.wakeups,
            allocations: self.allocations - earlier.allocations,
        }
    }
}

/// The counters of one thread. Written only by that thread; read by any.
#[derive(Default)]
struct ThreadCounters {
    name: Option<String>,
    syscalls: AtomicU64,
    wait_async: AtomicU64,
    port_waits: AtomicU64,
    port_cancels: AtomicU64,
    wakeups: AtomicU64,
    allocations: AtomicU64,
}

impl ThreadCounters {
    fn snapshot(&self) -> Counts {
        Counts {
            syscalls: self.syscalls.load(Ordering::Relaxed),
            wait_async: self.wait_async.load(Ordering::Relaxed),
            port_waits: self.port_waits.load(Ordering::Relaxed),
            port_cancels: self.port_cancels.load(Ordering::Relaxed),
            wakeups: self.wakeups.load(Ordering::Relaxed),
            allocations: self.allocations.load(Ordering::Relaxed),
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

/// Every thread's counters, in order of first use. Appended to by each thread at its first
/// counted event (with its `KERNEL_DEPTH` raised, so the push is not counted as an
/// allocation), read by any thread.
static THREADS: Mutex<Vec<&'static ThreadCounters>> = Mutex::new(Vec::new());

thread_local! {
    /// This thread's counters, once created. Touched only by its own thread.
    static CURRENT: Cell<Option<&'static ThreadCounters>> = const { Cell::new(None) };
    /// How many syscalls or kernel-work sections this thread is inside. Own thread only.
    static KERNEL_DEPTH: Cell<u32> = const { Cell::new(0) };
}

fn current() -> &'static ThreadCounters {
    if let Some(counters) = CURRENT.with(Cell::get) {
        return counters;
    }
    let _kernel = kernel_work();
    let name = std::thread::current().name().map(str::to_owned);
    let counters: &'static ThreadCounters =
        Box::leak(Box::new(ThreadCounters { name, ..ThreadCounters::default() }));
    THREADS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(counters);
    CURRENT.with(|current| current.set(Some(counters)));
    counters
}

/// Marks the calling thread as inside the emulated kernel until dropped.
#[must_use]
pub struct KernelSection(());

impl Drop for KernelSection {
    fn drop(&mut self) {
        KERNEL_DEPTH.with(|depth| depth.set(depth.get() - 1));
    }
}

/// Counts one syscall made by the calling thread (unless it is made inside another one)
/// and marks the thread as inside the kernel until the guard is dropped.
pub(crate) fn syscall() -> KernelSection {
    if KERNEL_DEPTH.with(Cell::get) == 0 {
        bump(&current().syscalls);
    }
    kernel_work()
}

/// Marks the calling thread as doing emulated-kernel work (no syscall counted, allocations
/// not counted) until the guard is dropped: the host executor's port bookkeeping.
pub fn kernel_work() -> KernelSection {
    KERNEL_DEPTH.with(|depth| depth.set(depth.get() + 1));
    KernelSection(())
}

/// Records one executor event on the calling thread.
pub fn record(event: Event) {
    let counters = current();
    bump(match event {
        Event::WaitAsync => &counters.wait_async,
        Event::PortWait => &counters.port_waits,
        Event::PortCancel => &counters.port_cancels,
        Event::Wakeup => &counters.wakeups,
    });
}

/// Records one heap allocation on the calling thread, for a counting global allocator.
/// Counted only on a thread that already has counters (so this never allocates) and only
/// outside the emulated kernel.
pub fn record_allocation() {
    if KERNEL_DEPTH.with(Cell::get) != 0 {
        return;
    }
    if let Some(counters) = CURRENT.with(Cell::get) {
        bump(&counters.allocations);
    }
}

/// The calling thread's counts so far.
pub fn current_thread() -> Counts {
    current().snapshot()
}

/// The counts of every thread named `name`, summed (threads that ended included).
pub fn threads_named(name: &str) -> Counts {
    let threads = THREADS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    threads.iter().filter(|t| t.name.as_deref() == Some(name)).map(|t| t.snapshot()).fold(
        Counts::default(),
        |sum, c| Counts {
            syscalls: sum.syscalls + c.syscalls,
            wait_async: sum.wait_async + c.wait_async,
            port_waits: sum.port_waits + c.port_waits,
            port_cancels: sum.port_cancels + c.port_cancels,
            wakeups: sum.wakeups + c.wakeups,
            allocations: sum.allocations + c.allocations,
        },
    )
}

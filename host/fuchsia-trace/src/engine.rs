//! The trace engine of one provider: where a component's events go while a trace session
//! has started its provider.
//!
//! On Fuchsia each process that created a trace provider has one trace engine
//! (//zircon/system/ulib/trace-engine, `context.cc`/`engine.cc`): the provider hands it the
//! buffer VMO and categories the trace manager sent (`ProviderV2.Initialize`), starts and
//! stops it (`Start`, `Stop`), and every thread of the process writes FXT records into the
//! buffer while it is started. On the host each component instance is its own process, so
//! each instance (and, for threads outside any instance, the process) has one [`Engine`],
//! created by the instance's trace provider (`fuchsia_trace_provider`).
//!
//! Concurrency: an engine's state is behind a read-write lock. Threads emitting events take
//! it for reading, only to check the category and write one record; the provider thread
//! takes it for writing to change state. A record whose write began before `stop` took the
//! lock is in the buffer when `stop` returns. No lock is held across an await.

use crate::CategoryString;
use fuchsia_runtime::host::current_component;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};
use trace_engine::{BufferingMode, Record, TraceBuffer};

/// Timestamps are nanoseconds of the monotonic clock: the host has no tick counter, so a
/// tick is a nanosecond (the initialization record says so).
pub const TICKS_PER_SECOND: u64 = 1_000_000_000;

/// Number of started engines in the process: the one load every macro makes while none is.
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// Why an engine refused a request.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// `initialize` while initialized (the provider must ignore it until `terminate`).
    #[error("the engine is already initialized")]
    AlreadyInitialized,
    /// `start` before `initialize`, or after `terminate`.
    #[error("the engine is not initialized")]
    NotInitialized,
    /// The buffer could not be started (mode, size or VMO).
    #[error("trace buffer: {0}")]
    Buffer(#[from] trace_engine::BufferError),
}

/// Which categories a started engine records: the session's list, where an empty list
/// enables every category, `*` enables every category and `prefix*` every category
/// beginning with `prefix`.
#[derive(Clone, Debug, Default)]
struct Categories(Vec<String>);

impl Categories {
    fn enabled(&self, category: &str) -> bool {
        self.0.is_empty()
            || self.0.iter().any(|enabled| match enabled.strip_suffix('*') {
                Some(prefix) => category.starts_with(prefix),
                None => enabled == category,
            })
    }
}

/// An engine's state (in-tree `trace_state_t` plus what the provider handed it).
#[derive(Debug, Default)]
enum State {
    /// No buffer: never initialized, or terminated.
    #[default]
    Idle,
    /// Has a buffer and categories; not writing.
    Ready { buffer: zx::Vmo, mode: BufferingMode, categories: Categories },
    /// Writing records into the buffer.
    Started { buffer: TraceBuffer, mode: BufferingMode, categories: Categories },
}

/// One provider's trace engine. Shared by the provider thread, which drives it, and every
/// thread of its component instance that emits events.
#[derive(Debug)]
pub struct Engine {
    state: RwLock<State>,
    /// The koid standing for the instance's process in the records it writes: the koid of
    /// an object made for it (the host has no process objects), unique among koids.
    process_koid: u64,
    /// Keeps `process_koid` owned by a live object.
    _process: zx::Event,
}

impl Engine {
    fn new() -> Engine {
        let process = zx::Event::create();
        let process_koid = process.koid().map(|koid| koid.raw_koid()).unwrap_or_default();
        Engine { state: RwLock::new(State::Idle), process_koid, _process: process }
    }

    /// The koid of the process this engine writes records for.
    pub fn process_koid(&self) -> u64 {
        self.process_koid
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the buffer and categories of a session (`ProviderV2.Initialize`).
    pub fn initialize(
        &self,
        buffer: zx::Vmo,
        mode: BufferingMode,
        categories: Vec<String>,
    ) -> Result<(), EngineError> {
        let mut state = self.write();
        if !matches!(*state, State::Idle) {
            return Err(EngineError::AlreadyInitialized);
        }
        *state = State::Ready { buffer, mode, categories: Categories(categories) };
        Ok(())
    }

    /// Starts writing records (`ProviderV2.Start`), with `additional_categories` enabled too;
    /// a started engine stays as it is. The buffer restarts empty but for the
    /// initialization record (README: every buffer disposition clears it).
    pub fn start(&self, additional_categories: Vec<String>) -> Result<(), EngineError> {
        let mut state = self.write();
        let (buffer, mode, mut categories) = match std::mem::take(&mut *state) {
            State::Idle => return Err(EngineError::NotInitialized),
            started @ State::Started { .. } => {
                *state = started;
                return Ok(());
            }
            State::Ready { buffer, mode, categories } => (buffer, mode, categories),
        };
        let restore = buffer.duplicate_handle(zx::Rights::SAME_RIGHTS);
        match TraceBuffer::start(buffer, mode, TICKS_PER_SECOND) {
            Ok(buffer) => {
                if !categories.0.is_empty() {
                    categories.0.extend(additional_categories);
                }
                *state = State::Started { buffer, mode, categories };
                STARTED.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(error) => {
                if let Ok(buffer) = restore {
                    *state = State::Ready { buffer, mode, categories };
                }
                Err(error.into())
            }
        }
    }

    /// Stops writing records (`ProviderV2.Stop`): when this returns, every record whose
    /// write began before it is in the buffer, and the buffer's header tells where the
    /// records end and how many were dropped. Does nothing unless started.
    pub fn stop(&self) {
        let mut state = self.write();
        let (buffer, mode, categories) = match std::mem::take(&mut *state) {
            State::Started { buffer, mode, categories } => (buffer, mode, categories),
            other => {
                *state = other;
                return;
            }
        };
        STARTED.fetch_sub(1, Ordering::Relaxed);
        match buffer.stop() {
            Ok(buffer) => *state = State::Ready { buffer, mode, categories },
            Err(status) => log::warn!("Trace buffer header could not be updated: {status}"),
        }
    }

    /// Stops if started and lets go of the buffer (`ProviderV2.Terminate`, or the trace
    /// manager gone).
    pub fn terminate(&self) {
        self.stop();
        *self.write() = State::Idle;
    }

    /// Whether records of `category` are being written.
    fn category_enabled(&self, category: &str) -> bool {
        matches!(&*self.read(), State::Started { categories, .. } if categories.enabled(category))
    }

    /// Whether the engine is writing records of any category.
    fn started(&self) -> bool {
        matches!(&*self.read(), State::Started { .. })
    }

    /// Writes `record` if still started and `category` still enabled; a record that does
    /// not fit is dropped and counted by the buffer.
    pub(crate) fn write_record(&self, category: &str, record: &Record<'_>) {
        if let State::Started { buffer, categories, .. } = &*self.read()
            && categories.enabled(category)
        {
            // BufferFull is counted in the buffer's header; other errors (over-long record,
            // too many arguments) were refused before anything was reserved.
            let _ = buffer.write(record);
        }
    }
}

/// The process's engine, for threads outside any component instance.
static PROCESS_ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();

/// An instance's engine, created by its trace provider.
#[derive(Default)]
struct InstanceEngine(OnceLock<Arc<Engine>>);

/// The calling thread's component instance's engine (or, outside any instance, the
/// process's), created on first use. The host trace provider calls it.
pub fn engine() -> Arc<Engine> {
    let slot = match current_component() {
        Some(instance) => {
            let slot = instance.singleton::<InstanceEngine>();
            return Arc::clone(slot.0.get_or_init(|| Arc::new(Engine::new())));
        }
        None => &PROCESS_ENGINE,
    };
    Arc::clone(slot.get_or_init(|| Arc::new(Engine::new())))
}

/// The calling thread's engine if its instance (or process) created one.
fn existing_engine() -> Option<Arc<Engine>> {
    match current_component() {
        Some(instance) => instance.singleton::<InstanceEngine>().0.get().cloned(),
        None => PROCESS_ENGINE.get().cloned(),
    }
}

/// The calling thread's engine if some engine in the process is started and it is;
/// one relaxed load when no engine is started.
#[inline]
pub(crate) fn started_engine() -> Option<Arc<Engine>> {
    if STARTED.load(Ordering::Relaxed) == 0 {
        return None;
    }
    existing_engine().filter(|engine| engine.started())
}

/// The calling thread's engine if it records `category`.
pub(crate) fn engine_for<S: CategoryString>(category: S) -> Option<(Arc<Engine>, S)> {
    if STARTED.load(Ordering::Relaxed) == 0 {
        return None;
    }
    let engine = existing_engine()?;
    engine.category_enabled(&category.as_category()).then_some((engine, category))
}

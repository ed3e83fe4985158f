//! Threads inherit the component instance of the thread that creates them.
//!
//! On Fuchsia a thread belongs to the process that created it, and a component's process-wide
//! state (namespace, startup handles, statics) is visible from all its threads, including
//! those product code creates with `std::thread`. To give host component instances the same
//! property, this module interposes `pthread_create` (every std, tokio and libc thread is
//! created through it): the new thread starts by adopting its creator's instance, then runs
//! the original start routine. The real `pthread_create` is found with `dlsym(RTLD_NEXT)`.

use super::instance::{ComponentInstance, LiveThread, adopt, current_component};
use std::sync::{Arc, OnceLock};

type StartRoutine = extern "C" fn(*mut libc::c_void) -> *mut libc::c_void;
type PthreadCreate = unsafe extern "C" fn(
    *mut libc::pthread_t,
    *const libc::pthread_attr_t,
    StartRoutine,
    *mut libc::c_void,
) -> libc::c_int;

/// What a new thread needs before its own start routine runs.
struct ThreadStart {
    routine: StartRoutine,
    arg: *mut libc::c_void,
    instance: Option<Arc<ComponentInstance>>,
    /// Counts the thread as live in its instance from its creation until its routine returns.
    live: Option<LiveThread>,
}

extern "C" fn start_with_instance(start: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: `start` is the box leaked by `pthread_create` below, handed to this thread only.
    let start = unsafe { Box::from_raw(start.cast::<ThreadStart>()) };
    let ThreadStart { routine, arg, instance, live } = *start;
    adopt(instance);
    let result = routine(arg);
    drop(live);
    result
}

fn real_pthread_create() -> PthreadCreate {
    static REAL: OnceLock<usize> = OnceLock::new();
    let address = *REAL.get_or_init(|| {
        // SAFETY: dlsym with a static NUL-terminated name; RTLD_NEXT skips this definition.
        let address = unsafe { libc::dlsym(libc::RTLD_NEXT, c"pthread_create".as_ptr()) };
        assert!(!address.is_null(), "libc has no pthread_create");
        address as usize
    });
    // SAFETY: the symbol is libc's pthread_create, whose signature is PthreadCreate.
    unsafe { std::mem::transmute::<usize, PthreadCreate>(address) }
}

/// Interposes libc's `pthread_create`; see the module documentation.
///
/// # Safety
/// Same contract as `pthread_create(3)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    routine: StartRoutine,
    arg: *mut libc::c_void,
) -> libc::c_int {
    let instance = current_component();
    let live = instance.as_ref().map(|instance| instance.thread_started());
    let start = Box::into_raw(Box::new(ThreadStart { routine, arg, instance, live }));
    // SAFETY: forwarded to libc with a start routine that takes ownership of `start`.
    let rc = unsafe { real_pthread_create()(thread, attr, start_with_instance, start.cast()) };
    if rc != 0 {
        // SAFETY: the thread was not created, so the box is still ours.
        drop(unsafe { Box::from_raw(start) });
    }
    rc
}

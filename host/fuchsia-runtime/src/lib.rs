//! Startup handles, as the in-tree `fuchsia_runtime` crate offers them.
//!
//! On Fuchsia a component's process receives its startup handles (outgoing directory
//! request, lifecycle channel, configuration VMO, ...) from its launcher. On the host a
//! component instance runs as threads of the test or demo process; `host::ComponentInstance`
//! plays the part of its process, and every function here acts on the instance the calling
//! thread belongs to.

pub mod host;

use zx::NullableHandle;

/// The kind of a startup handle (the processargs `PA_*` type).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum HandleType {
    ProcessSelf = 0x01,
    ThreadSelf = 0x02,
    DefaultJob = 0x03,
    RootVmar = 0x04,
    LdsvcLoader = 0x10,
    ComponentConfigVmo = 0x1D,
    NamespaceDirectory = 0x20,
    FileDescriptor = 0x30,
    Lifecycle = 0x3A,
    DirectoryRequest = 0x3B,
    User0 = 0xF0,
    User1 = 0xF1,
    User2 = 0xF2,
}

/// A startup handle's identity: its type plus a 16-bit argument.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HandleInfo {
    htype: HandleType,
    arg: u16,
}

impl HandleInfo {
    pub const fn new(htype: HandleType, arg: u16) -> HandleInfo {
        HandleInfo { htype, arg }
    }

    pub const fn handle_type(&self) -> HandleType {
        self.htype
    }

    pub const fn arg(&self) -> u16 {
        self.arg
    }

    /// The processargs encoding: type in bits 0..8, argument in bits 16..32.
    pub const fn as_raw(&self) -> u32 {
        (self.htype as u32) | ((self.arg as u32) << 16)
    }
}

impl From<HandleType> for HandleInfo {
    fn from(htype: HandleType) -> HandleInfo {
        HandleInfo::new(htype, 0)
    }
}

/// Removes the startup handle `info` of the calling thread's component instance.
///
/// Returns `Some` at most once per handle; `None` if the handle was not given at startup,
/// was already taken, or the thread belongs to no component instance.
pub fn take_startup_handle(info: HandleInfo) -> Option<NullableHandle> {
    host::current_component()?.take_startup_handle(info)
}

thread_local! {
    /// The calling thread's kernel object, created on first use; only this thread touches it.
    static THREAD_SELF: zx::Thread = zx::Thread::for_current_thread();
}

/// The calling thread's kernel object, as `zx_thread_self()` gives it.
///
/// The handle stays valid for as long as the calling thread lives; do not keep it past that.
pub fn thread_self() -> zx::Unowned<'static, zx::Thread> {
    let raw = THREAD_SELF.with(|thread| thread.raw_handle());
    // SAFETY: the handle is owned by this thread's THREAD_SELF, which lives as long as the
    // thread; the returned borrow never closes it.
    unsafe { zx::Unowned::from_raw_handle(raw) }
}

//! Job policy exceptions the emulation raises on the calling thread, and who handles them.
//!
//! On Fuchsia a policy violation raises `ZX_EXCP_POLICY_ERROR` on the offending thread; if
//! no exception handler takes it, the kernel kills the thread's process. The host has no
//! processes: the host launcher (`fuchsia_runtime::host`) installs a handler that stops the
//! component instance the thread belongs to, the way a crashed component stops. Without a
//! handler, or when the handler returns (the thread belongs to no component), the thread
//! panics with a message naming the exception.

use crate::Koid;
use std::fmt;
use std::sync::OnceLock;

/// More messages than this queued on one channel end raise
/// `ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE` on the writer (`kMaxPendingMessageCount` in
/// `zircon/kernel/object/channel_dispatcher.cc`). The write itself succeeds.
pub const MAX_PENDING_CHANNEL_MESSAGES: usize = 3500;

/// A policy exception raised on the calling thread.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PolicyException {
    /// `ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE`: a write left `pending` messages queued on
    /// the end `receiver` of the channel written through `writer`.
    ChannelFullWrite { writer: Koid, receiver: Koid, pending: usize },
}

impl fmt::Display for PolicyException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyException::ChannelFullWrite { writer, receiver, pending } => write!(
                f,
                "ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE: channel {} (written through koid {}) \
                 has {pending} messages queued, more than {MAX_PENDING_CHANNEL_MESSAGES}",
                receiver.raw_koid(),
                writer.raw_koid(),
            ),
        }
    }
}

/// Handles a policy exception on the thread that raised it. To handle it, it does not return
/// (it unwinds the thread); returning leaves the exception unhandled.
pub type PolicyExceptionHandler = fn(&PolicyException);

/// Set once per process by the host launcher; read by any thread that raises an exception.
static HANDLER: OnceLock<PolicyExceptionHandler> = OnceLock::new();

/// Installs the process's policy exception handler. Only the first installation takes
/// effect; false for a later one.
pub fn set_policy_exception_handler(handler: PolicyExceptionHandler) -> bool {
    HANDLER.set(handler).is_ok()
}

/// Raises `exception` on the calling thread: the handler runs, and if it returns, the thread
/// panics. Called with no lock held.
pub(crate) fn raise(exception: PolicyException) -> ! {
    if let Some(handler) = HANDLER.get() {
        handler(&exception);
    }
    panic!("unhandled policy exception: {exception}");
}

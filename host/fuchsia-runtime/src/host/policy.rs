//! Kernel policy exceptions end the component instance that raised them.
//!
//! On Fuchsia an unhandled policy exception (such as `ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE`)
//! kills the process of the offending thread, and component manager sees the component
//! stop. The host handler installed here does the same for a thread of a component
//! instance: it stops the instance with `StopReason::Crashed` (its executors then unwind
//! with `ComponentStopped`, closing every handle their tasks hold) and unwinds the offending
//! thread at once with `ComponentStopped`, so that it runs no further. A thread outside any
//! instance is left to `zx`, which panics with a message naming the channel.

use super::entries::ComponentStopped;
use super::instance::current_component;

/// The process's handler; see the module documentation.
fn on_policy_exception(exception: &zx::host::PolicyException) {
    if let Some(instance) = current_component() {
        instance.crash(exception.to_string());
        std::panic::resume_unwind(Box::new(ComponentStopped));
    }
}

/// Installs the handler (once per process; later calls do nothing).
pub(super) fn install_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        zx::host::set_policy_exception_handler(on_policy_exception);
    });
}

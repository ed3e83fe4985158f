//! Host build of the `fuchsia` crate: the `#[fuchsia::main]` and `#[fuchsia::test]`
//! attribute macros and the logging options they take.

#![warn(missing_docs)]

mod log_archive;
mod logging;
mod test_logs;

pub use fuchsia_macro::{main, test};
pub use logging::{Interest, LoggingOptions, Severity};

/// Host-only: what the host launcher needs from the test support. Product code never uses it.
pub mod host {
    pub use crate::log_archive::{
        ARCHIVE_BUDGET_BYTES, FieldValue, LogRecord, disconnect_log_sink, listen, read_from,
    };
    pub use crate::test_logs::inherit_test_logs;
}

/// Runtime support for the code the macros generate. Not for direct use.
#[doc(hidden)]
pub mod __private {
    use fuchsia_async as fasync;
    use std::future::Future;

    pub use crate::logging::{init_logging, log_error};
    pub use crate::test_logs::{TestLogSettings, run_test};
    pub use fuchsia_runtime::host::{COMPONENT_ENTRIES, ComponentEntry, linkme};

    /// Runs a component's main future on a `LocalExecutor`.
    pub fn run_singlethreaded<F: Future>(future: F) -> F::Output {
        fasync::LocalExecutor::default().run_singlethreaded(future)
    }

    /// Runs a test's future on a `TestExecutor` until it completes.
    pub fn run_test_singlethreaded<F: Future>(future: F) -> F::Output {
        fasync::TestExecutor::new().run_singlethreaded(future)
    }

    /// Runs a future on a `SendExecutor` with `threads` worker threads.
    pub fn run_multithreaded<F>(future: F, threads: u8) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        fasync::SendExecutorBuilder::new().num_threads(threads).build().run(future)
    }

    /// Runs a test's future on a `TestExecutor` until it completes or stalls.
    ///
    /// # Panics
    ///
    /// If the test stalls: nothing can progress without an external event.
    pub fn run_until_stalled<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        match fasync::TestExecutor::new().run_until_stalled(&mut future) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("the test stalled (allow_stalls = false)"),
        }
    }
}

//! The output socket of a session (in-tree `buffer_forwarder.cc`): whole records only, in
//! order, and nothing more once a write failed.

use fuchsia_async as fasync;
use futures::AsyncWriteExt;

/// The session's end of the socket it writes its trace to. Owned by the session's task, the
/// only writer.
pub struct Output {
    socket: fasync::Socket,
    /// Set by the first write the reader refused (it closed its end); nothing is written
    /// after it.
    failed: bool,
}

impl Output {
    pub fn new(socket: fidl::Socket) -> Output {
        Output { socket: fasync::Socket::from_socket(socket), failed: false }
    }

    /// Writes `bytes` whole, waiting while the socket is full. Returns false, writing
    /// nothing more from then on, if the reader closed its end.
    pub async fn write(&mut self, bytes: &[u8]) -> bool {
        if self.failed {
            return false;
        }
        if let Err(error) = self.socket.write_all(bytes).await {
            log::warn!("Trace output socket refused a write ({error}); aborting the session");
            self.failed = true;
        }
        !self.failed
    }

    /// Whether a write failed, so the session is aborted.
    pub fn failed(&self) -> bool {
        self.failed
    }
}

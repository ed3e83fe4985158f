//! FIFOs: fixed-size queues of fixed-size elements between two ends, after
//! `zircon/kernel/object/fifo_dispatcher.cc` (the kernel before its FIFO dispatcher moved to
//! Rust; the syscall rules are `lib/syscalls/fifo.cc`).

use super::object::KernelObject;
use super::peered::{EndState, PeeredEndpoint};
use crate::{Signals, Status};
use std::collections::VecDeque;
use std::sync::Arc;

/// The most bytes a FIFO's elements may take (`FifoDispatcher::kMaxSizeBytes`, one page).
const FIFO_MAX_SIZE_BYTES: usize = crate::sys::ZX_FIFO_MAX_SIZE_BYTES as usize;

/// The elements queued for one end to read.
pub(crate) struct FifoQueue {
    elem_count: usize,
    elem_size: usize,
    /// Queued bytes, oldest first; always a whole number of elements.
    data: VecDeque<u8>,
}

impl EndState for FifoQueue {
    fn release(&mut self) {
        self.data = VecDeque::new();
    }
}

impl FifoQueue {
    fn len(&self) -> usize {
        self.data.len() / self.elem_size
    }
}

/// One end of a FIFO.
pub(crate) type FifoEndpoint = PeeredEndpoint<FifoQueue>;

/// `FifoDispatcher::Create`: OUT_OF_RANGE unless both sizes are nonzero and the elements
/// fit in `FIFO_MAX_SIZE_BYTES`. Both ends start WRITABLE.
pub(crate) fn create_pair(
    elem_count: usize,
    elem_size: usize,
) -> Result<(Arc<FifoEndpoint>, Arc<FifoEndpoint>), Status> {
    if elem_count == 0
        || elem_size == 0
        || elem_count.checked_mul(elem_size).is_none_or(|total| total > FIFO_MAX_SIZE_BYTES)
    {
        return Err(Status::OUT_OF_RANGE);
    }
    let queue = || FifoQueue { elem_count, elem_size, data: VecDeque::new() };
    Ok(FifoEndpoint::create_pair([queue(), queue()], Signals::FIFO_WRITABLE))
}

/// `WriteFromUser` then the peer's `WriteSelfLocked`: PEER_CLOSED, then OUT_OF_RANGE for a
/// wrong element size or no element, then SHOULD_WAIT if the peer's queue is full; else as
/// many whole elements as fit (a partial write). READABLE rises on the peer when its queue
/// stops being empty; WRITABLE falls on this end when it fills up.
pub(crate) fn write(end: &FifoEndpoint, elem_size: usize, bytes: &[u8]) -> Result<usize, Status> {
    end.with_pair(|this, peer| {
        let Some(peer) = peer else { return Err(Status::PEER_CLOSED) };
        let queue = peer.state;
        if elem_size != queue.elem_size {
            return Err(Status::OUT_OF_RANGE);
        }
        let count = bytes.len() / elem_size;
        if count == 0 {
            return Err(Status::OUT_OF_RANGE);
        }
        let room = queue.elem_count - queue.len();
        if room == 0 {
            return Err(Status::SHOULD_WAIT);
        }
        let was_empty = queue.data.is_empty();
        let written = count.min(room);
        queue.data.extend(&bytes[..written * elem_size]);
        if was_empty {
            peer.signals.update(Signals::NONE, Signals::FIFO_READABLE);
        }
        if queue.len() == queue.elem_count {
            this.signals.update(Signals::FIFO_WRITABLE, Signals::NONE);
        }
        Ok(written)
    })
}

/// `ReadToUserLocked`: OUT_OF_RANGE for a wrong element size or no element; from an empty
/// queue SHOULD_WAIT, or PEER_CLOSED once the peer is gone; else as many whole elements as
/// are queued, up to what `out` holds. The peer gets WRITABLE back when the queue was full;
/// READABLE falls when the queue empties.
pub(crate) fn read(end: &FifoEndpoint, elem_size: usize, out: &mut [u8]) -> Result<usize, Status> {
    end.with_pair(|this, peer| {
        let queue = this.state;
        if elem_size != queue.elem_size {
            return Err(Status::OUT_OF_RANGE);
        }
        let count = out.len() / elem_size;
        if count == 0 {
            return Err(Status::OUT_OF_RANGE);
        }
        let queued = queue.len();
        if queued == 0 {
            return Err(if peer.is_some() { Status::SHOULD_WAIT } else { Status::PEER_CLOSED });
        }
        let was_full = queued == queue.elem_count;
        let taken = count.min(queued);
        for (slot, byte) in out.iter_mut().zip(queue.data.drain(..taken * elem_size)) {
            *slot = byte;
        }
        if let Some(peer) = peer
            && was_full
        {
            peer.signals.update(Signals::NONE, Signals::FIFO_WRITABLE);
        }
        if queue.data.is_empty() {
            this.signals.update(Signals::FIFO_READABLE, Signals::NONE);
        }
        Ok(taken)
    })
}

impl From<Arc<FifoEndpoint>> for KernelObject {
    fn from(end: Arc<FifoEndpoint>) -> KernelObject {
        KernelObject::Fifo(end)
    }
}

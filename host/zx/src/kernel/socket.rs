//! Sockets: byte streams or datagram queues between two ends, after
//! `zircon/kernel/object/socket_dispatcher.cc` and `mbuf.cc` / `mbuf.h` (the kernel before
//! its socket dispatcher moved to Rust; the syscall rules are `lib/syscalls/socket.cc`).

use super::object::KernelObject;
use super::peered::{EndState, PeeredEndpoint, Side};
use crate::{Signals, Status};
use std::collections::VecDeque;
use std::sync::Arc;

/// The most bytes one end's receive buffer holds: `MBufChain::kSizeMax`, 128 mbufs of
/// 2016 payload bytes each (`kMallocSize` 2032 minus a 16-byte header).
pub(crate) const SOCKET_BUFFER_MAX: usize = 128 * 2016;

/// `SocketDispatcher::Disposition`: what `zx_socket_set_disposition` does to one end.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Disposition {
    None,
    WriteDisabled,
    WriteEnabled,
}

/// The receive buffer of one end (the kernel's `MBufChain`) plus its read state.
pub(crate) struct SocketBuffer {
    datagram: bool,
    /// Queued bytes, oldest first; datagrams are stored back to back.
    data: VecDeque<u8>,
    /// Datagram sockets: the length of each queued datagram, oldest first (never 0).
    packets: VecDeque<usize>,
    /// The peer's writes are disabled: an empty read is BAD_STATE, not SHOULD_WAIT.
    read_disabled: bool,
    /// `ZX_PROP_SOCKET_RX_THRESHOLD`: READ_THRESHOLD is asserted on this end while at least
    /// this many bytes are queued here; 0 disables it.
    read_threshold: usize,
    /// `ZX_PROP_SOCKET_TX_THRESHOLD`: WRITE_THRESHOLD is asserted on this end while the
    /// peer's buffer has at least this many bytes free; 0 disables it.
    write_threshold: usize,
}

impl EndState for SocketBuffer {
    fn release(&mut self) {
        self.data = VecDeque::new();
        self.packets = VecDeque::new();
    }
}

impl SocketBuffer {
    fn new(datagram: bool) -> SocketBuffer {
        SocketBuffer {
            datagram,
            data: VecDeque::new(),
            packets: VecDeque::new(),
            read_disabled: false,
            read_threshold: 0,
            write_threshold: 0,
        }
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn is_full(&self) -> bool {
        self.data.len() >= SOCKET_BUFFER_MAX
    }

    fn free(&self) -> usize {
        SOCKET_BUFFER_MAX - self.data.len()
    }

    /// `MBufChain::WriteStream`: as many bytes as fit; SHOULD_WAIT if none do.
    fn write_stream(&mut self, bytes: &[u8]) -> Result<usize, Status> {
        let n = bytes.len().min(SOCKET_BUFFER_MAX - self.data.len());
        if n == 0 {
            return Err(Status::SHOULD_WAIT);
        }
        self.data.extend(&bytes[..n]);
        Ok(n)
    }

    /// `MBufChain::WriteDatagram`: all or nothing. (Its INVALID_ARGS for an empty datagram
    /// is unreachable: `SocketDispatcher::Write` answers an empty write first.)
    fn write_datagram(&mut self, bytes: &[u8]) -> Result<usize, Status> {
        if bytes.len() > SOCKET_BUFFER_MAX {
            return Err(Status::OUT_OF_RANGE);
        }
        if bytes.len() + self.data.len() > SOCKET_BUFFER_MAX {
            return Err(Status::SHOULD_WAIT);
        }
        self.data.extend(bytes);
        self.packets.push_back(bytes.len());
        Ok(bytes.len())
    }

    /// `MBufChain::Read` / `Peek`: a stream read takes up to `out.len()` bytes; a datagram
    /// read takes at most one datagram, and a consuming read shorter than the datagram
    /// discards its rest. A zero-length read takes nothing, even of a datagram.
    fn read(&mut self, out: &mut [u8], peek: bool) -> usize {
        let n = match self.packets.front() {
            Some(&packet) if self.datagram => out.len().min(packet),
            _ => out.len().min(self.data.len()),
        };
        for (slot, byte) in out.iter_mut().zip(self.data.iter()).take(n) {
            *slot = *byte;
        }
        if !peek && n > 0 {
            let consumed = if self.datagram {
                self.packets.pop_front().expect("a datagram was read")
            } else {
                n
            };
            self.data.drain(..consumed);
        }
        n
    }

    /// `MBufChain::size(datagram)`: the first datagram's length, or every queued byte.
    fn available(&self) -> usize {
        if self.datagram { self.packets.front().copied().unwrap_or(0) } else { self.data.len() }
    }
}

/// One end of a socket.
pub(crate) type SocketEndpoint = PeeredEndpoint<SocketBuffer>;

/// `zx_info_socket_t` as the kernel fills it (`SocketDispatcher::GetInfo`).
pub(crate) struct RawSocketInfo {
    pub(crate) datagram: bool,
    pub(crate) rx_buf_max: usize,
    pub(crate) rx_buf_size: usize,
    pub(crate) rx_buf_available: usize,
    pub(crate) tx_buf_max: usize,
    pub(crate) tx_buf_size: usize,
}

/// Creates both ends of a stream or datagram socket, each WRITABLE.
pub(crate) fn create_pair(datagram: bool) -> (Arc<SocketEndpoint>, Arc<SocketEndpoint>) {
    SocketEndpoint::create_pair(
        [SocketBuffer::new(datagram), SocketBuffer::new(datagram)],
        Signals::SOCKET_WRITABLE,
    )
}

/// `SocketDispatcher::Write` then the peer's `WriteSelfLocked`: PEER_CLOSED, then
/// BAD_STATE if this end's writes are disabled, then `Ok(0)` for an empty write, then
/// SHOULD_WAIT if the peer's buffer is full, else the bytes written (a stream write may be
/// short). READABLE rises on the peer when its buffer stops being empty; WRITABLE falls on
/// this end when the peer's buffer fills up.
pub(crate) fn write(end: &SocketEndpoint, bytes: &[u8]) -> Result<usize, Status> {
    end.with_pair(|this, peer| {
        let Some(peer) = peer else { return Err(Status::PEER_CLOSED) };
        if this.signals.get().contains(Signals::SOCKET_WRITE_DISABLED) {
            return Err(Status::BAD_STATE);
        }
        if bytes.is_empty() {
            return Ok(0);
        }
        let buffer = peer.state;
        if buffer.is_full() {
            return Err(Status::SHOULD_WAIT);
        }
        let was_empty = buffer.is_empty();
        let written =
            if buffer.datagram { buffer.write_datagram(bytes) } else { buffer.write_stream(bytes) };
        let mut clear = Signals::NONE;
        if written.is_ok() {
            let mut set = Signals::NONE;
            if was_empty {
                set |= Signals::SOCKET_READABLE;
            }
            if buffer.read_threshold > 0 && buffer.data.len() >= buffer.read_threshold {
                set |= Signals::SOCKET_READ_THRESHOLD;
            }
            peer.signals.update(Signals::NONE, set);
            if this.state.write_threshold > 0 && buffer.free() < this.state.write_threshold {
                clear |= Signals::SOCKET_WRITE_THRESHOLD;
            }
        }
        if buffer.is_full() {
            clear |= Signals::SOCKET_WRITABLE;
        }
        this.signals.update(clear, Signals::NONE);
        written
    })
}

/// `SocketDispatcher::Read`: from an empty buffer PEER_CLOSED (peer gone), BAD_STATE (the
/// peer's writes are disabled) or SHOULD_WAIT; else the bytes read. A consuming read clears
/// READABLE when it empties the buffer and gives the peer WRITABLE back when the buffer was
/// full.
pub(crate) fn read(end: &SocketEndpoint, out: &mut [u8], peek: bool) -> Result<usize, Status> {
    end.with_pair(|this, peer| {
        let Side { state: buffer, signals } = this;
        if buffer.is_empty() {
            return Err(if peer.is_none() {
                Status::PEER_CLOSED
            } else if buffer.read_disabled {
                Status::BAD_STATE
            } else {
                Status::SHOULD_WAIT
            });
        }
        if peek {
            return Ok(buffer.read(out, true));
        }
        let was_full = buffer.is_full();
        let actual = buffer.read(out, false);
        let mut clear = Signals::NONE;
        if buffer.read_threshold > 0 && buffer.data.len() < buffer.read_threshold {
            clear |= Signals::SOCKET_READ_THRESHOLD;
        }
        if buffer.is_empty() {
            clear |= Signals::SOCKET_READABLE;
        }
        signals.update(clear, Signals::NONE);
        if let Some(peer) = peer {
            let mut set = Signals::NONE;
            if peer.state.write_threshold > 0 && buffer.free() >= peer.state.write_threshold {
                set |= Signals::SOCKET_WRITE_THRESHOLD;
            }
            if was_full && actual > 0 {
                set |= Signals::SOCKET_WRITABLE;
            }
            peer.signals.update(Signals::NONE, set);
        }
        Ok(actual)
    })
}

/// The signal changes a disposition makes: `(clear, set)` on the end it applies to and on
/// that end's peer (`ExtendMasksFromDisposition`).
fn disposition_masks(disposition: Disposition) -> [(Signals, Signals); 2] {
    match disposition {
        Disposition::WriteDisabled => [
            (Signals::SOCKET_WRITABLE, Signals::SOCKET_WRITE_DISABLED),
            (Signals::NONE, Signals::SOCKET_PEER_WRITE_DISABLED),
        ],
        Disposition::WriteEnabled => [
            (Signals::SOCKET_WRITE_DISABLED, Signals::SOCKET_WRITABLE),
            (Signals::SOCKET_PEER_WRITE_DISABLED, Signals::NONE),
        ],
        Disposition::None => [(Signals::NONE, Signals::NONE); 2],
    }
}

/// Whether `end` allows its peer's disposition to become `peer_disposition`: writes cannot be
/// re-enabled while the data written before they were disabled is still unread
/// (`IsDispositionStateValid`).
fn disposition_valid(end: &Side<'_, SocketBuffer>, peer_disposition: Disposition) -> bool {
    !(peer_disposition == Disposition::WriteEnabled
        && !end.state.is_empty()
        && end.signals.get().contains(Signals::SOCKET_PEER_WRITE_DISABLED))
}

fn update_read_status(end: &mut SocketBuffer, peer_disposition: Disposition) {
    match peer_disposition {
        Disposition::WriteDisabled => end.read_disabled = true,
        Disposition::WriteEnabled => end.read_disabled = false,
        Disposition::None => {}
    }
}

/// `SocketDispatcher::SetDisposition`: sets the write disposition of this end and of its
/// peer (the peer's is ignored once the peer has closed). BAD_STATE, changing nothing, if
/// either would re-enable writes whose data is still unread.
pub(crate) fn set_disposition(
    end: &SocketEndpoint,
    disposition: Disposition,
    peer_disposition: Disposition,
) -> Result<(), Status> {
    if disposition == Disposition::None && peer_disposition == Disposition::None {
        return Ok(());
    }
    end.with_pair(|this, peer| {
        let [mut mine, mut theirs] = disposition_masks(disposition);
        if !disposition_valid(&this, peer_disposition) {
            return Err(Status::BAD_STATE);
        }
        if let Some(peer) = peer {
            if !disposition_valid(&peer, disposition) {
                return Err(Status::BAD_STATE);
            }
            let [peer_own, peer_on_me] = disposition_masks(peer_disposition);
            theirs = (theirs.0 | peer_own.0, theirs.1 | peer_own.1);
            mine = (mine.0 | peer_on_me.0, mine.1 | peer_on_me.1);
            update_read_status(peer.state, disposition);
            peer.signals.update(theirs.0, theirs.1);
        }
        update_read_status(this.state, peer_disposition);
        this.signals.update(mine.0, mine.1);
        Ok(())
    })
}

/// `SocketDispatcher::GetReadThreshold` / `GetWriteThreshold`: `(rx, tx)`.
pub(crate) fn thresholds(end: &SocketEndpoint) -> (usize, usize) {
    end.with_pair(|this, _| (this.state.read_threshold, this.state.write_threshold))
}

/// `SocketDispatcher::SetReadThreshold`: INVALID_ARGS above the buffer size; READ_THRESHOLD
/// then follows the bytes queued here (0 clears it).
pub(crate) fn set_read_threshold(end: &SocketEndpoint, value: usize) -> Result<(), Status> {
    end.with_pair(|this, _| {
        if value > SOCKET_BUFFER_MAX {
            return Err(Status::INVALID_ARGS);
        }
        this.state.read_threshold = value;
        if value > 0 && this.state.data.len() >= value {
            this.signals.update(Signals::NONE, Signals::SOCKET_READ_THRESHOLD);
        } else {
            this.signals.update(Signals::SOCKET_READ_THRESHOLD, Signals::NONE);
        }
        Ok(())
    })
}

/// `SocketDispatcher::SetWriteThreshold`: PEER_CLOSED without a peer, INVALID_ARGS above the
/// peer's buffer size; WRITE_THRESHOLD then follows the room in the peer's buffer (0 clears
/// it).
pub(crate) fn set_write_threshold(end: &SocketEndpoint, value: usize) -> Result<(), Status> {
    end.with_pair(|this, peer| {
        let Some(peer) = peer else { return Err(Status::PEER_CLOSED) };
        if value > SOCKET_BUFFER_MAX {
            return Err(Status::INVALID_ARGS);
        }
        this.state.write_threshold = value;
        if value > 0 && peer.state.free() >= value {
            this.signals.update(Signals::NONE, Signals::SOCKET_WRITE_THRESHOLD);
        } else {
            this.signals.update(Signals::SOCKET_WRITE_THRESHOLD, Signals::NONE);
        }
        Ok(())
    })
}

/// `SocketDispatcher::GetInfo`.
pub(crate) fn info(end: &SocketEndpoint) -> RawSocketInfo {
    end.with_pair(|this, peer| RawSocketInfo {
        datagram: this.state.datagram,
        rx_buf_max: SOCKET_BUFFER_MAX,
        rx_buf_size: this.state.data.len(),
        rx_buf_available: this.state.available(),
        tx_buf_max: if peer.is_some() { SOCKET_BUFFER_MAX } else { 0 },
        tx_buf_size: peer.map_or(0, |peer| peer.state.data.len()),
    })
}

impl From<Arc<SocketEndpoint>> for KernelObject {
    fn from(end: Arc<SocketEndpoint>) -> KernelObject {
        KernelObject::Socket(end)
    }
}

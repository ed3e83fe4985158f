//! `zx::Socket`: a pair of ends carrying a byte stream or datagrams each way.
//!
//! The API follows the in-tree `sdk/rust/zx/src/socket.rs`; the kernel rules (buffer size,
//! short stream writes, all-or-nothing datagrams, truncating datagram reads, dispositions,
//! signals) are those of `zircon/kernel/object/socket_dispatcher.cc`, `mbuf.cc` and
//! `lib/syscalls/socket.cc`, implemented in `kernel/socket.rs`.

#![allow(clippy::bad_bit_mask)] // SocketOpts::STREAM is 0, as in-tree.

use crate::handle::{handle_based_type, new_handle};
use crate::kernel::object::KernelObject;
use crate::kernel::socket::{self, Disposition, SocketEndpoint};
use crate::kernel::table;
use crate::{Peered, Rights, Status, sys};
use std::mem::MaybeUninit;
use std::sync::Arc;

handle_based_type! {
    /// One end of a socket. Bytes written to one end are read from the other; each end
    /// buffers up to 258,048 bytes (`MBufChain::kSizeMax`) for its reader.
    Socket
}

impl Peered for Socket {}

bitflags::bitflags! {
    /// `zx_socket_create` options.
    #[repr(transparent)]
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct SocketOpts: u32 {
        const STREAM = 0;
        const DATAGRAM = 1 << 0;
    }
}

bitflags::bitflags! {
    /// `zx_socket_read` options.
    #[repr(transparent)]
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct SocketReadOpts: u32 {
        /// Leave the bytes read in the socket.
        const PEEK = 1 << 3;
    }
}

bitflags::bitflags! {
    /// `zx_socket_write` options (none are defined; any bit is INVALID_ARGS).
    #[repr(transparent)]
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct SocketWriteOpts: u32 {
    }
}

/// The write disposition `zx_socket_set_disposition` gives one end.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum SocketWriteDisposition {
    /// `ZX_SOCKET_DISPOSITION_WRITE_ENABLED`.
    Enabled,
    /// `ZX_SOCKET_DISPOSITION_WRITE_DISABLED`.
    Disabled,
}

impl SocketWriteDisposition {
    /// The disposition of a raw `zx_socket_set_disposition` argument: `None` for 0,
    /// INVALID_ARGS for anything but the two values.
    pub fn from_raw(raw: u32) -> Result<Option<SocketWriteDisposition>, Status> {
        match raw {
            0 => Ok(None),
            sys::ZX_SOCKET_DISPOSITION_WRITE_ENABLED => Ok(Some(SocketWriteDisposition::Enabled)),
            sys::ZX_SOCKET_DISPOSITION_WRITE_DISABLED => Ok(Some(SocketWriteDisposition::Disabled)),
            _ => Err(Status::INVALID_ARGS),
        }
    }
}

impl From<SocketWriteDisposition> for u32 {
    fn from(disposition: SocketWriteDisposition) -> u32 {
        match disposition {
            SocketWriteDisposition::Enabled => sys::ZX_SOCKET_DISPOSITION_WRITE_ENABLED,
            SocketWriteDisposition::Disabled => sys::ZX_SOCKET_DISPOSITION_WRITE_DISABLED,
        }
    }
}

fn kernel_disposition(disposition: Option<SocketWriteDisposition>) -> Disposition {
    match disposition {
        None => Disposition::None,
        Some(SocketWriteDisposition::Enabled) => Disposition::WriteEnabled,
        Some(SocketWriteDisposition::Disabled) => Disposition::WriteDisabled,
    }
}

/// `ZX_INFO_SOCKET`, in bytes: this end's receive buffer (`rx_*`) and the peer's, which this
/// end writes into (`tx_*`, 0 once the peer has closed).
#[repr(C)]
#[derive(Debug, Copy, Clone, Eq, PartialEq)]
pub struct SocketInfo {
    pub options: SocketOpts,
    pub rx_buf_max: usize,
    pub rx_buf_size: usize,
    /// What the next read can return: every queued byte, or the next datagram's length.
    pub rx_buf_available: usize,
    pub tx_buf_max: usize,
    pub tx_buf_size: usize,
}

impl Default for SocketInfo {
    fn default() -> SocketInfo {
        SocketInfo {
            options: SocketOpts::STREAM,
            rx_buf_max: 0,
            rx_buf_size: 0,
            rx_buf_available: 0,
            tx_buf_max: 0,
            tx_buf_size: 0,
        }
    }
}

impl From<sys::zx_info_socket_t> for SocketInfo {
    fn from(info: sys::zx_info_socket_t) -> SocketInfo {
        SocketInfo {
            options: SocketOpts::from_bits_truncate(info.options),
            rx_buf_max: info.rx_buf_max,
            rx_buf_size: info.rx_buf_size,
            rx_buf_available: info.rx_buf_available,
            tx_buf_max: info.tx_buf_max,
            tx_buf_size: info.tx_buf_size,
        }
    }
}

impl Socket {
    /// Creates a stream socket: bytes without boundaries.
    pub fn create_stream() -> (Socket, Socket) {
        Self::create(false)
    }

    /// Creates a datagram socket: each write is one message, read whole or truncated.
    pub fn create_datagram() -> (Socket, Socket) {
        Self::create(true)
    }

    fn create(datagram: bool) -> (Socket, Socket) {
        let _syscall = crate::host::counters::syscall();
        let (a, b) = socket::create_pair(datagram);
        (
            Socket(new_handle(a.into(), Rights::SOCKET_DEFAULT)),
            Socket(new_handle(b.into(), Rights::SOCKET_DEFAULT)),
        )
    }

    fn endpoint(&self, needed: Rights) -> Result<Arc<SocketEndpoint>, Status> {
        let (object, rights) = table::lookup(self.raw_handle())?;
        let KernelObject::Socket(end) = object else { return Err(Status::WRONG_TYPE) };
        if !rights.contains(needed) {
            return Err(Status::ACCESS_DENIED);
        }
        Ok(end)
    }

    /// Writes `bytes` for the peer to read; the count written. A stream write is short when
    /// the peer's buffer has less room; a datagram is written whole or not at all. Errors, in
    /// the kernel's order: ACCESS_DENIED without WRITE, PEER_CLOSED, BAD_STATE when this
    /// end's writes are disabled, then (an empty write being `Ok(0)`) SHOULD_WAIT when the
    /// peer's buffer is full (or, for a datagram, lacks room for it), OUT_OF_RANGE for a
    /// datagram larger than a whole buffer.
    pub fn write(&self, bytes: &[u8]) -> Result<usize, Status> {
        self.write_opts(bytes, SocketWriteOpts::default())
    }

    /// [`Socket::write`] with options: INVALID_ARGS for any option bit.
    pub fn write_opts(&self, bytes: &[u8], opts: SocketWriteOpts) -> Result<usize, Status> {
        let _syscall = crate::host::counters::syscall();
        if opts.bits() != 0 {
            return Err(Status::INVALID_ARGS);
        }
        socket::write(&*self.endpoint(Rights::WRITE)?, bytes)
    }

    /// [`Socket::write`] from a raw buffer.
    ///
    /// # Safety
    /// `bytes` must be valid to read for `len` bytes.
    pub unsafe fn write_raw(&self, bytes: *const u8, len: usize) -> Result<usize, Status> {
        // SAFETY: forwarded to the caller.
        unsafe { self.write_raw_opts(bytes, len, SocketWriteOpts::default()) }
    }

    /// [`Socket::write_opts`] from a raw buffer.
    ///
    /// # Safety
    /// `bytes` must be valid to read for `len` bytes.
    pub unsafe fn write_raw_opts(
        &self,
        bytes: *const u8,
        len: usize,
        opts: SocketWriteOpts,
    ) -> Result<usize, Status> {
        if len == 0 {
            return self.write_opts(&[], opts);
        }
        // SAFETY: the caller guarantees `bytes` is readable for `len` bytes.
        self.write_opts(unsafe { std::slice::from_raw_parts(bytes, len) }, opts)
    }

    /// Reads into `bytes`; the count read. A datagram read returns one datagram, truncated to
    /// `bytes` (its rest is discarded). Errors: ACCESS_DENIED without READ; from an empty
    /// buffer PEER_CLOSED once the peer has closed, BAD_STATE once the peer's writes are
    /// disabled, SHOULD_WAIT otherwise. Queued bytes are read before either end state shows.
    pub fn read(&self, bytes: &mut [u8]) -> Result<usize, Status> {
        self.read_opts(bytes, SocketReadOpts::default())
    }

    /// [`Socket::read`] with options: PEEK leaves the bytes in the socket; any other bit is
    /// INVALID_ARGS.
    pub fn read_opts(&self, bytes: &mut [u8], opts: SocketReadOpts) -> Result<usize, Status> {
        let _syscall = crate::host::counters::syscall();
        if !SocketReadOpts::PEEK.contains(opts) {
            return Err(Status::INVALID_ARGS);
        }
        socket::read(&*self.endpoint(Rights::READ)?, bytes, opts.contains(SocketReadOpts::PEEK))
    }

    /// [`Socket::read`] into a raw buffer.
    ///
    /// # Safety
    /// `bytes` must be valid to write for `len` bytes.
    pub unsafe fn read_raw(&self, bytes: *mut u8, len: usize) -> Result<usize, Status> {
        // SAFETY: forwarded to the caller.
        unsafe { self.read_raw_opts(bytes, len, SocketReadOpts::default()) }
    }

    /// [`Socket::read_opts`] into a raw buffer.
    ///
    /// # Safety
    /// `bytes` must be valid to write for `len` bytes.
    pub unsafe fn read_raw_opts(
        &self,
        bytes: *mut u8,
        len: usize,
        opts: SocketReadOpts,
    ) -> Result<usize, Status> {
        if len == 0 {
            return self.read_opts(&mut [], opts);
        }
        // SAFETY: the caller guarantees `bytes` is writable for `len` bytes; it is zeroed
        // first so that the slice is initialized.
        let buffer = unsafe {
            std::ptr::write_bytes(bytes, 0, len);
            std::slice::from_raw_parts_mut(bytes, len)
        };
        self.read_opts(buffer, opts)
    }

    /// [`Socket::read_uninit_opts`] without options.
    pub fn read_uninit<'a>(
        &self,
        bytes: &'a mut [MaybeUninit<u8>],
    ) -> Result<&'a mut [u8], Status> {
        self.read_uninit_opts(bytes, SocketReadOpts::default())
    }

    /// [`Socket::read_opts`] into memory that may be uninitialized; the bytes read.
    pub fn read_uninit_opts<'a>(
        &self,
        bytes: &'a mut [MaybeUninit<u8>],
        opts: SocketReadOpts,
    ) -> Result<&'a mut [u8], Status> {
        // SAFETY: the pointer and length come from a live, writable slice.
        let actual = unsafe { self.read_raw_opts(bytes.as_mut_ptr().cast(), bytes.len(), opts)? };
        let (valid, _rest) = bytes.split_at_mut(actual);
        // SAFETY: `read_raw_opts` initialized the whole buffer.
        Ok(unsafe { std::slice::from_raw_parts_mut(valid.as_mut_ptr().cast(), valid.len()) })
    }

    /// Disables the peer's writes: they fail with BAD_STATE, and this end reads what is
    /// queued, then BAD_STATE.
    pub fn half_close(&self) -> Result<(), Status> {
        self.set_disposition(None, Some(SocketWriteDisposition::Disabled))
    }

    /// Sets the write disposition of this end and of its peer (`None` leaves one as it is;
    /// the peer's is ignored once the peer has closed). Needs MANAGE_SOCKET. BAD_STATE,
    /// changing nothing, when it would re-enable writes on an end whose earlier data is still
    /// unread.
    pub fn set_disposition(
        &self,
        disposition: Option<SocketWriteDisposition>,
        disposition_peer: Option<SocketWriteDisposition>,
    ) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let end = self.endpoint(Rights::MANAGE_SOCKET)?;
        socket::set_disposition(
            &end,
            kernel_disposition(disposition),
            kernel_disposition(disposition_peer),
        )
    }

    /// The bytes the next read can return (the next datagram's length for a datagram
    /// socket). Needs INSPECT.
    pub fn outstanding_read_bytes(&self) -> Result<usize, Status> {
        Ok(self.info()?.rx_buf_available)
    }

    /// `ZX_INFO_SOCKET`. Needs INSPECT.
    pub fn info(&self) -> Result<SocketInfo, Status> {
        let _syscall = crate::host::counters::syscall();
        let info = socket::info(&*self.endpoint(Rights::INSPECT)?);
        Ok(SocketInfo::from(sys::zx_info_socket_t {
            options: if info.datagram { sys::ZX_SOCKET_DATAGRAM } else { sys::ZX_SOCKET_STREAM },
            padding1: [0; 4],
            rx_buf_max: info.rx_buf_max,
            rx_buf_size: info.rx_buf_size,
            rx_buf_available: info.rx_buf_available,
            tx_buf_max: info.tx_buf_max,
            tx_buf_size: info.tx_buf_size,
        }))
    }

    /// `ZX_PROP_SOCKET_RX_THRESHOLD`: READ_THRESHOLD is asserted while at least this many
    /// bytes are queued for this end (0: never). Needs GET_PROPERTY.
    pub fn get_rx_threshold(&self) -> Result<usize, Status> {
        let _syscall = crate::host::counters::syscall();
        Ok(socket::thresholds(&*self.endpoint(Rights::GET_PROPERTY)?).0)
    }

    /// Sets `ZX_PROP_SOCKET_RX_THRESHOLD`. Needs SET_PROPERTY; INVALID_ARGS above
    /// `rx_buf_max`.
    pub fn set_rx_threshold(&self, val: &usize) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        socket::set_read_threshold(&*self.endpoint(Rights::SET_PROPERTY)?, *val)
    }

    /// `ZX_PROP_SOCKET_TX_THRESHOLD`: WRITE_THRESHOLD is asserted while the peer's buffer has
    /// at least this many bytes free (0: never). Needs GET_PROPERTY.
    pub fn get_tx_threshold(&self) -> Result<usize, Status> {
        let _syscall = crate::host::counters::syscall();
        Ok(socket::thresholds(&*self.endpoint(Rights::GET_PROPERTY)?).1)
    }

    /// Sets `ZX_PROP_SOCKET_TX_THRESHOLD`. Needs SET_PROPERTY; PEER_CLOSED once the peer has
    /// closed; INVALID_ARGS above `tx_buf_max`.
    pub fn set_tx_threshold(&self, val: &usize) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        socket::set_write_threshold(&*self.endpoint(Rights::SET_PROPERTY)?, *val)
    }
}

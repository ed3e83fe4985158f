//! `zx::Channel`: a bidirectional message pipe.

use crate::handle::{handle_based_type, new_handle, reduced_rights};
use crate::kernel::channel::{ChannelEndpoint, Message, ReadError, destroy_messages};
use crate::kernel::object::KernelObject;
use crate::kernel::table::{self, Entry};
use crate::kernel::wait::thread_waker;
use crate::{
    HandleDisposition, HandleInfo, MessageBuf, MessageBufEtc, MonotonicInstant, NullableHandle,
    ObjectType, Peered, Rights, Status, sys,
};
use std::collections::VecDeque;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

handle_based_type! {
    /// One end of a channel.
    Channel
}

impl Peered for Channel {}

/// The outcome of `Channel::read_uninit`.
#[derive(Debug)]
pub enum ChannelReadResult<T> {
    Ok(T),
    /// The next message needs this much room; it stays queued.
    BufferTooSmall {
        bytes_avail: usize,
        handles_avail: usize,
    },
    Err(Status),
}

impl<T> ChannelReadResult<T> {
    pub fn to_result(self) -> Result<T, Status> {
        match self {
            ChannelReadResult::Ok(t) => Ok(t),
            ChannelReadResult::BufferTooSmall { .. } => Err(Status::BUFFER_TOO_SMALL),
            ChannelReadResult::Err(status) => Err(status),
        }
    }

    #[track_caller]
    pub fn unwrap(self) -> T {
        match self {
            ChannelReadResult::Ok(t) => t,
            ChannelReadResult::BufferTooSmall { bytes_avail, handles_avail } => {
                panic!("buffer too small: {bytes_avail} bytes, {handles_avail} handles needed")
            }
            ChannelReadResult::Err(status) => panic!("channel read failed: {status}"),
        }
    }
}

const MAX_BYTES: usize = sys::ZX_CHANNEL_MAX_MSG_BYTES as usize;
const MAX_HANDLES: usize = sys::ZX_CHANNEL_MAX_MSG_HANDLES as usize;

/// Transaction ids for `call`: the kernel's range has the high bit set.
static NEXT_CALL_TXID: AtomicU32 = AtomicU32::new(1);

fn endpoint(raw: u32, needed: Rights) -> Result<Arc<ChannelEndpoint>, Status> {
    let (object, rights) = table::lookup(raw)?;
    let KernelObject::Channel(endpoint) = object else { return Err(Status::WRONG_TYPE) };
    if !rights.contains(needed) {
        return Err(Status::ACCESS_DENIED);
    }
    Ok(endpoint)
}

/// Checks one handle taken out of the table for transfer through `channel`.
fn transferable(entry: &Entry, channel: &Arc<ChannelEndpoint>) -> Result<(), Status> {
    if let KernelObject::Channel(end) = &entry.object
        && Arc::ptr_eq(end, channel)
    {
        return Err(Status::NOT_SUPPORTED);
    }
    if !entry.rights.contains(Rights::TRANSFER) {
        return Err(Status::ACCESS_DENIED);
    }
    Ok(())
}

/// Queues `bytes` + `entries` on the peer of `channel`, destroying the message on failure.
fn enqueue(channel: &ChannelEndpoint, bytes: &[u8], entries: Vec<Entry>) -> Result<(), Status> {
    channel.write(Message { bytes: bytes.to_vec(), handles: entries }).map_err(
        |(status, message)| {
            destroy_messages(VecDeque::from([message]));
            status
        },
    )
}

fn into_handle(entry: Entry) -> NullableHandle {
    // SAFETY: the value was just inserted and is owned by nobody else.
    unsafe { NullableHandle::from_raw(table::insert(entry)) }
}

fn into_handle_info(entry: Entry) -> HandleInfo {
    let (object_type, rights) = (entry.object.object_type(), entry.rights);
    HandleInfo::new(into_handle(entry), object_type, rights)
}

impl Channel {
    /// Creates a channel; both ends are WRITABLE and have the default channel rights.
    pub fn create() -> (Channel, Channel) {
        let _syscall = crate::host::counters::syscall();
        let (a, b) = ChannelEndpoint::create_pair();
        (
            Channel(new_handle(a.into(), Rights::CHANNEL_DEFAULT)),
            Channel(new_handle(b.into(), Rights::CHANNEL_DEFAULT)),
        )
    }

    /// Writes a message. Every handle in `handles` is consumed (its slot left invalid),
    /// whether the write succeeds or not.
    pub fn write(&self, bytes: &[u8], handles: &mut [NullableHandle]) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let raws: Vec<u32> = handles.iter_mut().map(|h| std::mem::take(h).into_raw()).collect();
        let channel = match endpoint(self.raw_handle(), Rights::WRITE) {
            Ok(channel) => channel,
            Err(status) => {
                raws.into_iter().for_each(table::close);
                return Err(status);
            }
        };
        let size_ok = bytes.len() <= MAX_BYTES && raws.len() <= MAX_HANDLES;
        let mut first_error = (!size_ok).then_some(Status::OUT_OF_RANGE);
        let mut entries = Vec::with_capacity(raws.len());
        for raw in raws {
            match table::remove(raw) {
                Ok(entry) => {
                    if let Err(status) = transferable(&entry, &channel) {
                        first_error.get_or_insert(status);
                    }
                    entries.push(entry);
                }
                Err(status) => {
                    first_error.get_or_insert(status);
                }
            }
        }
        if let Some(status) = first_error {
            drop(entries);
            return Err(status);
        }
        enqueue(&channel, bytes, entries)
    }

    /// Writes a message whose handles carry the object type and rights the sender asserts.
    /// A type other than NONE must match the object (WRONG_TYPE); rights other than
    /// SAME_RIGHTS must be a subset (INVALID_ARGS) and replace the handle's rights. Moved
    /// handles are consumed whatever the outcome; each disposition's `result` is set.
    pub fn write_etc(
        &self,
        bytes: &[u8],
        handles: &mut [HandleDisposition<'_>],
    ) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let channel = endpoint(self.raw_handle(), Rights::WRITE);
        let size_ok = bytes.len() <= MAX_BYTES && handles.len() <= MAX_HANDLES;
        let mut first_error = match &channel {
            Err(status) => Some(*status),
            Ok(_) if !size_ok => Some(Status::OUT_OF_RANGE),
            Ok(_) => None,
        };
        let mut entries = Vec::with_capacity(handles.len());
        for disposition in handles.iter_mut() {
            let outcome = match &channel {
                Ok(channel) => dispose(disposition, channel),
                Err(status) => {
                    if disposition.is_move() {
                        table::close(disposition.handle);
                    }
                    Err(*status)
                }
            };
            if disposition.is_move() {
                disposition.handle = sys::ZX_HANDLE_INVALID;
            }
            match outcome {
                Ok(entry) => {
                    disposition.result = Status::OK;
                    entries.push(entry);
                }
                Err(status) => {
                    disposition.result = status;
                    first_error.get_or_insert(status);
                }
            }
        }
        match (first_error, channel) {
            (None, Ok(channel)) => enqueue(&channel, bytes, entries),
            (Some(status), _) | (None, Err(status)) => Err(status),
        }
    }

    /// Reads the next message into caller-provided storage. BUFFER_TOO_SMALL leaves the
    /// message queued and reports the room it needs.
    pub fn read_uninit<'b, 'h>(
        &self,
        bytes: &'b mut [MaybeUninit<u8>],
        handles: &'h mut [MaybeUninit<NullableHandle>],
    ) -> ChannelReadResult<(&'b mut [u8], &'h mut [NullableHandle])> {
        let _syscall = crate::host::counters::syscall();
        let message = match self.dequeue(bytes.len(), handles.len()) {
            Ok(message) => message,
            Err(ReadError::TooSmall { bytes_avail, handles_avail }) => {
                return ChannelReadResult::BufferTooSmall { bytes_avail, handles_avail };
            }
            Err(ReadError::Status(status)) => return ChannelReadResult::Err(status),
        };
        let (n_bytes, n_handles) = (message.bytes.len(), message.handles.len());
        for (dst, src) in bytes.iter_mut().zip(&message.bytes) {
            dst.write(*src);
        }
        for (dst, entry) in handles.iter_mut().zip(message.handles) {
            dst.write(into_handle(entry));
        }
        // SAFETY: the first n_bytes / n_handles elements were initialised just above.
        unsafe {
            ChannelReadResult::Ok((
                std::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast::<u8>(), n_bytes),
                std::slice::from_raw_parts_mut(
                    handles.as_mut_ptr().cast::<NullableHandle>(),
                    n_handles,
                ),
            ))
        }
    }

    /// Reads the next message, growing the buffers as needed.
    pub fn read_split(
        &self,
        bytes: &mut Vec<u8>,
        handles: &mut Vec<NullableHandle>,
    ) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let message = self.dequeue(usize::MAX, usize::MAX).map_err(read_status)?;
        *bytes = message.bytes;
        handles.clear();
        handles.extend(message.handles.into_iter().map(into_handle));
        Ok(())
    }

    /// Reads the next message into `buf`, growing it as needed.
    pub fn read(&self, buf: &mut MessageBuf) -> Result<(), Status> {
        let (bytes, handles) = buf.split_mut();
        self.read_split(bytes, handles)
    }

    /// Reads the next message with each handle's object type and rights.
    pub fn read_etc_split(
        &self,
        bytes: &mut Vec<u8>,
        handle_infos: &mut Vec<HandleInfo>,
    ) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let message = self.dequeue(usize::MAX, usize::MAX).map_err(read_status)?;
        *bytes = message.bytes;
        handle_infos.clear();
        handle_infos.extend(message.handles.into_iter().map(into_handle_info));
        Ok(())
    }

    /// Reads the next message into `buf`, with handle types and rights.
    pub fn read_etc(&self, buf: &mut MessageBufEtc) -> Result<(), Status> {
        let (bytes, handle_infos) = buf.split_mut();
        self.read_etc_split(bytes, handle_infos)
    }

    fn dequeue(&self, max_bytes: usize, max_handles: usize) -> Result<Message, ReadError> {
        endpoint(self.raw_handle(), Rights::READ)
            .map_err(ReadError::Status)?
            .read(max_bytes, max_handles)
    }

    /// `zx_channel_call`: writes `bytes` (whose first four bytes the kernel overwrites with a
    /// fresh transaction id), then blocks until the reply with that id arrives or `deadline`
    /// passes. Other messages stay queued for ordinary reads.
    pub fn call(
        &self,
        deadline: MonotonicInstant,
        bytes: &[u8],
        handles: &mut [NullableHandle],
        buf: &mut MessageBuf,
    ) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let txid = self.call_write(bytes, |channel, bytes| channel.write(bytes, handles))?;
        let message = self.await_reply(txid, deadline)?;
        let (out_bytes, out_handles) = buf.split_mut();
        *out_bytes = message.bytes;
        out_handles.clear();
        out_handles.extend(message.handles.into_iter().map(into_handle));
        Ok(())
    }

    /// `zx_channel_call_etc`: `call` with handle dispositions out and handle infos back.
    pub fn call_etc(
        &self,
        deadline: MonotonicInstant,
        bytes: &[u8],
        handles: &mut [HandleDisposition<'_>],
        buf: &mut MessageBufEtc,
    ) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let txid = self.call_write(bytes, |channel, bytes| channel.write_etc(bytes, handles))?;
        let message = self.await_reply(txid, deadline)?;
        let (out_bytes, out_infos) = buf.split_mut();
        *out_bytes = message.bytes;
        out_infos.clear();
        out_infos.extend(message.handles.into_iter().map(into_handle_info));
        Ok(())
    }

    fn call_write(
        &self,
        bytes: &[u8],
        write: impl FnOnce(&Channel, &[u8]) -> Result<(), Status>,
    ) -> Result<u32, Status> {
        if bytes.len() < 4 {
            return Err(Status::INVALID_ARGS);
        }
        let txid = NEXT_CALL_TXID.fetch_add(1, Ordering::Relaxed) | 0x8000_0000;
        let mut stamped = bytes.to_vec();
        stamped[..4].copy_from_slice(&txid.to_le_bytes());
        write(self, &stamped)?;
        Ok(txid)
    }

    fn await_reply(&self, txid: u32, deadline: MonotonicInstant) -> Result<Message, Status> {
        let channel = endpoint(self.raw_handle(), Rights::READ)?;
        let waker = thread_waker();
        loop {
            if let Some(reply) = channel.take_reply(txid, &waker)? {
                return Ok(reply);
            }
            let now = MonotonicInstant::get();
            if now >= deadline {
                channel.cancel_call(txid);
                return Err(Status::TIMED_OUT);
            }
            if deadline == MonotonicInstant::INFINITE {
                std::thread::park();
            } else {
                std::thread::park_timeout((deadline - now).to_std());
            }
        }
    }
}

fn read_status(error: ReadError) -> Status {
    match error {
        ReadError::Status(status) => status,
        ReadError::TooSmall { .. } => Status::BUFFER_TOO_SMALL,
    }
}

/// Applies one disposition: takes (move) or duplicates the handle, checks type and rights.
fn dispose(
    disposition: &HandleDisposition<'_>,
    channel: &Arc<ChannelEndpoint>,
) -> Result<Entry, Status> {
    let entry = if disposition.is_move() {
        let entry = table::remove(disposition.handle)?;
        transferable(&entry, channel)?;
        entry
    } else {
        let (object, rights) = table::lookup(disposition.handle)?;
        if !rights.contains(Rights::DUPLICATE) {
            return Err(Status::ACCESS_DENIED);
        }
        let entry = Entry::new(object, rights);
        transferable(&entry, channel)?;
        entry
    };
    if disposition.object_type != ObjectType::NONE
        && disposition.object_type != entry.object.object_type()
    {
        return Err(Status::WRONG_TYPE);
    }
    let mut entry = entry;
    entry.rights = reduced_rights(entry.rights, disposition.rights)?;
    Ok(entry)
}

//! `zx::Channel`: a bidirectional message pipe, with the rules of
//! `zircon/kernel/lib/syscalls/channel.cc` and `zircon/kernel/object/user_handles.cc`.

use crate::handle::{handle_based_type, new_handle, reduced_rights};
use crate::kernel::channel::{ChannelEndpoint, Message, ReadError, destroy_messages};
use crate::kernel::object::KernelObject;
use crate::kernel::table::{self, Entry};
use crate::kernel::wait::{park_until, thread_waker};
use crate::policy::{self, MAX_PENDING_CHANNEL_MESSAGES, PolicyException};
use crate::{
    HandleDisposition, HandleInfo, MessageBuf, MessageBufEtc, MonotonicInstant, NullableHandle,
    ObjectType, Peered, Rights, Status, sys,
};
use std::collections::VecDeque;
use std::mem::MaybeUninit;
use std::sync::Arc;

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

fn endpoint(raw: u32, needed: Rights) -> Result<Arc<ChannelEndpoint>, Status> {
    let (object, rights) = table::lookup(raw)?;
    let KernelObject::Channel(endpoint) = object else { return Err(Status::WRONG_TYPE) };
    if !rights.contains(needed) {
        return Err(Status::ACCESS_DENIED);
    }
    Ok(endpoint)
}

/// The checks every handle sent through `channel` passes, in the kernel's order
/// (`common_handle_checks_locked` in `zircon/kernel/object/user_handles.cc`): TRANSFER, not
/// the channel itself, the asserted type, then the requested rights.
fn check_transfer(
    entry: &Entry,
    channel: &Arc<ChannelEndpoint>,
    object_type: ObjectType,
    rights: Rights,
) -> Result<(), Status> {
    if !entry.rights.contains(Rights::TRANSFER) {
        return Err(Status::ACCESS_DENIED);
    }
    if let KernelObject::Channel(end) = &entry.object
        && Arc::ptr_eq(end, channel)
    {
        return Err(Status::NOT_SUPPORTED);
    }
    if object_type != ObjectType::NONE && object_type != entry.object.object_type() {
        return Err(Status::WRONG_TYPE);
    }
    if rights != Rights::SAME_RIGHTS && !entry.rights.contains(rights) {
        return Err(Status::INVALID_ARGS);
    }
    Ok(())
}

/// A handle moved into a message (`move_handle_for_transfer`): reduced rights mint a new
/// handle and close the old one.
fn move_for_transfer(
    entry: Entry,
    channel: &Arc<ChannelEndpoint>,
    object_type: ObjectType,
    rights: Rights,
) -> Result<Entry, Status> {
    check_transfer(&entry, channel, object_type, rights)?;
    if rights == Rights::SAME_RIGHTS || rights == entry.rights {
        return Ok(entry);
    }
    Ok(Entry::new(entry.object.clone(), rights))
}

/// A duplicate of a handle for a message (`duplicate_handle_for_transfer`): the transfer
/// checks, then DUPLICATE.
fn duplicate_for_transfer(
    source: &Entry,
    channel: &Arc<ChannelEndpoint>,
    object_type: ObjectType,
    rights: Rights,
) -> Result<Entry, Status> {
    check_transfer(source, channel, object_type, rights)?;
    if !source.rights.contains(Rights::DUPLICATE) {
        return Err(Status::ACCESS_DENIED);
    }
    Ok(Entry::new(source.object.clone(), reduced_rights(source.rights, rights)?))
}

/// The handles of an outgoing message as the caller passed them.
enum Outgoing<'s, 'h> {
    /// `zx_channel_write`: every handle is consumed, whatever the outcome.
    Handles(&'s mut [NullableHandle]),
    /// `zx_channel_write_etc`: moved handles are consumed, duplicated ones stay; a failing
    /// entry gets its `result` set, the others keep the caller's.
    Dispositions(&'s mut [HandleDisposition<'h>]),
}

impl Outgoing<'_, '_> {
    fn len(&self) -> usize {
        match self {
            Outgoing::Handles(handles) => handles.len(),
            Outgoing::Dispositions(dispositions) => dispositions.len(),
        }
    }

    /// Closes the handles the call consumes, without looking at them (the kernel's
    /// `RemoveUserHandles` on an early error): no `result` is touched.
    fn discard(self) {
        match self {
            Outgoing::Handles(handles) => handles.iter_mut().for_each(|h| drop(std::mem::take(h))),
            Outgoing::Dispositions(dispositions) => {
                for disposition in dispositions.iter_mut().filter(|d| d.is_move()) {
                    table::close(std::mem::replace(
                        &mut disposition.handle,
                        sys::ZX_HANDLE_INVALID,
                    ));
                }
            }
        }
    }

    /// Takes every handle for the message (`msg_put_handles`): all are processed, the first
    /// error is returned, and on error the handles taken so far are closed.
    fn take(self, channel: &Arc<ChannelEndpoint>) -> Result<Vec<Entry>, Status> {
        let mut first_error = None;
        let mut entries = Vec::with_capacity(self.len());
        let mut keep = |outcome: Result<Entry, Status>| match outcome {
            Ok(entry) => entries.push(entry),
            Err(status) => {
                first_error.get_or_insert(status);
            }
        };
        match self {
            Outgoing::Handles(handles) => {
                for handle in handles.iter_mut() {
                    keep(table::remove(std::mem::take(handle).into_raw()).and_then(|entry| {
                        move_for_transfer(entry, channel, ObjectType::NONE, Rights::SAME_RIGHTS)
                    }));
                }
            }
            Outgoing::Dispositions(dispositions) => {
                for disposition in dispositions.iter_mut() {
                    let (object_type, rights) = (disposition.object_type, disposition.rights);
                    let outcome = if disposition.is_move() {
                        let raw =
                            std::mem::replace(&mut disposition.handle, sys::ZX_HANDLE_INVALID);
                        table::remove(raw).and_then(|entry| {
                            move_for_transfer(entry, channel, object_type, rights)
                        })
                    } else {
                        table::with(disposition.handle, |source| {
                            duplicate_for_transfer(source, channel, object_type, rights)
                        })
                        .and_then(|outcome| outcome)
                    };
                    if let Err(status) = &outcome {
                        disposition.result = *status;
                    }
                    keep(outcome);
                }
            }
        }
        match first_error {
            None => Ok(entries),
            Some(status) => {
                drop(entries);
                Err(status)
            }
        }
    }
}

/// Destroys a message that could not be sent, outside every lock.
fn destroy(failure: (Status, Message)) -> Status {
    let (status, message) = failure;
    destroy_messages(VecDeque::from([message]));
    status
}

/// Raises the channel-full policy exception if a write left more than
/// `MAX_PENDING_CHANNEL_MESSAGES` queued on the peer of `channel`.
fn check_pending(channel: &ChannelEndpoint, queued: usize) {
    if queued > MAX_PENDING_CHANNEL_MESSAGES {
        policy::raise(PolicyException::ChannelFullWrite {
            writer: channel.header.koid,
            receiver: channel.peer_koid,
            pending: queued,
        });
    }
}

fn into_handle(entry: Entry) -> NullableHandle {
    // Reading a handle out of a channel cancels the waits made through it.
    entry.cancel_waits();
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

    /// Checks the channel handle (for `rights`), the sizes and the handles of an outgoing
    /// message, in the order of `channel_write` in `zircon/kernel/lib/syscalls/channel.cc`,
    /// and builds it. A call's message must hold a transaction id (INVALID_ARGS).
    fn message(
        &self,
        bytes: &[u8],
        handles: Outgoing<'_, '_>,
        rights: Rights,
        is_call: bool,
    ) -> Result<(Arc<ChannelEndpoint>, Message), Status> {
        let channel = match endpoint(self.raw_handle(), rights) {
            Ok(channel) => channel,
            Err(status) => {
                handles.discard();
                return Err(status);
            }
        };
        let status = if bytes.len() > MAX_BYTES || handles.len() > MAX_HANDLES {
            Status::OUT_OF_RANGE
        } else if is_call && bytes.len() < 4 {
            Status::INVALID_ARGS
        } else {
            let entries = handles.take(&channel)?;
            return Ok((channel, Message { bytes: bytes.to_vec(), handles: entries }));
        };
        handles.discard();
        Err(status)
    }

    fn send(&self, bytes: &[u8], handles: Outgoing<'_, '_>) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let (channel, message) = self.message(bytes, handles, Rights::WRITE, false)?;
        let queued = channel.write(message).map_err(destroy)?;
        check_pending(&channel, queued);
        Ok(())
    }

    /// Writes a message. Every handle in `handles` is consumed (its slot left invalid),
    /// whether the write succeeds or not.
    ///
    /// A write that leaves more than 3,500 messages queued on the peer succeeds, then raises
    /// the channel-full policy exception on this thread (see `zx::host::PolicyException`).
    pub fn write(&self, bytes: &[u8], handles: &mut [NullableHandle]) -> Result<(), Status> {
        self.send(bytes, Outgoing::Handles(handles))
    }

    /// Writes a message whose handles carry the object type and rights the sender asserts.
    /// A type other than NONE must match the object (WRONG_TYPE); rights other than
    /// SAME_RIGHTS must be a subset (INVALID_ARGS) and replace the handle's rights. Moved
    /// handles are consumed whatever the outcome. Only a failing disposition gets its
    /// `result` set, and only once the handles are looked at (not when the channel handle
    /// or the sizes are refused). The channel-full policy applies as for `write`.
    pub fn write_etc(
        &self,
        bytes: &[u8],
        handles: &mut [HandleDisposition<'_>],
    ) -> Result<(), Status> {
        self.send(bytes, Outgoing::Dispositions(handles))
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
    /// passes. The reply goes straight to this call: it is never queued for ordinary reads
    /// and never raises READABLE. Needs READ and WRITE. Handles are consumed on every path.
    /// PEER_CLOSED when the peer closes first, CANCELED when this end's last handle closes.
    pub fn call(
        &self,
        deadline: MonotonicInstant,
        bytes: &[u8],
        handles: &mut [NullableHandle],
        buf: &mut MessageBuf,
    ) -> Result<(), Status> {
        let message = self.call_message(deadline, bytes, Outgoing::Handles(handles))?;
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
        let message = self.call_message(deadline, bytes, Outgoing::Dispositions(handles))?;
        let (out_bytes, out_infos) = buf.split_mut();
        *out_bytes = message.bytes;
        out_infos.clear();
        out_infos.extend(message.handles.into_iter().map(into_handle_info));
        Ok(())
    }

    /// Sends the request and waits for the reply (`channel_call_noretry`).
    fn call_message(
        &self,
        deadline: MonotonicInstant,
        bytes: &[u8],
        handles: Outgoing<'_, '_>,
    ) -> Result<Message, Status> {
        let _syscall = crate::host::counters::syscall();
        let (channel, message) =
            self.message(bytes, handles, Rights::READ | Rights::WRITE, true)?;
        let waker = thread_waker();
        let (txid, queued) = channel.begin_call(message, &waker).map_err(destroy)?;
        if queued > MAX_PENDING_CHANNEL_MESSAGES {
            // The thread does not come back from the exception: forget the call first.
            drop(channel.end_call(txid));
            check_pending(&channel, queued);
        }
        loop {
            if let Some(outcome) = channel.poll_call(txid, &waker) {
                return outcome;
            }
            if !park_until(deadline) {
                return channel.end_call(txid);
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

//! A trace buffer in a VMO, as the engine keeps one (`context.cc`, `rolling_buffer.cc`,
//! `buffer_internal.h`), in oneshot mode.
//!
//! Layout: the 128-byte `trace_buffer_header` at offset 0, then the data area, where records
//! are appended back to back. Writers on any number of threads reserve space by advancing
//! one atomic byte count with a compare-and-swap loop (relaxed, as `RollingBuffer::AllocRecord`)
//! and only if the whole record fits, then copy the record's bytes into their reservation
//! with one VMO write. A record that does not fit is dropped and counted; a smaller one that
//! comes later may still fit, as in-tree. The header's data end is written when a record is
//! dropped and when the buffer is stopped.
//!
//! Ordering: reservation is relaxed and says nothing about when a record's bytes are
//! written. What makes every record complete before the header announces it is ownership:
//! [`TraceBuffer::stop`] consumes the buffer, so it runs only once every
//! [`TraceBuffer::write`] borrow has ended, and handing the buffer back to the stopping
//! thread (joining the writers, `Arc::into_inner`, a mutex) is a release/acquire edge after
//! each writer's VMO write. The header that `stop` writes therefore happens after every
//! record's bytes, and a reader that learns of the stop through a channel message (itself
//! a release/acquire edge on the host) reads only whole records. Before `stop`, the header
//! may name reservations whose bytes are still being written, as in-tree.

use crate::record::{Record, Scratch, WriteError};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

thread_local! {
    /// Each thread's encoding space, reused so that writing allocates only the first time.
    /// Touched only by `TraceBuffer::write` on the owning thread, which calls out to nothing
    /// that could write again.
    static SCRATCH: std::cell::RefCell<Scratch> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `sizeof(trace_buffer_header)`.
pub const HEADER_SIZE: u64 = 128;
/// `TRACE_BUFFER_HEADER_MAGIC`.
pub const HEADER_MAGIC: u64 = 0x627566ee68656164;
/// `TRACE_BUFFER_HEADER_V0`.
pub const HEADER_VERSION: u16 = 0;
/// `kMinPhysicalBufferSize`, in bytes, header included.
pub const MIN_BUFFER_SIZE: u64 = 4096;
/// `kMaxPhysicalBufferSize` (`RollingBuffer::kMaxRollingBufferSize`), in bytes.
pub const MAX_BUFFER_SIZE: u64 = 1 << 32;

/// `trace_buffering_mode_t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferingMode {
    Oneshot = 0,
    Circular = 1,
    Streaming = 2,
}

/// `trace_buffer_header` (`buffer_internal.h`); every field little-endian at its C offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BufferHeader {
    /// Offset 0: [`HEADER_MAGIC`].
    pub magic: u64,
    /// Offset 8.
    pub version: u16,
    /// Offset 10: a [`BufferingMode`] value.
    pub buffering_mode: u8,
    /// Offset 12: how many times writing wrapped; zero in oneshot mode.
    pub wrapped_count: u32,
    /// Offset 16: the VMO's size in bytes, header included.
    pub total_size: u64,
    /// Offset 24: zero in oneshot mode.
    pub durable_buffer_size: u64,
    /// Offset 32: the data area's size in bytes (`total_size - 128` in oneshot mode).
    pub rolling_buffer_size: u64,
    /// Offset 40: zero in oneshot mode.
    pub durable_data_end: u64,
    /// Offset 48: bytes of records from the start of each data area; oneshot uses `[0]`.
    pub rolling_data_end: [u64; 2],
    /// Offset 64.
    pub num_records_dropped: u64,
}

impl BufferHeader {
    /// Decodes the first 128 bytes of a buffer; the reserved bytes are ignored.
    pub fn from_bytes(bytes: &[u8; HEADER_SIZE as usize]) -> Self {
        let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        Self {
            magic: u64_at(0),
            version: u16::from_le_bytes([bytes[8], bytes[9]]),
            buffering_mode: bytes[10],
            wrapped_count: u32::from_le_bytes(bytes[12..16].try_into().unwrap()),
            total_size: u64_at(16),
            durable_buffer_size: u64_at(24),
            rolling_buffer_size: u64_at(32),
            durable_data_end: u64_at(40),
            rolling_data_end: [u64_at(48), u64_at(56)],
            num_records_dropped: u64_at(64),
        }
    }

    /// The 128 header bytes; reserved bytes are zero.
    pub fn to_bytes(&self) -> [u8; HEADER_SIZE as usize] {
        let mut bytes = [0; HEADER_SIZE as usize];
        let mut put = |at: usize, field: &[u8]| bytes[at..at + field.len()].copy_from_slice(field);
        put(0, &self.magic.to_le_bytes());
        put(8, &self.version.to_le_bytes());
        put(10, &[self.buffering_mode]);
        put(12, &self.wrapped_count.to_le_bytes());
        put(16, &self.total_size.to_le_bytes());
        put(24, &self.durable_buffer_size.to_le_bytes());
        put(32, &self.rolling_buffer_size.to_le_bytes());
        put(40, &self.durable_data_end.to_le_bytes());
        put(48, &self.rolling_data_end[0].to_le_bytes());
        put(56, &self.rolling_data_end[1].to_le_bytes());
        put(64, &self.num_records_dropped.to_le_bytes());
        bytes
    }
}

/// Why a buffer could not be started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BufferError {
    /// Only oneshot buffering is implemented on the host.
    #[error("buffering mode {0:?} is not supported on the host")]
    UnsupportedMode(BufferingMode),
    /// The VMO is smaller than 4096 bytes or larger than 4 GiB.
    #[error("buffer of {size} bytes is outside 4096..=2^32")]
    InvalidSize { size: u64 },
    /// The VMO could not be sized or written (for example a handle without WRITE).
    #[error("trace buffer VMO: {0}")]
    Vmo(zx::Status),
    /// The initialization record was refused.
    #[error("initialization record: {0}")]
    Init(WriteError),
}

/// A provider's trace buffer while tracing: any thread may [`write`](Self::write) records;
/// the owner [`stop`](Self::stop)s it.
#[derive(Debug)]
pub struct TraceBuffer {
    /// Written by every writer (each in its own reservation) and, under `header_lock`, in
    /// its first 128 bytes.
    vmo: zx::Vmo,
    /// The data area's size in bytes (VMO size less the header).
    data_size: u64,
    /// Bytes reserved in the data area, from its start. Advanced by writers with a relaxed
    /// compare-and-swap only when the record fits; never past `data_size`.
    allocated: AtomicU64,
    /// Records dropped for want of room. Any writer increments it (relaxed).
    records_dropped: AtomicU64,
    /// Serializes header updates (`header_mutex_`): droppers and `stop`. Held only around
    /// one VMO write.
    header_lock: Mutex<()>,
}

impl TraceBuffer {
    /// Starts tracing into `vmo` (`trace_engine_start`): checks its size, writes the header
    /// (`InitBufferHeader`), then the initialization record, first in the data area.
    pub fn start(
        vmo: zx::Vmo,
        mode: BufferingMode,
        ticks_per_second: u64,
    ) -> Result<Self, BufferError> {
        if mode != BufferingMode::Oneshot {
            return Err(BufferError::UnsupportedMode(mode));
        }
        let total_size = vmo.get_size().map_err(BufferError::Vmo)?;
        if !(MIN_BUFFER_SIZE..=MAX_BUFFER_SIZE).contains(&total_size) {
            return Err(BufferError::InvalidSize { size: total_size });
        }
        let mut init = Scratch::new();
        Record::Initialization { ticks_per_second }.encode(&mut init).map_err(BufferError::Init)?;
        let header = BufferHeader {
            magic: HEADER_MAGIC,
            version: HEADER_VERSION,
            buffering_mode: mode as u8,
            total_size,
            rolling_buffer_size: total_size - HEADER_SIZE,
            ..BufferHeader::default()
        };
        vmo.write(&header.to_bytes(), 0).map_err(BufferError::Vmo)?;
        vmo.write(&init, HEADER_SIZE).map_err(BufferError::Vmo)?;
        Ok(Self {
            vmo,
            data_size: total_size - HEADER_SIZE,
            allocated: AtomicU64::new(init.len() as u64),
            records_dropped: AtomicU64::new(0),
            header_lock: Mutex::new(()),
        })
    }

    /// Appends `record`. Errors: the record's own (nothing reserved, not counted);
    /// BufferFull when it does not fit (dropped and counted, nothing written).
    pub fn write(&self, record: &Record<'_>) -> Result<(), WriteError> {
        SCRATCH.with_borrow_mut(|bytes| {
            bytes.clear();
            record.encode(bytes)?;
            let offset = self.reserve(bytes.len() as u64)?;
            // Only a VMO shrunk under the buffer makes this fail: `start` proved the handle
            // writable and the reservation lies inside the size it found.
            self.vmo.write(bytes, HEADER_SIZE + offset).map_err(WriteError::Vmo)
        })
    }

    /// Reserves `len` bytes (`RollingBuffer::AllocRecord`, oneshot): the offset of the
    /// reservation in the data area, or BufferFull after counting the drop.
    fn reserve(&self, len: u64) -> Result<u64, WriteError> {
        let fits = |allocated: u64| {
            let end = allocated + len;
            (end <= self.data_size).then_some(end)
        };
        match self.allocated.fetch_update(Ordering::Relaxed, Ordering::Relaxed, fits) {
            Ok(offset) => Ok(offset),
            Err(_) => {
                self.records_dropped.fetch_add(1, Ordering::Relaxed);
                self.publish_data_end();
                Err(WriteError::BufferFull)
            }
        }
    }

    /// Oneshot full: writes the current data end into the header, as `AllocRecord` does on
    /// `BufferFull`.
    fn publish_data_end(&self) {
        let _header = self.header_lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let data_end = self.allocated.load(Ordering::Relaxed);
        // Cannot fail: `start` wrote this range through the same handle.
        let _ = self.vmo.write(&data_end.to_le_bytes(), DATA_END_OFFSET);
    }

    /// Records dropped so far for want of room.
    pub fn records_dropped(&self) -> u64 {
        self.records_dropped.load(Ordering::Relaxed)
    }

    /// Bytes of the data area reserved so far, the initialization record included.
    pub fn bytes_allocated(&self) -> u64 {
        self.allocated.load(Ordering::Relaxed)
    }

    /// Stops tracing (`UpdateBufferHeaderAfterStopped`): writes the data end and the dropped
    /// count into the header and returns the VMO. Taking `self` proves no write is in
    /// flight (see the module comment).
    pub fn stop(self) -> Result<zx::Vmo, zx::Status> {
        let Self { vmo, data_size, allocated, records_dropped, header_lock: _ } = self;
        let header = BufferHeader {
            magic: HEADER_MAGIC,
            version: HEADER_VERSION,
            buffering_mode: BufferingMode::Oneshot as u8,
            wrapped_count: 0,
            total_size: data_size + HEADER_SIZE,
            durable_buffer_size: 0,
            rolling_buffer_size: data_size,
            durable_data_end: 0,
            rolling_data_end: [allocated.into_inner(), 0],
            num_records_dropped: records_dropped.into_inner(),
        };
        vmo.write(&header.to_bytes(), 0)?;
        Ok(vmo)
    }
}

/// The offset of `rolling_data_end[0]` in the header.
const DATA_END_OFFSET: u64 = 48;

/// What a stopped buffer holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferContents {
    pub header: BufferHeader,
    /// The data area up to its data end: whole records, the initialization record first.
    pub records: Vec<u8>,
}

/// Why a buffer could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("reading the trace buffer VMO: {0}")]
    Vmo(zx::Status),
    #[error("bad trace buffer magic {observed:#x}")]
    BadMagic { observed: u64 },
    #[error("unsupported trace buffer version {0}")]
    UnsupportedVersion(u16),
    #[error("unsupported buffering mode {0}")]
    UnsupportedMode(u8),
    /// The header's sizes disagree with the VMO or with each other.
    #[error("trace buffer header sizes are inconsistent")]
    BadSizes,
    /// The data end is past the data area or not a whole number of words.
    #[error("trace buffer data end {data_end} is invalid")]
    BadDataEnd { data_end: u64 },
}

/// Reads a stopped oneshot buffer as the trace manager does: checks the header against the
/// VMO and returns the records up to the data end.
pub fn read_buffer(vmo: &zx::Vmo) -> Result<BufferContents, ReadError> {
    let mut bytes = [0; HEADER_SIZE as usize];
    vmo.read(&mut bytes, 0).map_err(ReadError::Vmo)?;
    let header = BufferHeader::from_bytes(&bytes);
    if header.magic != HEADER_MAGIC {
        return Err(ReadError::BadMagic { observed: header.magic });
    }
    if header.version != HEADER_VERSION {
        return Err(ReadError::UnsupportedVersion(header.version));
    }
    if header.buffering_mode != BufferingMode::Oneshot as u8 {
        return Err(ReadError::UnsupportedMode(header.buffering_mode));
    }
    let vmo_size = vmo.get_size().map_err(ReadError::Vmo)?;
    if header.total_size != vmo_size
        || header.durable_buffer_size != 0
        || Some(header.rolling_buffer_size) != vmo_size.checked_sub(HEADER_SIZE)
    {
        return Err(ReadError::BadSizes);
    }
    let data_end = header.rolling_data_end[0];
    if data_end > header.rolling_buffer_size || !data_end.is_multiple_of(8) {
        return Err(ReadError::BadDataEnd { data_end });
    }
    let records = vmo.read_to_vec(HEADER_SIZE, data_end).map_err(ReadError::Vmo)?;
    Ok(BufferContents { header, records })
}

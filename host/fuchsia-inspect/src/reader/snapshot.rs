//! Consistent copies of an Inspect VMO, taken with the seqlock retry protocol.

use crate::reader::ReaderError;
use inspect_format::{
    BlockHeader, BlockType, FORMAT_VERSION, GENERATION_OFFSET, HEADER_ORDER, MAGIC_NUMBER,
    ReadBytes, VMO_FROZEN, VMO_SIZE_OFFSET, block_size,
};
use std::sync::atomic::{Ordering, fence};

/// How many times a reader retries while the writer keeps the generation odd or changes it.
pub const SNAPSHOT_TRIES: usize = 1024;

/// A consistent copy of the used bytes of an Inspect VMO. Its header has been validated: magic,
/// version, type, order, an even (or frozen) generation and a size that matches the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    buffer: Vec<u8>,
}

/// Checks the HEADER block in `bytes` (at least its first 32 bytes) and returns
/// `(generation, allocated size)`.
fn check_header(bytes: &[u8]) -> Result<(u64, usize), ReaderError> {
    let word = BlockHeader(bytes.get_u64(0).ok_or(ReaderError::TooSmall(bytes.len()))?);
    if word.header_magic() != u32::from_le_bytes(MAGIC_NUMBER) as u64 {
        return Err(ReaderError::BadMagic);
    }
    if word.header_version() != FORMAT_VERSION as u64 {
        return Err(ReaderError::UnsupportedVersion(word.header_version() as u32));
    }
    if word.block_type() != Some(BlockType::Header)
        || word.order() != HEADER_ORDER as u64
        || word.reserved() != 0
    {
        return Err(ReaderError::MalformedHeader);
    }
    let generation = bytes.get_u64(GENERATION_OFFSET).ok_or(ReaderError::TooSmall(bytes.len()))?;
    let size = bytes.get_u32(VMO_SIZE_OFFSET).ok_or(ReaderError::TooSmall(bytes.len()))? as usize;
    if size < block_size(HEADER_ORDER) || !size.is_multiple_of(16) {
        return Err(ReaderError::MalformedHeader);
    }
    Ok((generation, size))
}

fn is_stable(generation: u64) -> bool {
    generation == VMO_FROZEN || generation.is_multiple_of(2)
}

impl Snapshot {
    /// Takes a consistent copy of `vmo`: reads the header, retries while the generation is odd,
    /// copies the used bytes, and accepts them only if the generation did not change meanwhile.
    pub fn try_from_vmo(vmo: &zx::Vmo) -> Result<Snapshot, ReaderError> {
        let vmo_size = vmo.get_size().map_err(ReaderError::Vmo)? as usize;
        for _ in 0..SNAPSHOT_TRIES {
            let mut header = [0u8; 32];
            vmo.read(&mut header, 0).map_err(ReaderError::Vmo)?;
            fence(Ordering::Acquire);
            let (before, size) = check_header(&header)?;
            if !is_stable(before) {
                std::thread::yield_now();
                continue;
            }
            if size > vmo_size {
                return Err(ReaderError::MalformedHeader);
            }
            let mut buffer = vec![0u8; size];
            vmo.read(&mut buffer, 0).map_err(ReaderError::Vmo)?;
            fence(Ordering::Acquire);
            let mut after = [0u8; 8];
            vmo.read(&mut after, GENERATION_OFFSET as u64).map_err(ReaderError::Vmo)?;
            if before == VMO_FROZEN || u64::from_le_bytes(after) == before {
                // The copy may hold an older size field than `size` if the header was re-read
                // in between; the generation check makes them equal.
                return Snapshot::try_from(buffer);
            }
            std::thread::yield_now();
        }
        Err(ReaderError::InconsistentSnapshot)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buffer
    }
}

impl TryFrom<Vec<u8>> for Snapshot {
    type Error = ReaderError;

    /// Accepts bytes copied from a VMO: the header must be valid with a stable generation and
    /// the allocated size must not exceed the bytes given (extra bytes are dropped).
    fn try_from(mut buffer: Vec<u8>) -> Result<Self, ReaderError> {
        let (generation, size) = check_header(&buffer)?;
        if !is_stable(generation) {
            return Err(ReaderError::InconsistentSnapshot);
        }
        if size > buffer.len() {
            return Err(ReaderError::TooSmall(buffer.len()));
        }
        buffer.truncate(size);
        Ok(Snapshot { buffer })
    }
}

impl TryFrom<&zx::Vmo> for Snapshot {
    type Error = ReaderError;

    fn try_from(vmo: &zx::Vmo) -> Result<Self, ReaderError> {
        Snapshot::try_from_vmo(vmo)
    }
}

//! The records the trace manager itself writes to a session's output, and a provider's
//! buffer read back (through the host trace engine's record writer and buffer reader).

use trace_engine::{MetadataRecord, ProviderEventType};

/// What a provider's stopped buffer holds.
#[derive(Debug)]
pub struct Contents {
    /// Whole records, in the order they were written.
    pub records: Vec<u8>,
    /// Records the provider dropped because the buffer was full.
    pub records_dropped: u64,
}

/// Reads a provider's buffer, checking its header.
pub fn read_buffer(buffer: &zx::Vmo) -> Result<Contents, trace_engine::ReadError> {
    let contents = trace_engine::read_buffer(buffer)?;
    Ok(Contents { records: contents.records, records_dropped: contents.header.num_records_dropped })
}

/// What a provider's buffer header says it holds, without reading its records: the bytes
/// of records written and the records dropped (zero for a buffer never started).
pub fn written_and_dropped(buffer: &zx::Vmo) -> (u64, u64) {
    use trace_engine::buffer::{HEADER_MAGIC, HEADER_SIZE};
    let mut bytes = [0; HEADER_SIZE as usize];
    match buffer.read(&mut bytes, 0) {
        Ok(()) => {
            let header = trace_engine::BufferHeader::from_bytes(&bytes);
            if header.magic == HEADER_MAGIC {
                (header.rolling_data_end[0], header.num_records_dropped)
            } else {
                (0, 0)
            }
        }
        Err(_) => (0, 0),
    }
}

fn bytes(record: MetadataRecord<'_>) -> Vec<u8> {
    // Cannot fail: the only refusal is a provider name over 255 bytes, and FIDL bounds
    // provider names at 100.
    record.to_bytes().expect("metadata record within limits")
}

/// The first record of every trace.
pub fn magic_number() -> Vec<u8> {
    bytes(MetadataRecord::MagicNumber)
}

/// Begins provider `id`'s records and names it.
pub fn provider_info(id: u32, name: &str) -> Vec<u8> {
    bytes(MetadataRecord::ProviderInfo { provider_id: id, name })
}

/// Switches back to the records of provider `id`, named earlier.
pub fn provider_section(id: u32) -> Vec<u8> {
    bytes(MetadataRecord::ProviderSection { provider_id: id })
}

/// Tells that provider `id` dropped records because its buffer was full.
pub fn buffer_overflow(id: u32) -> Vec<u8> {
    bytes(MetadataRecord::ProviderEvent {
        provider_id: id,
        event: ProviderEventType::BufferOverflow,
    })
}

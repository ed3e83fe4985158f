//! The config VMO format:
//!
//! ```text
//! u16 LE checksum length | checksum bytes | persistent FIDL message of struct { fields... }
//! ```
//!
//! The persistent message is the 8-byte wire-format metadata (`fidl::persist`):
//! `[disambiguator 0, magic 1, at-rest flags [0x02 (wire format v2), 0], reserved 0 x4]`,
//! then the struct in FIDL wire format v2: the inline object (members in schema order, each
//! at its natural alignment, padded to the struct alignment, then to 8), followed by the
//! out-of-line objects (string bytes, vector bodies) in depth-first order, each padded to 8
//! with zeros. Strings and vectors are inline `u64 count, u64 0xFFFF_FFFF_FFFF_FFFF`.

use crate::value::{ConfigSingleValue, ConfigValue, ConfigVectorValue};

/// Wire-format metadata of a persistent FIDL message (wire format v2).
pub const PERSISTENT_HEADER: [u8; 8] = [0, 1, 2, 0, 0, 0, 0, 0];

/// Presence marker of a present string or vector body.
const PRESENT: u64 = u64::MAX;

/// The VMO contents for `values` (in schema order) under schema checksum `checksum`.
pub fn encode_config_bytes(checksum: &[u8], values: &[ConfigValue]) -> Vec<u8> {
    let checksum_len =
        u16::try_from(checksum.len()).expect("a config checksum is 32 bytes, far below 64 KiB");
    let mut out = Vec::with_capacity(2 + checksum.len() + 8 + 16 * values.len());
    out.extend_from_slice(&checksum_len.to_le_bytes());
    out.extend_from_slice(checksum);
    out.extend_from_slice(&PERSISTENT_HEADER);
    out.extend_from_slice(&encode_struct(values));
    out
}

/// Inline size and alignment of a value's FIDL type.
fn inline_layout(value: &ConfigValue) -> (usize, usize) {
    match value {
        ConfigValue::Single(single) => match single {
            ConfigSingleValue::Bool(_)
            | ConfigSingleValue::Uint8(_)
            | ConfigSingleValue::Int8(_) => (1, 1),
            ConfigSingleValue::Uint16(_) | ConfigSingleValue::Int16(_) => (2, 2),
            ConfigSingleValue::Uint32(_) | ConfigSingleValue::Int32(_) => (4, 4),
            ConfigSingleValue::Uint64(_) | ConfigSingleValue::Int64(_) => (8, 8),
            ConfigSingleValue::String(_) => (16, 8),
        },
        ConfigValue::Vector(_) => (16, 8),
    }
}

fn round_up(n: usize, align: usize) -> usize {
    n.div_ceil(align) * align
}

/// A struct of `values` (in order) in wire format v2, standalone (no header).
pub fn encode_struct(values: &[ConfigValue]) -> Vec<u8> {
    let mut offsets = Vec::with_capacity(values.len());
    let mut size = 0;
    let mut align = 1;
    for value in values {
        let (field_size, field_align) = inline_layout(value);
        size = round_up(size, field_align);
        offsets.push(size);
        size += field_size;
        align = align.max(field_align);
    }
    // A struct with no members is one zero byte (FIDL's empty struct).
    let inline_size = if values.is_empty() { 1 } else { round_up(size, align) };
    let mut buf = vec![0u8; round_up(inline_size, 8)];
    for (value, offset) in values.iter().zip(offsets) {
        encode_value(&mut buf, offset, value);
    }
    buf
}

/// Appends a zeroed out-of-line object of `len` bytes, padded to 8; returns its offset.
fn out_of_line(buf: &mut Vec<u8>, len: usize) -> usize {
    let offset = buf.len();
    buf.resize(offset + round_up(len, 8), 0);
    offset
}

fn write_sequence_header(buf: &mut [u8], offset: usize, count: usize) {
    buf[offset..offset + 8].copy_from_slice(&(count as u64).to_le_bytes());
    buf[offset + 8..offset + 16].copy_from_slice(&PRESENT.to_le_bytes());
}

fn encode_string(buf: &mut Vec<u8>, offset: usize, s: &str) {
    write_sequence_header(buf, offset, s.len());
    let body = out_of_line(buf, s.len());
    buf[body..body + s.len()].copy_from_slice(s.as_bytes());
}

fn encode_value(buf: &mut Vec<u8>, offset: usize, value: &ConfigValue) {
    match value {
        ConfigValue::Single(single) => encode_single(buf, offset, single),
        ConfigValue::Vector(vector) => encode_vector(buf, offset, vector),
    }
}

fn encode_single(buf: &mut Vec<u8>, offset: usize, value: &ConfigSingleValue) {
    let mut put = |bytes: &[u8]| buf[offset..offset + bytes.len()].copy_from_slice(bytes);
    match value {
        ConfigSingleValue::Bool(v) => put(&[u8::from(*v)]),
        ConfigSingleValue::Uint8(v) => put(&v.to_le_bytes()),
        ConfigSingleValue::Uint16(v) => put(&v.to_le_bytes()),
        ConfigSingleValue::Uint32(v) => put(&v.to_le_bytes()),
        ConfigSingleValue::Uint64(v) => put(&v.to_le_bytes()),
        ConfigSingleValue::Int8(v) => put(&v.to_le_bytes()),
        ConfigSingleValue::Int16(v) => put(&v.to_le_bytes()),
        ConfigSingleValue::Int32(v) => put(&v.to_le_bytes()),
        ConfigSingleValue::Int64(v) => put(&v.to_le_bytes()),
        ConfigSingleValue::String(s) => encode_string(buf, offset, s),
    }
}

/// Writes a vector of fixed-size elements whose little-endian bytes are given by `bytes`.
fn encode_primitive_vector<T: Copy, const N: usize>(
    buf: &mut Vec<u8>,
    offset: usize,
    items: &[T],
    bytes: impl Fn(T) -> [u8; N],
) {
    write_sequence_header(buf, offset, items.len());
    let body = out_of_line(buf, items.len() * N);
    for (i, item) in items.iter().enumerate() {
        buf[body + i * N..body + (i + 1) * N].copy_from_slice(&bytes(*item));
    }
}

fn encode_vector(buf: &mut Vec<u8>, offset: usize, value: &ConfigVectorValue) {
    match value {
        ConfigVectorValue::BoolVector(v) => {
            encode_primitive_vector(buf, offset, v, |b| [u8::from(b)])
        }
        ConfigVectorValue::Uint8Vector(v) => {
            encode_primitive_vector(buf, offset, v, u8::to_le_bytes)
        }
        ConfigVectorValue::Uint16Vector(v) => {
            encode_primitive_vector(buf, offset, v, u16::to_le_bytes)
        }
        ConfigVectorValue::Uint32Vector(v) => {
            encode_primitive_vector(buf, offset, v, u32::to_le_bytes)
        }
        ConfigVectorValue::Uint64Vector(v) => {
            encode_primitive_vector(buf, offset, v, u64::to_le_bytes)
        }
        ConfigVectorValue::Int8Vector(v) => {
            encode_primitive_vector(buf, offset, v, i8::to_le_bytes)
        }
        ConfigVectorValue::Int16Vector(v) => {
            encode_primitive_vector(buf, offset, v, i16::to_le_bytes)
        }
        ConfigVectorValue::Int32Vector(v) => {
            encode_primitive_vector(buf, offset, v, i32::to_le_bytes)
        }
        ConfigVectorValue::Int64Vector(v) => {
            encode_primitive_vector(buf, offset, v, i64::to_le_bytes)
        }
        ConfigVectorValue::StringVector(strings) => {
            write_sequence_header(buf, offset, strings.len());
            // The body holds the inline string headers; each string's bytes follow in order.
            let body = out_of_line(buf, strings.len() * 16);
            for (i, s) in strings.iter().enumerate() {
                encode_string(buf, body + i * 16, s);
            }
        }
    }
}

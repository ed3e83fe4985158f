//! Strings, vectors and arrays.

use std::marker::PhantomData;

use super::optional::NullableMarker;
use super::{ALLOC_PRESENT_U64, Decoder, Depth, Encoder, TypeMarker};
use crate::{Error, Result};

/// `string:N` (UTF-8, at most `N` bytes).
#[derive(Debug)]
pub struct BoundedString<const N: usize>;

/// `string` without bound.
pub type UnboundedString = BoundedString<{ usize::MAX }>;

/// `vector<T>:N`.
#[derive(Debug)]
pub struct Vector<T, const N: usize>(PhantomData<T>);

/// `vector<T>` without bound.
pub type UnboundedVector<T> = Vector<T, { usize::MAX }>;

/// `array<T, N>`.
#[derive(Debug)]
pub struct Array<T, const N: usize>(PhantomData<T>);

/// What a string/vector header says about its body.
enum Body {
    Absent,
    Present { count: usize },
}

/// Reads the 16-byte count + presence header of a string or vector.
fn read_header(
    decoder: &Decoder<'_>,
    offset: usize,
    null_body_error: Error,
    count_error: fn(u64) -> Error,
) -> Result<Body> {
    let count: u64 = decoder.read_num(offset);
    match decoder.read_num::<u64>(offset + 8) {
        0 if count == 0 => Ok(Body::Absent),
        0 => Err(null_body_error),
        ALLOC_PRESENT_U64 if count > u64::from(u32::MAX) => Err(count_error(count)),
        ALLOC_PRESENT_U64 => Ok(Body::Present { count: count as usize }),
        _ => Err(Error::InvalidPresenceIndicator),
    }
}

fn write_header(encoder: &mut Encoder, offset: usize, count: usize) {
    encoder.write_num(count as u64, offset);
    encoder.write_num(ALLOC_PRESENT_U64, offset + 8);
}

impl<const N: usize> TypeMarker for BoundedString<N> {
    type Owned = String;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(value: String, encoder: &mut Encoder, offset: usize, depth: Depth) -> Result<()> {
        let len = value.len();
        if len > N {
            return Err(Error::StringTooLong { max_bytes: N, actual_bytes: len });
        }
        if len as u64 > u64::from(u32::MAX) {
            return Err(Error::StringCountExceeds32BitLimit { count: len as u64 });
        }
        depth.increment()?;
        write_header(encoder, offset, len);
        let body = encoder.out_of_line(len);
        encoder.write_bytes(value.as_bytes(), body);
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> Result<String> {
        let count =
            match read_header(decoder, offset, Error::NonEmptyStringWithNullBody, |count| {
                Error::StringCountExceeds32BitLimit { count }
            })? {
                Body::Absent => return Err(Error::NotNullable),
                Body::Present { count } => count,
            };
        if count > N {
            return Err(Error::StringTooLong { max_bytes: N, actual_bytes: count });
        }
        depth.increment()?;
        let body = decoder.out_of_line(count)?;
        let text =
            std::str::from_utf8(decoder.read_bytes(body, count)).map_err(|_| Error::Utf8Error)?;
        Ok(text.to_owned())
    }
}

impl<const N: usize> NullableMarker for BoundedString<N> {
    fn is_present(decoder: &Decoder<'_>, offset: usize) -> Result<bool> {
        Ok(matches!(
            read_header(decoder, offset, Error::NonEmptyStringWithNullBody, |count| {
                Error::StringCountExceeds32BitLimit { count }
            })?,
            Body::Present { .. }
        ))
    }
}

impl<T: TypeMarker, const N: usize> TypeMarker for Vector<T, N> {
    type Owned = Vec<T::Owned>;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(
        value: Vec<T::Owned>,
        encoder: &mut Encoder,
        offset: usize,
        depth: Depth,
    ) -> Result<()> {
        let len = value.len();
        if len > N {
            return Err(Error::VectorTooLong { max_length: N, actual_length: len });
        }
        if len as u64 > u64::from(u32::MAX) {
            return Err(Error::VectorCountExceeds32BitLimit { count: len as u64 });
        }
        let depth = depth.increment()?;
        write_header(encoder, offset, len);
        let size = T::inline_size();
        let body = encoder.out_of_line(len.saturating_mul(size));
        for (index, item) in value.into_iter().enumerate() {
            T::encode(item, encoder, body + index * size, depth)?;
        }
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> Result<Vec<T::Owned>> {
        let count =
            match read_header(decoder, offset, Error::NonEmptyVectorWithNullBody, |count| {
                Error::VectorCountExceeds32BitLimit { count }
            })? {
                Body::Absent => return Err(Error::NotNullable),
                Body::Present { count } => count,
            };
        if count > N {
            return Err(Error::VectorTooLong { max_length: N, actual_length: count });
        }
        let depth = depth.increment()?;
        let size = T::inline_size();
        // Bound the allocation by the message before trusting `count`.
        if count.saturating_mul(size) > decoder.remaining_bytes() {
            return Err(Error::OutOfRange);
        }
        let body = decoder.out_of_line(count * size)?;
        let mut items = Vec::with_capacity(count);
        for index in 0..count {
            items.push(T::decode(decoder, body + index * size, depth)?);
        }
        Ok(items)
    }
}

impl<T: TypeMarker, const N: usize> NullableMarker for Vector<T, N> {
    fn is_present(decoder: &Decoder<'_>, offset: usize) -> Result<bool> {
        Ok(matches!(
            read_header(decoder, offset, Error::NonEmptyVectorWithNullBody, |count| {
                Error::VectorCountExceeds32BitLimit { count }
            })?,
            Body::Present { .. }
        ))
    }
}

impl<T: TypeMarker, const N: usize> TypeMarker for Array<T, N> {
    type Owned = [T::Owned; N];
    fn inline_align() -> usize {
        T::inline_align()
    }
    fn inline_size() -> usize {
        T::inline_size() * N
    }
    fn encode(
        value: [T::Owned; N],
        encoder: &mut Encoder,
        offset: usize,
        depth: Depth,
    ) -> Result<()> {
        let size = T::inline_size();
        for (index, item) in value.into_iter().enumerate() {
            T::encode(item, encoder, offset + index * size, depth)?;
        }
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> Result<[T::Owned; N]> {
        let size = T::inline_size();
        let mut items = Vec::with_capacity(N);
        for index in 0..N {
            items.push(T::decode(decoder, offset + index * size, depth)?);
        }
        match <[T::Owned; N]>::try_from(items) {
            Ok(array) => Ok(array),
            Err(_) => unreachable!("exactly N items were decoded"),
        }
    }
}

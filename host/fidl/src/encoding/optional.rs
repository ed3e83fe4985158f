//! Optional values (`:optional`, `box<T>`), empty structs and empty payloads.

use std::marker::PhantomData;

use super::{ALLOC_PRESENT_U64, Decoder, Depth, Encoder, TypeMarker};
use crate::{Error, Result};

/// A type whose inline form can say "absent" (strings, vectors, handles,
/// endpoints): used by [`Optional`].
pub trait NullableMarker: TypeMarker {
    /// Whether the inline form at `offset` is present; an error when it is
    /// neither a valid absent nor a valid present form.
    fn is_present(decoder: &Decoder<'_>, offset: usize) -> Result<bool>;
}

/// `T:optional` for strings, vectors, handles and endpoints. Absent encodes
/// as all zeros.
#[derive(Debug)]
pub struct Optional<T>(PhantomData<T>);

impl<T: NullableMarker> TypeMarker for Optional<T> {
    type Owned = Option<T::Owned>;
    fn inline_align() -> usize {
        T::inline_align()
    }
    fn inline_size() -> usize {
        T::inline_size()
    }
    fn encode(
        value: Option<T::Owned>,
        encoder: &mut Encoder,
        offset: usize,
        depth: Depth,
    ) -> Result<()> {
        match value {
            Some(value) => T::encode(value, encoder, offset, depth),
            None => Ok(()),
        }
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> Result<Option<T::Owned>> {
        if T::is_present(decoder, offset)? {
            T::decode(decoder, offset, depth).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// `box<S>`: an optional struct stored out of line behind a presence marker.
#[derive(Debug)]
pub struct Boxed<T>(PhantomData<T>);

impl<T: TypeMarker> TypeMarker for Boxed<T> {
    type Owned = Option<Box<T::Owned>>;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        8
    }
    fn encode(
        value: Option<Box<T::Owned>>,
        encoder: &mut Encoder,
        offset: usize,
        depth: Depth,
    ) -> Result<()> {
        let Some(value) = value else { return Ok(()) };
        let depth = depth.increment()?;
        encoder.write_num(ALLOC_PRESENT_U64, offset);
        let object = encoder.out_of_line(T::inline_size());
        T::encode(*value, encoder, object, depth)
    }
    fn decode(
        decoder: &mut Decoder<'_>,
        offset: usize,
        depth: Depth,
    ) -> Result<Option<Box<T::Owned>>> {
        match decoder.read_num::<u64>(offset) {
            0 => Ok(None),
            ALLOC_PRESENT_U64 => {
                let depth = depth.increment()?;
                let object = decoder.out_of_line(T::inline_size())?;
                T::decode(decoder, object, depth).map(|value| Some(Box::new(value)))
            }
            _ => Err(Error::InvalidPresenceIndicator),
        }
    }
}

/// `U:optional` for a union: absent is an all-zero union.
#[derive(Debug)]
pub struct OptionalUnion<T>(PhantomData<T>);

impl<T: TypeMarker> TypeMarker for OptionalUnion<T> {
    type Owned = Option<Box<T::Owned>>;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(
        value: Option<Box<T::Owned>>,
        encoder: &mut Encoder,
        offset: usize,
        depth: Depth,
    ) -> Result<()> {
        match value {
            Some(value) => T::encode(*value, encoder, offset, depth),
            None => Ok(()),
        }
    }
    fn decode(
        decoder: &mut Decoder<'_>,
        offset: usize,
        depth: Depth,
    ) -> Result<Option<Box<T::Owned>>> {
        if decoder.is_absent_union(offset) {
            return Ok(None);
        }
        T::decode(decoder, offset, depth).map(|value| Some(Box::new(value)))
    }
}

/// `struct {}`: one zero byte.
#[derive(Debug)]
pub struct EmptyStruct;

impl TypeMarker for EmptyStruct {
    type Owned = ();
    fn inline_align() -> usize {
        1
    }
    fn inline_size() -> usize {
        1
    }
    fn encode(_value: (), _encoder: &mut Encoder, _offset: usize, _depth: Depth) -> Result<()> {
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, _depth: Depth) -> Result<()> {
        match decoder.read_num::<u8>(offset) {
            0 => Ok(()),
            _ => Err(Error::InvalidEmptyStruct),
        }
    }
}

/// The body of a method or event without payload: zero bytes.
#[derive(Debug)]
pub struct EmptyPayload;

impl TypeMarker for EmptyPayload {
    type Owned = ();
    fn inline_align() -> usize {
        1
    }
    fn inline_size() -> usize {
        0
    }
    fn encode(_value: (), _encoder: &mut Encoder, _offset: usize, _depth: Depth) -> Result<()> {
        Ok(())
    }
    fn decode(_decoder: &mut Decoder<'_>, _offset: usize, _depth: Depth) -> Result<()> {
        Ok(())
    }
}

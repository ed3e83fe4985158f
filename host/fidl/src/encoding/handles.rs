//! Handles and protocol endpoints: present handles move out of band with the
//! object type and rights of their FIDL type; decoding checks the type,
//! rejects missing rights and reduces extra rights.

use std::marker::PhantomData;

use zx::{Channel, HandleInfo, NullableHandle, ObjectType, Rights};

use super::optional::NullableMarker;
use super::{ALLOC_PRESENT_U32, Decoder, Depth, Encoder, TypeMarker};
use crate::{Error, Result};

/// `zx.Handle:<OBJECT_TYPE, RIGHTS>` carried as Rust type `T`.
/// `OBJECT_TYPE` 0 (NONE) accepts any object; `RIGHTS` 0x8000_0000
/// (SAME_RIGHTS) places no rights constraint.
#[derive(Debug)]
pub struct HandleType<T, const OBJECT_TYPE: u32, const RIGHTS: u32>(PhantomData<T>);

/// `client_end:P` / `server_end:P` carried as `ClientEnd<P>` / `ServerEnd<P>`:
/// a channel with rights CHANNEL_DEFAULT.
#[derive(Debug)]
pub struct Endpoint<T>(PhantomData<T>);

/// Checks a received handle against the FIDL type's object type and rights,
/// reducing extra rights.
fn check_handle(
    info: HandleInfo,
    object_type: ObjectType,
    rights: Rights,
) -> Result<NullableHandle> {
    if object_type != ObjectType::NONE && info.object_type != object_type {
        return Err(Error::IncorrectHandleSubtype {
            expected: object_type,
            received: info.object_type,
        });
    }
    if rights == Rights::SAME_RIGHTS {
        return Ok(info.handle);
    }
    let missing = rights & !info.rights;
    if !missing.is_empty() {
        return Err(Error::MissingExpectedHandleRights { missing_rights: missing });
    }
    if info.rights == rights {
        return Ok(info.handle);
    }
    info.handle.replace_handle(rights).map_err(Error::HandleReplace)
}

fn handle_is_present(decoder: &Decoder<'_>, offset: usize) -> Result<bool> {
    match decoder.read_num::<u32>(offset) {
        0 => Ok(false),
        ALLOC_PRESENT_U32 => Ok(true),
        _ => Err(Error::InvalidHandlePresenceIndicator),
    }
}

fn encode_handle(
    handle: NullableHandle,
    encoder: &mut Encoder,
    offset: usize,
    object_type: ObjectType,
    rights: Rights,
) -> Result<()> {
    encoder.push_handle(handle, object_type, rights)?;
    encoder.write_num(ALLOC_PRESENT_U32, offset);
    Ok(())
}

fn decode_handle(
    decoder: &mut Decoder<'_>,
    offset: usize,
    object_type: ObjectType,
    rights: Rights,
) -> Result<NullableHandle> {
    if !handle_is_present(decoder, offset)? {
        return Err(Error::NotNullable);
    }
    check_handle(decoder.take_handle()?, object_type, rights)
}

impl<T, const OBJECT_TYPE: u32, const RIGHTS: u32> TypeMarker for HandleType<T, OBJECT_TYPE, RIGHTS>
where
    T: From<NullableHandle> + Into<NullableHandle> + 'static,
{
    type Owned = T;
    fn inline_align() -> usize {
        4
    }
    fn inline_size() -> usize {
        4
    }
    fn encode(value: T, encoder: &mut Encoder, offset: usize, _depth: Depth) -> Result<()> {
        let object_type = ObjectType::from_raw(OBJECT_TYPE);
        encode_handle(value.into(), encoder, offset, object_type, Rights::from_bits_retain(RIGHTS))
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, _depth: Depth) -> Result<T> {
        let object_type = ObjectType::from_raw(OBJECT_TYPE);
        decode_handle(decoder, offset, object_type, Rights::from_bits_retain(RIGHTS)).map(T::from)
    }
}

impl<T, const OBJECT_TYPE: u32, const RIGHTS: u32> NullableMarker
    for HandleType<T, OBJECT_TYPE, RIGHTS>
where
    T: From<NullableHandle> + Into<NullableHandle> + 'static,
{
    fn is_present(decoder: &Decoder<'_>, offset: usize) -> Result<bool> {
        handle_is_present(decoder, offset)
    }
}

impl<T> TypeMarker for Endpoint<T>
where
    T: From<Channel> + Into<Channel> + 'static,
{
    type Owned = T;
    fn inline_align() -> usize {
        4
    }
    fn inline_size() -> usize {
        4
    }
    fn encode(value: T, encoder: &mut Encoder, offset: usize, _depth: Depth) -> Result<()> {
        let channel: Channel = value.into();
        encode_handle(channel.into(), encoder, offset, ObjectType::CHANNEL, Rights::CHANNEL_DEFAULT)
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, _depth: Depth) -> Result<T> {
        decode_handle(decoder, offset, ObjectType::CHANNEL, Rights::CHANNEL_DEFAULT)
            .map(|handle| T::from(Channel::from(handle)))
    }
}

impl<T> NullableMarker for Endpoint<T>
where
    T: From<Channel> + Into<Channel> + 'static,
{
    fn is_present(decoder: &Decoder<'_>, offset: usize) -> Result<bool> {
        handle_is_present(decoder, offset)
    }
}

//! Result unions of methods with `error` and/or declared `flexible`:
//! ordinal 1 = success, 2 = domain error, 3 = framework error.

use std::marker::PhantomData;

use super::{Decoder, Depth, Encoder, TypeMarker};
use crate::endpoints::ProtocolMarker;
use crate::{Error, Result};

const SUCCESS_ORDINAL: u64 = 1;
const DOMAIN_ERROR_ORDINAL: u64 = 2;
const FRAMEWORK_ERROR_ORDINAL: u64 = 3;

/// An error raised by the FIDL framework instead of the method's handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum FrameworkErr {
    /// The receiver does not know the (flexible) method: ZX_ERR_NOT_SUPPORTED.
    UnknownMethod = -2,
}

impl TypeMarker for FrameworkErr {
    type Owned = FrameworkErr;
    fn inline_align() -> usize {
        4
    }
    fn inline_size() -> usize {
        4
    }
    fn encode(
        value: FrameworkErr,
        encoder: &mut Encoder,
        offset: usize,
        _depth: Depth,
    ) -> Result<()> {
        encoder.write_num(value as i32, offset);
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, _depth: Depth) -> Result<FrameworkErr> {
        match decoder.read_num::<i32>(offset) {
            -2 => Ok(FrameworkErr::UnknownMethod),
            other => Err(Error::UnknownFrameworkError(other)),
        }
    }
}

/// Response of a flexible method without `error`.
#[derive(Debug, Clone, PartialEq)]
pub enum Flexible<T> {
    Ok(T),
    FrameworkErr(FrameworkErr),
}

impl<T> Flexible<T> {
    /// A successful response.
    pub fn new(value: T) -> Self {
        Flexible::Ok(value)
    }

    /// The payload, or `UnsupportedMethod` when the server did not know the method.
    pub fn into_result<P: ProtocolMarker>(self, method_name: &'static str) -> Result<T> {
        match self {
            Flexible::Ok(value) => Ok(value),
            Flexible::FrameworkErr(FrameworkErr::UnknownMethod) => {
                Err(Error::UnsupportedMethod { method_name, protocol_name: P::DEBUG_NAME })
            }
        }
    }
}

/// Response of a flexible method with `error`.
#[derive(Debug, Clone, PartialEq)]
pub enum FlexibleResult<T, E> {
    Ok(T),
    DomainErr(E),
    FrameworkErr(FrameworkErr),
}

impl<T, E> FlexibleResult<T, E> {
    /// A response carrying the handler's result.
    pub fn new(result: std::result::Result<T, E>) -> Self {
        match result {
            Ok(value) => FlexibleResult::Ok(value),
            Err(error) => FlexibleResult::DomainErr(error),
        }
    }

    /// The handler's result, or `UnsupportedMethod` when the server did not
    /// know the method.
    pub fn into_result<P: ProtocolMarker>(
        self,
        method_name: &'static str,
    ) -> Result<std::result::Result<T, E>> {
        match self {
            FlexibleResult::Ok(value) => Ok(Ok(value)),
            FlexibleResult::DomainErr(error) => Ok(Err(error)),
            FlexibleResult::FrameworkErr(FrameworkErr::UnknownMethod) => {
                Err(Error::UnsupportedMethod { method_name, protocol_name: P::DEBUG_NAME })
            }
        }
    }
}

/// `strict` method with `error`: `Result<T, E>`.
#[derive(Debug)]
pub struct ResultType<T, E>(PhantomData<(T, E)>);

/// `flexible` method without `error`: [`Flexible<T>`].
#[derive(Debug)]
pub struct FlexibleType<T>(PhantomData<T>);

/// `flexible` method with `error`: [`FlexibleResult<T, E>`].
#[derive(Debug)]
pub struct FlexibleResultType<T, E>(PhantomData<(T, E)>);

impl<T: TypeMarker, E: TypeMarker> TypeMarker for ResultType<T, E> {
    type Owned = std::result::Result<T::Owned, E::Owned>;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(
        value: Self::Owned,
        encoder: &mut Encoder,
        offset: usize,
        depth: Depth,
    ) -> Result<()> {
        match value {
            Ok(value) => encoder.encode_union_member::<T>(offset, depth, SUCCESS_ORDINAL, value),
            Err(error) => {
                encoder.encode_union_member::<E>(offset, depth, DOMAIN_ERROR_ORDINAL, error)
            }
        }
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> Result<Self::Owned> {
        let (ordinal, envelope) = decoder.decode_union_envelope(offset, depth)?;
        match ordinal {
            SUCCESS_ORDINAL => Ok(Ok(envelope.decode::<T>(decoder)?)),
            DOMAIN_ERROR_ORDINAL => Ok(Err(envelope.decode::<E>(decoder)?)),
            _ => Err(Error::UnknownStrictUnionMember { ordinal }),
        }
    }
}

impl<T: TypeMarker> TypeMarker for FlexibleType<T> {
    type Owned = Flexible<T::Owned>;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(
        value: Self::Owned,
        encoder: &mut Encoder,
        offset: usize,
        depth: Depth,
    ) -> Result<()> {
        match value {
            Flexible::Ok(value) => {
                encoder.encode_union_member::<T>(offset, depth, SUCCESS_ORDINAL, value)
            }
            Flexible::FrameworkErr(error) => encoder.encode_union_member::<FrameworkErr>(
                offset,
                depth,
                FRAMEWORK_ERROR_ORDINAL,
                error,
            ),
        }
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> Result<Self::Owned> {
        let (ordinal, envelope) = decoder.decode_union_envelope(offset, depth)?;
        match ordinal {
            SUCCESS_ORDINAL => Ok(Flexible::Ok(envelope.decode::<T>(decoder)?)),
            FRAMEWORK_ERROR_ORDINAL => {
                Ok(Flexible::FrameworkErr(envelope.decode::<FrameworkErr>(decoder)?))
            }
            _ => Err(Error::UnknownStrictUnionMember { ordinal }),
        }
    }
}

impl<T: TypeMarker, E: TypeMarker> TypeMarker for FlexibleResultType<T, E> {
    type Owned = FlexibleResult<T::Owned, E::Owned>;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(
        value: Self::Owned,
        encoder: &mut Encoder,
        offset: usize,
        depth: Depth,
    ) -> Result<()> {
        match value {
            FlexibleResult::Ok(value) => {
                encoder.encode_union_member::<T>(offset, depth, SUCCESS_ORDINAL, value)
            }
            FlexibleResult::DomainErr(error) => {
                encoder.encode_union_member::<E>(offset, depth, DOMAIN_ERROR_ORDINAL, error)
            }
            FlexibleResult::FrameworkErr(error) => encoder.encode_union_member::<FrameworkErr>(
                offset,
                depth,
                FRAMEWORK_ERROR_ORDINAL,
                error,
            ),
        }
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> Result<Self::Owned> {
        let (ordinal, envelope) = decoder.decode_union_envelope(offset, depth)?;
        match ordinal {
            SUCCESS_ORDINAL => Ok(FlexibleResult::Ok(envelope.decode::<T>(decoder)?)),
            DOMAIN_ERROR_ORDINAL => Ok(FlexibleResult::DomainErr(envelope.decode::<E>(decoder)?)),
            FRAMEWORK_ERROR_ORDINAL => {
                Ok(FlexibleResult::FrameworkErr(envelope.decode::<FrameworkErr>(decoder)?))
            }
            _ => Err(Error::UnknownStrictUnionMember { ordinal }),
        }
    }
}

/// The body of a framework-error reply to an unknown flexible two-way method.
pub(crate) type UnknownMethodReply = FlexibleType<super::EmptyStruct>;

//! Hand-written types in exactly the shape CODEGEN.md asks generated code to
//! take (they double as a check of that contract), used by the encoding tests.

#![allow(dead_code)]

use fidl::encoding::{
    Boxed, Decoder, Depth, Encoder, HandleType, Optional, TypeMarker, UnboundedString,
};

pub const EVENT: u32 = 5;
pub const BASIC: u32 = 0xd000; // TRANSFER | DUPLICATE | WAIT | INSPECT
pub const SAME_RIGHTS: u32 = 0x8000_0000;

/// struct { x int32; tag uint8; name string; }
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: i32,
    pub tag: u8,
    pub name: String,
}

impl TypeMarker for Point {
    type Owned = Self;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        24
    }
    fn encode(value: Self, encoder: &mut Encoder, offset: usize, depth: Depth) -> fidl::Result<()> {
        <i32 as TypeMarker>::encode(value.x, encoder, offset, depth)?;
        <u8 as TypeMarker>::encode(value.tag, encoder, offset + 4, depth)?;
        <UnboundedString as TypeMarker>::encode(value.name, encoder, offset + 8, depth)?;
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> fidl::Result<Self> {
        decoder.check_padding(offset + 5, 3)?;
        Ok(Self {
            x: <i32 as TypeMarker>::decode(decoder, offset, depth)?,
            tag: <u8 as TypeMarker>::decode(decoder, offset + 4, depth)?,
            name: <UnboundedString as TypeMarker>::decode(decoder, offset + 8, depth)?,
        })
    }
}

/// table { 1: name string; 2: count uint32; 3: big uint64; }
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub name: Option<String>,
    pub count: Option<u32>,
    pub big: Option<u64>,
    #[doc(hidden)]
    pub __source_breaking: fidl::marker::SourceBreaking,
}

impl TypeMarker for Config {
    type Owned = Self;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(value: Self, encoder: &mut Encoder, offset: usize, depth: Depth) -> fidl::Result<()> {
        let max_ordinal: u64 = if value.big.is_some() {
            3
        } else if value.count.is_some() {
            2
        } else if value.name.is_some() {
            1
        } else {
            0
        };
        let mut table = encoder.encode_table(offset, depth, max_ordinal)?;
        if let Some(v) = value.name {
            table.field::<UnboundedString>(1, v)?;
        }
        if let Some(v) = value.count {
            table.field::<u32>(2, v)?;
        }
        if let Some(v) = value.big {
            table.field::<u64>(3, v)?;
        }
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> fidl::Result<Self> {
        let mut value = Self::default();
        decoder.decode_table(offset, depth, |decoder, ordinal, envelope| {
            match ordinal {
                1 => value.name = Some(envelope.decode::<UnboundedString>(decoder)?),
                2 => value.count = Some(envelope.decode::<u32>(decoder)?),
                3 => value.big = Some(envelope.decode::<u64>(decoder)?),
                _ => envelope.drop_unknown(decoder)?,
            }
            Ok(())
        })?;
        Ok(value)
    }
}

/// flexible union { 1: small uint32; 2: name string; }
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Small(u32),
    Name(String),
    #[doc(hidden)]
    __SourceBreaking {
        unknown_ordinal: u64,
    },
}

impl TypeMarker for Shape {
    type Owned = Self;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(value: Self, encoder: &mut Encoder, offset: usize, depth: Depth) -> fidl::Result<()> {
        match value {
            Self::Small(v) => encoder.encode_union_member::<u32>(offset, depth, 1, v),
            Self::Name(v) => encoder.encode_union_member::<UnboundedString>(offset, depth, 2, v),
            Self::__SourceBreaking { unknown_ordinal } => {
                Err(fidl::encoding::unknown_union_member_error(unknown_ordinal))
            }
        }
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> fidl::Result<Self> {
        let (ordinal, envelope) = decoder.decode_union_envelope(offset, depth)?;
        Ok(match ordinal {
            1 => Self::Small(envelope.decode::<u32>(decoder)?),
            2 => Self::Name(envelope.decode::<UnboundedString>(decoder)?),
            _ => {
                envelope.drop_unknown(decoder)?;
                Self::__SourceBreaking { unknown_ordinal: ordinal }
            }
        })
    }
}

/// strict union { 1: small uint32; }
#[derive(Clone, Debug, PartialEq)]
pub enum StrictShape {
    Small(u32),
}

impl TypeMarker for StrictShape {
    type Owned = Self;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        16
    }
    fn encode(value: Self, encoder: &mut Encoder, offset: usize, depth: Depth) -> fidl::Result<()> {
        match value {
            Self::Small(v) => encoder.encode_union_member::<u32>(offset, depth, 1, v),
        }
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> fidl::Result<Self> {
        let (ordinal, envelope) = decoder.decode_union_envelope(offset, depth)?;
        match ordinal {
            1 => Ok(Self::Small(envelope.decode::<u32>(decoder)?)),
            _ => Err(fidl::Error::UnknownStrictUnionMember { ordinal }),
        }
    }
}

/// strict enum : uint16 { A = 1; B = 2; }
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
pub enum Letter {
    A = 1,
    B = 2,
}

impl Letter {
    pub fn from_primitive(prim: u16) -> Option<Self> {
        match prim {
            1 => Some(Self::A),
            2 => Some(Self::B),
            _ => None,
        }
    }
    pub const fn into_primitive(self) -> u16 {
        self as u16
    }
}

impl TypeMarker for Letter {
    type Owned = Self;
    fn inline_align() -> usize {
        2
    }
    fn inline_size() -> usize {
        2
    }
    fn encode(
        value: Self,
        encoder: &mut Encoder,
        offset: usize,
        _depth: Depth,
    ) -> fidl::Result<()> {
        encoder.write_num(value.into_primitive(), offset);
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, _depth: Depth) -> fidl::Result<Self> {
        Self::from_primitive(decoder.read_num::<u16>(offset)).ok_or(fidl::Error::InvalidEnumValue)
    }
}

fidl::__codegen::bitflags::bitflags! {
    /// strict bits : uint8 { READ = 1; WRITE = 2; }
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Perms: u8 {
        const READ = 1;
        const WRITE = 2;
    }
}

impl TypeMarker for Perms {
    type Owned = Self;
    fn inline_align() -> usize {
        1
    }
    fn inline_size() -> usize {
        1
    }
    fn encode(
        value: Self,
        encoder: &mut Encoder,
        offset: usize,
        _depth: Depth,
    ) -> fidl::Result<()> {
        if value.bits() & !Self::all().bits() != 0 {
            return Err(fidl::Error::InvalidBitsValue);
        }
        encoder.write_num(value.bits(), offset);
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, _depth: Depth) -> fidl::Result<Self> {
        Self::from_bits(decoder.read_num::<u8>(offset)).ok_or(fidl::Error::InvalidBitsValue)
    }
}

pub type BasicEvent = HandleType<fidl::Event, EVENT, BASIC>;
pub type AnyHandle = HandleType<fidl::NullableHandle, 0, SAME_RIGHTS>;

/// resource struct { ev zx.Handle:<EVENT, BASIC>; maybe zx.Handle:optional; }
#[derive(Debug, PartialEq)]
pub struct Carrier {
    pub ev: fidl::Event,
    pub maybe: Option<fidl::NullableHandle>,
}

impl TypeMarker for Carrier {
    type Owned = Self;
    fn inline_align() -> usize {
        4
    }
    fn inline_size() -> usize {
        8
    }
    fn encode(value: Self, encoder: &mut Encoder, offset: usize, depth: Depth) -> fidl::Result<()> {
        <BasicEvent as TypeMarker>::encode(value.ev, encoder, offset, depth)?;
        <Optional<AnyHandle> as TypeMarker>::encode(value.maybe, encoder, offset + 4, depth)?;
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> fidl::Result<Self> {
        Ok(Self {
            ev: <BasicEvent as TypeMarker>::decode(decoder, offset, depth)?,
            maybe: <Optional<AnyHandle> as TypeMarker>::decode(decoder, offset + 4, depth)?,
        })
    }
}

/// struct { inner box<Chain>; }
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub inner: Option<Box<Chain>>,
}

impl TypeMarker for Chain {
    type Owned = Self;
    fn inline_align() -> usize {
        8
    }
    fn inline_size() -> usize {
        8
    }
    fn encode(value: Self, encoder: &mut Encoder, offset: usize, depth: Depth) -> fidl::Result<()> {
        <Boxed<Chain> as TypeMarker>::encode(value.inner, encoder, offset, depth)
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> fidl::Result<Self> {
        Ok(Self { inner: <Boxed<Chain> as TypeMarker>::decode(decoder, offset, depth)? })
    }
}

/// A chain of `links` boxes below the top-level struct.
pub fn chain(links: usize) -> Chain {
    let mut value = Chain { inner: None };
    for _ in 0..links {
        value = Chain { inner: Some(Box::new(value)) };
    }
    value
}

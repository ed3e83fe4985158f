//! Event and object arguments (in-tree `args.rs`).
//!
//! An argument is sized like a record: `[0..3]` type, `[4..15]` size in words (header
//! included), `[16..31]` name (string ref), `[32..63]` type-specific.

use crate::ParseError;
use crate::error::ParseWarning;
use crate::header::Reader;
use crate::session::ResolveCtx;
use crate::string::StringRef;

pub(crate) const NULL_ARG_TYPE: u8 = 0;
pub(crate) const I32_ARG_TYPE: u8 = 1;
pub(crate) const U32_ARG_TYPE: u8 = 2;
pub(crate) const I64_ARG_TYPE: u8 = 3;
pub(crate) const U64_ARG_TYPE: u8 = 4;
pub(crate) const F64_ARG_TYPE: u8 = 5;
pub(crate) const STR_ARG_TYPE: u8 = 6;
pub(crate) const PTR_ARG_TYPE: u8 = 7;
pub(crate) const KOBJ_ARG_TYPE: u8 = 8;
pub(crate) const BOOL_ARG_TYPE: u8 = 9;
pub(crate) const BLOB_ARG_TYPE: u8 = 10;

/// A resolved argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub name: String,
    pub value: ArgValue,
}

impl Arg {
    /// Resolves every argument; one of an unknown type is dropped with a warning.
    pub(crate) fn resolve_n(ctx: &mut ResolveCtx, raw: Vec<RawArg<'_>>) -> Vec<Self> {
        raw.into_iter().filter_map(|a| Self::resolve(ctx, a)).collect()
    }

    fn resolve(ctx: &mut ResolveCtx, raw: RawArg<'_>) -> Option<Self> {
        let name = ctx.resolve_str(raw.name);
        match ArgValue::resolve(ctx, raw.value) {
            Some(value) => Some(Self { name, value }),
            None => {
                ctx.add_warning(ParseWarning::SkippingArgWithUnknownType { name });
                None
            }
        }
    }
}

/// A resolved argument value.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    Null,
    Boolean(bool),
    Signed32(i32),
    Unsigned32(u32),
    Signed64(i64),
    Unsigned64(u64),
    Double(f64),
    String(String),
    Pointer(u64),
    KernelObj(u64),
    Blob(Vec<u8>),
}

impl ArgValue {
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    pub fn boolean(&self) -> Option<bool> {
        if let Self::Boolean(b) = self { Some(*b) } else { None }
    }

    pub fn signed_32(&self) -> Option<i32> {
        if let Self::Signed32(n) = self { Some(*n) } else { None }
    }

    pub fn unsigned_32(&self) -> Option<u32> {
        if let Self::Unsigned32(n) = self { Some(*n) } else { None }
    }

    pub fn signed_64(&self) -> Option<i64> {
        if let Self::Signed64(n) = self { Some(*n) } else { None }
    }

    pub fn unsigned_64(&self) -> Option<u64> {
        if let Self::Unsigned64(n) = self { Some(*n) } else { None }
    }

    pub fn double(&self) -> Option<f64> {
        if let Self::Double(n) = self { Some(*n) } else { None }
    }

    pub fn string(&self) -> Option<&str> {
        if let Self::String(s) = self { Some(s) } else { None }
    }

    pub fn pointer(&self) -> Option<u64> {
        if let Self::Pointer(p) = self { Some(*p) } else { None }
    }

    pub fn kernel_obj(&self) -> Option<u64> {
        if let Self::KernelObj(k) = self { Some(*k) } else { None }
    }

    pub fn blob(&self) -> Option<&[u8]> {
        if let Self::Blob(b) = self { Some(b) } else { None }
    }

    fn resolve(ctx: &mut ResolveCtx, raw: RawArgValue<'_>) -> Option<Self> {
        Some(match raw {
            RawArgValue::Null => Self::Null,
            RawArgValue::Boolean(b) => Self::Boolean(b),
            RawArgValue::Signed32(n) => Self::Signed32(n),
            RawArgValue::Unsigned32(n) => Self::Unsigned32(n),
            RawArgValue::Signed64(n) => Self::Signed64(n),
            RawArgValue::Unsigned64(n) => Self::Unsigned64(n),
            RawArgValue::Double(n) => Self::Double(n),
            RawArgValue::String(s) => Self::String(ctx.resolve_str(s)),
            RawArgValue::Pointer(p) => Self::Pointer(p),
            RawArgValue::KernelObj(k) => Self::KernelObj(k),
            RawArgValue::Blob(b) => Self::Blob(b.to_vec()),
            RawArgValue::Unknown { .. } => return None,
        })
    }
}

impl std::fmt::Display for ArgValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Null => write!(f, "null"),
            Self::Boolean(v) => write!(f, "{v}"),
            Self::Signed32(v) => write!(f, "{v}"),
            Self::Unsigned32(v) => write!(f, "{v}"),
            Self::Signed64(v) => write!(f, "{v}"),
            Self::Unsigned64(v) => write!(f, "{v}"),
            Self::Double(v) => write!(f, "{v}"),
            Self::String(v) => write!(f, "{v}"),
            Self::Pointer(v) => write!(f, "{v:#016x}"),
            Self::KernelObj(v) => write!(f, "{v}"),
            Self::Blob(v) => write!(f, "{v:02X?}"),
        }
    }
}

/// An argument as encoded, before its strings are resolved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RawArg<'a> {
    pub name: StringRef<'a>,
    pub value: RawArgValue<'a>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawArgValue<'a> {
    Null,
    Boolean(bool),
    Signed32(i32),
    Unsigned32(u32),
    Signed64(i64),
    Unsigned64(u64),
    Double(f64),
    String(StringRef<'a>),
    Pointer(u64),
    KernelObj(u64),
    Blob(&'a [u8]),
    Unknown { raw_type: u8, bytes: &'a [u8] },
}

impl<'a> RawArg<'a> {
    /// Reads `count` arguments from `payload`.
    pub(crate) fn parse_n(count: u8, payload: &mut Reader<'a>) -> Result<Vec<Self>, ParseError> {
        (0..count).map(|_| Self::parse(payload)).collect()
    }

    /// Reads one argument; its size field must cover exactly its name and value.
    fn parse(payload: &mut Reader<'a>) -> Result<Self, ParseError> {
        let (header, mut body) = payload.sized()?;
        let name = StringRef::parse(header.field(16, 31) as u16, &mut body)?;
        let value = match header.raw_type() {
            NULL_ARG_TYPE => RawArgValue::Null,
            BOOL_ARG_TYPE => RawArgValue::Boolean(header.field(32, 32) != 0),
            I32_ARG_TYPE => RawArgValue::Signed32(header.field(32, 63) as u32 as i32),
            U32_ARG_TYPE => RawArgValue::Unsigned32(header.field(32, 63) as u32),
            I64_ARG_TYPE => RawArgValue::Signed64(body.word()? as i64),
            U64_ARG_TYPE => RawArgValue::Unsigned64(body.word()?),
            F64_ARG_TYPE => RawArgValue::Double(f64::from_bits(body.word()?)),
            STR_ARG_TYPE => {
                RawArgValue::String(StringRef::parse(header.field(32, 47) as u16, &mut body)?)
            }
            PTR_ARG_TYPE => RawArgValue::Pointer(body.word()?),
            KOBJ_ARG_TYPE => RawArgValue::KernelObj(body.word()?),
            BLOB_ARG_TYPE => {
                // In-tree takes the blob's bytes and ignores the rest of the argument.
                let blob_size = header.field(32, 63) as usize;
                let bytes = body.rest();
                let blob = bytes.get(..blob_size).ok_or(ParseError::InvalidSize)?;
                return Ok(Self { name, value: RawArgValue::Blob(blob) });
            }
            raw_type => {
                return Ok(Self {
                    name,
                    value: RawArgValue::Unknown { raw_type, bytes: body.rest() },
                });
            }
        };
        body.finish()?;
        Ok(Self { name, value })
    }
}

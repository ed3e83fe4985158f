//! Dynamic GIDL values and their conversion to and from the generated Rust
//! types. Generated code (built with `Build::reflection("crate::reflect")`)
//! implements [`Reflect`] for every declared type and registers the top-level
//! ones in `__reflect_type`; this module implements it for the building
//! blocks (primitives, strings, vectors, arrays, options, boxes, handles,
//! endpoints).
//!
//! A conversion error whose text contains `unrepresentable:` means the GIDL
//! value cannot exist as a value of the Rust type (e.g. an unknown member of
//! a strict enum): such cases are skipped, as they are for in-tree Rust.

use fidl::encoding::{Decoder, Encoder, TypeMarker};
use fidl::{HandleDisposition, HandleInfo, NullableHandle};

/// A key in an object literal: a member name, or an unknown ordinal.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    Name(String),
    Ordinal(u64),
}

/// A `decode({type = T, bytes = ..., handles = ...})` literal.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeSpec {
    pub type_name: String,
    pub bytes: Vec<u8>,
    pub handles: Vec<usize>,
}

/// A GIDL value, or a decoded value converted back for comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Object {
        name: String,
        fields: Vec<(Key, Value)>,
    },
    /// `#N`: handle N of the case's `handle_defs`.
    Handle(usize),
    /// `restrict(#N, type: T, rights: R)`: handle N as the decoder must give it.
    Restrict {
        handle: usize,
        object_type: u32,
        rights: u32,
    },
    Decode(Box<DecodeSpec>),
    /// Raw unknown envelope content (`{ bytes = [...], handles = [...] }`),
    /// only used by the Stored unknown-data policy.
    UnknownData {
        bytes: Vec<u8>,
        handles: Vec<usize>,
    },
    /// A handle found in a decoded value.
    DecodedHandle {
        koid: u64,
        object_type: u32,
        rights: u32,
    },
}

/// The handles of one test case, created from its `handle_defs`.
#[derive(Debug, Default)]
pub struct Ctx {
    /// Handles not yet moved into a value (index = `#N`).
    pub handles: Vec<Option<NullableHandle>>,
    /// Koid of each defined handle.
    pub koids: Vec<u64>,
    /// Decoders of the generated types, for `decode(...)` literals.
    pub lookup: Option<fn(&str) -> Option<TypeOps>>,
}

impl Ctx {
    /// Moves handle `#index` out (each handle can be used once).
    pub fn take(&mut self, index: usize) -> Result<NullableHandle, String> {
        self.handles
            .get_mut(index)
            .and_then(Option::take)
            .ok_or_else(|| format!("handle #{index} is undefined or already used"))
    }

    /// Handle infos for `indices`, as a channel read would report them.
    pub fn handle_infos(&mut self, indices: &[usize]) -> Result<Vec<HandleInfo>, String> {
        indices
            .iter()
            .map(|&i| {
                let handle = self.take(i)?;
                let info = handle.basic_info().map_err(|s| format!("basic_info of #{i}: {s}"))?;
                Ok(HandleInfo::new(handle, info.object_type, info.rights))
            })
            .collect()
    }
}

/// Conversion between [`Value`] and a Rust value.
pub trait Reflect: Sized {
    fn from_value(value: &Value, ctx: &mut Ctx) -> Result<Self, String>;
    fn to_value(&self) -> Value;
}

/// Encode and decode entry points of one generated type.
#[derive(Clone, Copy)]
pub struct TypeOps {
    /// Converts the value (outer error: not representable / invalid literal),
    /// then encodes it through the generated bindings.
    pub encode: fn(&Value, &mut Ctx) -> Result<EncodeResult, String>,
    /// Decodes through the generated bindings and converts back; the
    /// decoded value itself is returned too, so that the handles it holds
    /// stay open until the caller drops it.
    pub decode: fn(&[u8], Vec<HandleInfo>) -> fidl::Result<Decoded>,
}

/// A decoded value as a [`Value`], and the typed value (holding its handles).
pub type Decoded = (Value, Box<dyn std::any::Any>);

/// Encoded bytes and handle dispositions, or the encoder's error.
pub type EncodeResult = fidl::Result<(Vec<u8>, Vec<HandleDisposition<'static>>)>;

impl TypeOps {
    pub fn of<T: TypeMarker<Owned = T> + Reflect>() -> TypeOps {
        TypeOps {
            encode: |value, ctx| {
                let typed = T::from_value(value, ctx)?;
                Ok(Encoder::encode::<T>(typed))
            },
            decode: |bytes, handles| {
                Decoder::decode::<T>(bytes, handles)
                    .map(|v| (v.to_value(), Box::new(v) as Box<dyn std::any::Any>))
            },
        }
    }
}

/// For a `decode(...)` literal: the value decoded as `T` by its generated
/// decoder; otherwise None.
pub fn decode_value<T: TypeMarker<Owned = T>>(
    value: &Value,
    ctx: &mut Ctx,
) -> Result<Option<T>, String> {
    let Value::Decode(spec) = value else { return Ok(None) };
    let infos = ctx.handle_infos(&spec.handles)?;
    Decoder::decode::<T>(&spec.bytes, infos)
        .map(Some)
        .map_err(|e| format!("decode({}) failed: {e}", spec.type_name))
}

/// The members of an object literal of `type_name`; names must be known.
pub fn object<'v>(
    value: &'v Value,
    type_name: &str,
    known: &[&str],
) -> Result<&'v [(Key, Value)], String> {
    match value {
        Value::Object { fields, .. } => {
            for (key, v) in fields {
                match key {
                    Key::Name(n) if !known.contains(&n.as_str()) => {
                        return Err(format!("{type_name} has no member '{n}'"));
                    }
                    Key::Ordinal(_) if matches!(v, Value::UnknownData { .. }) => {
                        return Err(
                            "unrepresentable: unknown data is dropped (Dropped policy), not stored"
                                .into(),
                        );
                    }
                    _ => {}
                }
            }
            Ok(fields)
        }
        other => Err(format!("expected a {type_name} literal, found {other:?}")),
    }
}

/// Member `name` of an object literal, `Null` when omitted.
pub fn member<'v>(fields: &'v [(Key, Value)], name: &str) -> &'v Value {
    const NULL: &Value = &Value::Null;
    fields.iter().find(|(k, _)| matches!(k, Key::Name(n) if n == name)).map_or(NULL, |(_, v)| v)
}

pub fn int(value: &Value) -> Result<i128, String> {
    match value {
        Value::Int(i) => Ok(*i),
        other => Err(format!("expected an integer, found {other:?}")),
    }
}

macro_rules! reflect_int {
    ($($t:ty),*) => {$(
        impl Reflect for $t {
            fn from_value(value: &Value, _ctx: &mut Ctx) -> Result<Self, String> {
                <$t>::try_from(int(value)?).map_err(|_| format!("{value:?} out of range for {}", stringify!($t)))
            }
            fn to_value(&self) -> Value {
                Value::Int(i128::from(*self))
            }
        }
    )*};
}
reflect_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Reflect for bool {
    fn from_value(value: &Value, _ctx: &mut Ctx) -> Result<Self, String> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(format!("expected a bool, found {other:?}")),
        }
    }
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

fn float(value: &Value) -> Result<f64, String> {
    match value {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        other => Err(format!("expected a float, found {other:?}")),
    }
}

impl Reflect for f32 {
    fn from_value(value: &Value, _ctx: &mut Ctx) -> Result<Self, String> {
        float(value).map(|f| f as f32)
    }
    fn to_value(&self) -> Value {
        Value::Float(f64::from(*self))
    }
}

impl Reflect for f64 {
    fn from_value(value: &Value, _ctx: &mut Ctx) -> Result<Self, String> {
        float(value)
    }
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}

impl Reflect for String {
    fn from_value(value: &Value, _ctx: &mut Ctx) -> Result<Self, String> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(format!("expected a string, found {other:?}")),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}

impl<T: Reflect> Reflect for Vec<T> {
    fn from_value(value: &Value, ctx: &mut Ctx) -> Result<Self, String> {
        match value {
            Value::List(items) => items.iter().map(|v| T::from_value(v, ctx)).collect(),
            other => Err(format!("expected a list, found {other:?}")),
        }
    }
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(Reflect::to_value).collect())
    }
}

impl<T: Reflect, const N: usize> Reflect for [T; N] {
    fn from_value(value: &Value, ctx: &mut Ctx) -> Result<Self, String> {
        let items = Vec::<T>::from_value(value, ctx)?;
        let len = items.len();
        items.try_into().map_err(|_| format!("expected {N} array elements, found {len}"))
    }
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(Reflect::to_value).collect())
    }
}

impl<T: Reflect> Reflect for Option<T> {
    fn from_value(value: &Value, ctx: &mut Ctx) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v, ctx).map(Some),
        }
    }
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, Reflect::to_value)
    }
}

impl<T: Reflect> Reflect for Box<T> {
    fn from_value(value: &Value, ctx: &mut Ctx) -> Result<Self, String> {
        T::from_value(value, ctx).map(Box::new)
    }
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

fn handle_value(handle: &NullableHandle) -> Value {
    match handle.basic_info() {
        Ok(info) => Value::DecodedHandle {
            koid: info.koid.raw_koid(),
            object_type: info.object_type.into_raw(),
            rights: info.rights.bits(),
        },
        Err(_) => Value::Null,
    }
}

/// A handle literal; `null` gives the invalid handle (so that encoding an
/// absent required handle can be tried).
fn take_handle(value: &Value, ctx: &mut Ctx) -> Result<NullableHandle, String> {
    match value {
        Value::Handle(i) => ctx.take(*i),
        Value::Null => Ok(NullableHandle::invalid()),
        other => Err(format!("expected a handle, found {other:?}")),
    }
}

macro_rules! reflect_handle {
    ($($t:ty),*) => {$(
        impl Reflect for $t {
            fn from_value(value: &Value, ctx: &mut Ctx) -> Result<Self, String> {
                take_handle(value, ctx).map(<$t>::from)
            }
            fn to_value(&self) -> Value {
                handle_value(&fidl::AsHandleRef::as_handle_ref(self))
            }
        }
    )*};
}
reflect_handle!(
    NullableHandle,
    fidl::Event,
    fidl::Channel,
    fidl::EventPair,
    fidl::Vmo,
    fidl::Counter
);

impl<P: 'static> Reflect for fidl::endpoints::ClientEnd<P> {
    fn from_value(value: &Value, ctx: &mut Ctx) -> Result<Self, String> {
        take_handle(value, ctx).map(Self::from)
    }
    fn to_value(&self) -> Value {
        handle_value(&self.channel().as_handle_ref())
    }
}

impl<P: 'static> Reflect for fidl::endpoints::ServerEnd<P> {
    fn from_value(value: &Value, ctx: &mut Ctx) -> Result<Self, String> {
        take_handle(value, ctx).map(Self::from)
    }
    fn to_value(&self) -> Value {
        handle_value(&self.channel().as_handle_ref())
    }
}

//! Single-valued properties and lazy nodes.

use crate::writer::handle::{BlockHandle, impl_inspect_type};
use crate::writer::traits::{NumericProperty, Property};
use inspect_format::BlockType;

/// A signed integer property.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct IntProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// An unsigned integer property.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UintProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// A double property.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DoubleProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// A boolean property.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BoolProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// A UTF-8 string property (stored as a string reference).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StringProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// A byte-vector property (stored in extents).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BytesProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// A lazy child or lazy values link; its callback is dropped with it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LazyNode {
    pub(crate) handle: Option<BlockHandle>,
}

impl_inspect_type!(
    IntProperty,
    UintProperty,
    DoubleProperty,
    BoolProperty,
    StringProperty,
    BytesProperty,
    LazyNode
);

/// Read-modify-write of a numeric block under one transaction; returns the new value.
fn update<T>(
    handle: &Option<BlockHandle>,
    ty: BlockType,
    decode: impl Fn(u64) -> T,
    encode: impl Fn(T) -> u64,
    op: impl FnOnce(T) -> T,
) -> Option<T> {
    let handle = handle.as_ref()?;
    handle.transact(|state, index| {
        let current = decode(state.get_raw(index, ty).ok()?);
        let new = op(current);
        let raw = encode(new);
        state.set_raw(index, ty, raw).ok()?;
        Some(decode(raw))
    })
}

fn set_raw(handle: &Option<BlockHandle>, ty: BlockType, raw: u64) {
    if let Some(handle) = handle {
        // Fails only on a block of another type, which a handle of this type never owns.
        let _ = handle.transact(|state, index| state.set_raw(index, ty, raw));
    }
}

macro_rules! numeric_property {
    ($ty:ident, $value:ty, $block:expr, $decode:expr, $encode:expr, $add:expr, $sub:expr) => {
        impl<'t> Property<'t> for $ty {
            type Type = $value;

            fn set(&self, value: $value) {
                set_raw(&self.handle, $block, $encode(value));
            }
        }

        impl<'t> NumericProperty<'t> for $ty {
            fn add(&self, value: $value) -> Option<$value> {
                update(&self.handle, $block, $decode, $encode, |current: $value| {
                    $add(current, value)
                })
            }

            fn subtract(&self, value: $value) -> Option<$value> {
                update(&self.handle, $block, $decode, $encode, |current: $value| {
                    $sub(current, value)
                })
            }
        }

        impl $ty {
            /// The current value as stored in the VMO, `None` for no-op values.
            pub fn get(&self) -> Option<$value> {
                let handle = self.handle.as_ref()?;
                handle.read(|state, index| state.get_raw(index, $block).ok().map($decode))
            }
        }
    };
}

numeric_property!(
    IntProperty,
    i64,
    BlockType::IntValue,
    |raw: u64| raw as i64,
    |v: i64| v as u64,
    i64::saturating_add,
    i64::saturating_sub
);
numeric_property!(
    UintProperty,
    u64,
    BlockType::UintValue,
    |raw: u64| raw,
    |v: u64| v,
    u64::saturating_add,
    u64::saturating_sub
);
numeric_property!(
    DoubleProperty,
    f64,
    BlockType::DoubleValue,
    f64::from_bits,
    f64::to_bits,
    |a: f64, b: f64| a + b,
    |a: f64, b: f64| a - b
);

impl<'t> Property<'t> for BoolProperty {
    type Type = bool;

    fn set(&self, value: bool) {
        set_raw(&self.handle, BlockType::BoolValue, value as u64);
    }
}

impl<'t> Property<'t> for StringProperty {
    type Type = &'t str;

    fn set(&self, value: &'t str) {
        if let Some(handle) = &self.handle {
            // On a full VMO the old value stays; `failed_allocations` records the failure.
            let _ = handle.transact(|state, index| state.set_string(index, value));
        }
    }
}

impl<'t> Property<'t> for BytesProperty {
    type Type = &'t [u8];

    fn set(&self, value: &'t [u8]) {
        if let Some(handle) = &self.handle {
            // On a full VMO the property becomes empty; `failed_allocations` records it.
            let _ = handle.transact(|state, index| state.set_bytes(index, value));
        }
    }
}

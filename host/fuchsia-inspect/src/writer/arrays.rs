//! Array properties.

use crate::writer::handle::{BlockHandle, impl_inspect_type};
use crate::writer::traits::{ArithmeticArrayProperty, ArrayProperty, Length};
use std::borrow::Cow;

/// An array of signed integers.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct IntArrayProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// An array of unsigned integers.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UintArrayProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// An array of doubles.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DoubleArrayProperty {
    pub(crate) handle: Option<BlockHandle>,
}

/// An array of strings (string references; empty slots read as "").
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StringArrayProperty {
    pub(crate) handle: Option<BlockHandle>,
}

impl_inspect_type!(IntArrayProperty, UintArrayProperty, DoubleArrayProperty, StringArrayProperty);

fn array_len(handle: &Option<BlockHandle>) -> Option<usize> {
    handle.as_ref()?.read(|state, index| state.array_len(index).ok())
}

impl Length for IntArrayProperty {
    fn len(&self) -> Option<usize> {
        array_len(&self.handle)
    }
}
impl Length for UintArrayProperty {
    fn len(&self) -> Option<usize> {
        array_len(&self.handle)
    }
}
impl Length for DoubleArrayProperty {
    fn len(&self) -> Option<usize> {
        array_len(&self.handle)
    }
}
impl Length for StringArrayProperty {
    fn len(&self) -> Option<usize> {
        array_len(&self.handle)
    }
}

/// Sets slot `slot` to `raw`; out-of-range slots are ignored, as in-tree.
pub(crate) fn set_slot(handle: &Option<BlockHandle>, slot: usize, raw: u64) {
    if let Some(handle) = handle {
        let _ = handle.transact(|state, index| state.array_set(index, slot, raw));
    }
}

/// Applies `op` to slot `slot` in one transaction; out-of-range slots are ignored.
pub(crate) fn update_slot(handle: &Option<BlockHandle>, slot: usize, op: impl FnOnce(u64) -> u64) {
    if let Some(handle) = handle {
        let _ = handle.transact(|state, index| {
            let current = state.array_get(index, slot)?;
            state.array_set(index, slot, op(current))
        });
    }
}

/// Zeroes slots `from..`.
pub(crate) fn clear_from(handle: &Option<BlockHandle>, from: usize) {
    if let Some(handle) = handle {
        let _ = handle.transact(|state, index| state.array_clear(index, from));
    }
}

macro_rules! numeric_array {
    ($ty:ident, $value:ty, $decode:expr, $encode:expr, $add:expr, $sub:expr) => {
        impl ArrayProperty for $ty {
            type Type<'a> = $value;

            fn set<'a>(&self, index: usize, value: impl Into<$value>)
            where
                Self: 'a,
            {
                set_slot(&self.handle, index, $encode(value.into()));
            }

            fn clear(&self) {
                clear_from(&self.handle, 0);
            }
        }

        impl ArithmeticArrayProperty for $ty {
            fn add<'a>(&self, index: usize, value: $value)
            where
                Self: 'a,
            {
                update_slot(&self.handle, index, |raw| $encode($add($decode(raw), value)));
            }

            fn subtract<'a>(&self, index: usize, value: $value)
            where
                Self: 'a,
            {
                update_slot(&self.handle, index, |raw| $encode($sub($decode(raw), value)));
            }
        }
    };
}

numeric_array!(
    IntArrayProperty,
    i64,
    |raw: u64| raw as i64,
    |v: i64| v as u64,
    i64::saturating_add,
    i64::saturating_sub
);
numeric_array!(
    UintArrayProperty,
    u64,
    |raw: u64| raw,
    |v: u64| v,
    u64::saturating_add,
    u64::saturating_sub
);
numeric_array!(
    DoubleArrayProperty,
    f64,
    f64::from_bits,
    f64::to_bits,
    |a: f64, b: f64| a + b,
    |a: f64, b: f64| a - b
);

impl ArrayProperty for StringArrayProperty {
    type Type<'a> = Cow<'a, str>;

    fn set<'a>(&self, index: usize, value: impl Into<Cow<'a, str>>)
    where
        Self: 'a,
    {
        if let Some(handle) = &self.handle {
            let value = value.into();
            let _ = handle.transact(|state, block| state.array_set_string(block, index, &value));
        }
    }

    fn clear(&self) {
        clear_from(&self.handle, 0);
    }
}

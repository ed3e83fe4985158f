//! Property assertions: literal values and the `Any*` / `NonZero*` matchers.

use crate::tree::Error;
use diagnostics_hierarchy::{ArrayContent, ExponentialHistogram, LinearHistogram, Property};

/// A check on one property.
pub trait PropertyAssertion: Send + Sync {
    /// Checks `actual`.
    fn run(&self, actual: &Property) -> Result<(), Error>;
}

fn mismatch(expected: impl std::fmt::Debug, actual: &Property) -> Error {
    Error::new(format!("expected {expected:?}, found {actual:?}"))
}

macro_rules! type_matcher {
    ($($(#[$doc:meta])* $name:ident => $pattern:pat,)*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug)]
            pub struct $name;

            impl PropertyAssertion for $name {
                fn run(&self, actual: &Property) -> Result<(), Error> {
                    match actual {
                        $pattern => Ok(()),
                        _ => Err(mismatch(stringify!($name), actual)),
                    }
                }
            }
        )*
    };
}

type_matcher! {
    /// Any string property.
    AnyStringProperty => Property::String(..),
    /// Any bytes property.
    AnyBytesProperty => Property::Bytes(..),
    /// Any unsigned integer property.
    AnyUintProperty => Property::Uint(..),
    /// Any signed integer property.
    AnyIntProperty => Property::Int(..),
    /// Any double property.
    AnyDoubleProperty => Property::Double(..),
    /// Any boolean property.
    AnyBoolProperty => Property::Bool(..),
    /// Any int, uint or double property.
    AnyNumericProperty => Property::Int(..) | Property::Uint(..) | Property::Double(..),
    /// An unsigned integer property that is not zero.
    NonZeroUintProperty => Property::Uint(_, 1..),
    /// A signed integer property that is not zero.
    NonZeroIntProperty => Property::Int(_, i64::MIN..=-1 | 1..),
}

/// Any property at all.
#[derive(Clone, Copy, Debug)]
pub struct AnyProperty;

impl PropertyAssertion for AnyProperty {
    fn run(&self, _: &Property) -> Result<(), Error> {
        Ok(())
    }
}

macro_rules! value_matcher {
    ($($ty:ty => |$value:ident, $actual:ident| $check:expr;)*) => {
        $(
            impl PropertyAssertion for $ty {
                fn run(&self, actual: &Property) -> Result<(), Error> {
                    let $value = self;
                    let $actual = actual;
                    if $check { Ok(()) } else { Err(mismatch(self, actual)) }
                }
            }
        )*
    };
}

value_matcher! {
    u64 => |v, a| a.uint() == Some(v);
    i64 => |v, a| a.int() == Some(v);
    f64 => |v, a| a.double() == Some(v);
    bool => |v, a| a.boolean() == Some(v);
    &'static str => |v, a| a.string() == Some(*v);
    String => |v, a| a.string() == Some(v.as_str());
    Vec<u8> => |v, a| a.bytes() == Some(v.as_slice());
    Vec<i64> => |v, a| matches!(a.int_array(), Some(ArrayContent::Values(x)) if x == v);
    Vec<u64> => |v, a| matches!(a.uint_array(), Some(ArrayContent::Values(x)) if x == v);
    Vec<f64> => |v, a| matches!(a.double_array(), Some(ArrayContent::Values(x)) if x == v);
    Vec<String> => |v, a| a.string_list() == Some(v);
    Vec<&'static str> => |v, a| a.string_list().is_some_and(|x| x.iter().map(String::as_str).eq(v.iter().copied()));
    LinearHistogram<i64> => |v, a| matches!(a.int_array(), Some(ArrayContent::LinearHistogram(x)) if x == v);
    LinearHistogram<u64> => |v, a| matches!(a.uint_array(), Some(ArrayContent::LinearHistogram(x)) if x == v);
    LinearHistogram<f64> => |v, a| matches!(a.double_array(), Some(ArrayContent::LinearHistogram(x)) if x == v);
    ExponentialHistogram<i64> => |v, a| matches!(a.int_array(), Some(ArrayContent::ExponentialHistogram(x)) if x == v);
    ExponentialHistogram<u64> => |v, a| matches!(a.uint_array(), Some(ArrayContent::ExponentialHistogram(x)) if x == v);
    ExponentialHistogram<f64> => |v, a| matches!(a.double_array(), Some(ArrayContent::ExponentialHistogram(x)) if x == v);
}

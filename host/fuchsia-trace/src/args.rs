//! Event arguments: a key and a typed value.

/// One argument of a trace event.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg<'a> {
    pub(crate) key: &'a str,
    pub(crate) value: crate::host::ArgData,
}

/// A value that can be a trace argument.
pub trait ArgValue {
    /// An argument named `key` with this value.
    fn of<'a>(key: &'a str, value: Self) -> Arg<'a>
    where
        Self: 'a;
}

macro_rules! arg_value {
    ($($ty:ty => |$v:ident| $data:expr;)*) => {
        $(
            impl ArgValue for $ty {
                fn of<'a>(key: &'a str, $v: Self) -> Arg<'a>
                where
                    Self: 'a,
                {
                    Arg { key, value: $data }
                }
            }
        )*
    };
}

use crate::host::ArgData;

arg_value! {
    () => |_v| ArgData::Null;
    bool => |v| ArgData::Bool(v);
    i32 => |v| ArgData::Int32(v);
    u32 => |v| ArgData::Uint32(v);
    i64 => |v| ArgData::Int64(v);
    u64 => |v| ArgData::Uint64(v);
    isize => |v| ArgData::Int64(v as i64);
    usize => |v| ArgData::Uint64(v as u64);
    f64 => |v| ArgData::Double(v);
    zx::Koid => |v| ArgData::Koid(v.raw_koid());
    &str => |v| ArgData::String(v.to_owned());
    &String => |v| ArgData::String(v.clone());
}

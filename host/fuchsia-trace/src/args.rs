//! Event arguments: a key and a typed value.

use trace_engine::{ArgValue as Value, StringRef};

/// One argument of a trace event. Borrows its key and any string value, as in-tree.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arg<'a> {
    pub(crate) key: &'a str,
    pub(crate) value: Value<'a>,
}

impl<'a> Arg<'a> {
    /// The argument as the record writer takes it.
    pub(crate) fn to_record(self) -> trace_engine::Arg<'a> {
        trace_engine::Arg { name: StringRef::Inline(self.key), value: self.value }
    }
}

/// A value that can be a trace argument.
pub trait ArgValue {
    /// An argument named `key` with this value.
    fn of<'a>(key: &'a str, value: Self) -> Arg<'a>
    where
        Self: 'a;
}

macro_rules! arg_value {
    ($($ty:ty => |$v:ident| $value:expr;)*) => {
        $(
            impl ArgValue for $ty {
                fn of<'a>(key: &'a str, $v: Self) -> Arg<'a>
                where
                    Self: 'a,
                {
                    Arg { key, value: $value }
                }
            }
        )*
    };
}

arg_value! {
    () => |_v| Value::Null;
    bool => |v| Value::Bool(v);
    i32 => |v| Value::Int32(v);
    u32 => |v| Value::Uint32(v);
    i64 => |v| Value::Int64(v);
    u64 => |v| Value::Uint64(v);
    isize => |v| Value::Int64(v as i64);
    usize => |v| Value::Uint64(v as u64);
    f64 => |v| Value::Double(v);
    zx::Koid => |v| Value::Koid(v.raw_koid());
    &str => |v| Value::String(StringRef::Inline(v));
    &String => |v| Value::String(StringRef::Inline(v.as_str()));
}

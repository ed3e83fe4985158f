//! Configuration values (the `cm_rust` value types) and their check against a field type.

use crate::schema::{ConfigNestedValueType, ConfigValueType};

/// A single (non-vector) value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigSingleValue {
    Bool(bool),
    Uint8(u8),
    Uint16(u16),
    Uint32(u32),
    Uint64(u64),
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    String(String),
}

/// A vector value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigVectorValue {
    BoolVector(Vec<bool>),
    Uint8Vector(Vec<u8>),
    Uint16Vector(Vec<u16>),
    Uint32Vector(Vec<u32>),
    Uint64Vector(Vec<u64>),
    Int8Vector(Vec<i8>),
    Int16Vector(Vec<i16>),
    Int32Vector(Vec<i32>),
    Int64Vector(Vec<i64>),
    StringVector(Vec<String>),
}

/// The value of one configuration field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigValue {
    Single(ConfigSingleValue),
    Vector(ConfigVectorValue),
}

/// A value as given in a values file or to `RealmBuilder::set_config_value`
/// (`cm_rust::ConfigValueSpec`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConfigValueSpec {
    pub value: ConfigValue,
}

/// Why a value does not fit a field type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("expected a value of type {expected}, got {received}")]
    TypeMismatch { expected: &'static str, received: &'static str },
    #[error("string of {actual} bytes is longer than max_size {max}")]
    StringTooLong { max: u32, actual: usize },
    #[error("vector of {actual} elements is longer than max_count {max}")]
    VectorTooLong { max: u32, actual: usize },
    #[error("vector element {offset}: {source}")]
    VectorElementInvalid { offset: usize, source: Box<ValueError> },
}

impl ConfigSingleValue {
    fn type_name(&self) -> &'static str {
        match self {
            ConfigSingleValue::Bool(_) => "bool",
            ConfigSingleValue::Uint8(_) => "uint8",
            ConfigSingleValue::Uint16(_) => "uint16",
            ConfigSingleValue::Uint32(_) => "uint32",
            ConfigSingleValue::Uint64(_) => "uint64",
            ConfigSingleValue::Int8(_) => "int8",
            ConfigSingleValue::Int16(_) => "int16",
            ConfigSingleValue::Int32(_) => "int32",
            ConfigSingleValue::Int64(_) => "int64",
            ConfigSingleValue::String(_) => "string",
        }
    }
}

impl ConfigVectorValue {
    fn type_name(&self) -> &'static str {
        match self {
            ConfigVectorValue::BoolVector(_) => "vector of bool",
            ConfigVectorValue::Uint8Vector(_) => "vector of uint8",
            ConfigVectorValue::Uint16Vector(_) => "vector of uint16",
            ConfigVectorValue::Uint32Vector(_) => "vector of uint32",
            ConfigVectorValue::Uint64Vector(_) => "vector of uint64",
            ConfigVectorValue::Int8Vector(_) => "vector of int8",
            ConfigVectorValue::Int16Vector(_) => "vector of int16",
            ConfigVectorValue::Int32Vector(_) => "vector of int32",
            ConfigVectorValue::Int64Vector(_) => "vector of int64",
            ConfigVectorValue::StringVector(_) => "vector of string",
        }
    }

    fn len(&self) -> usize {
        match self {
            ConfigVectorValue::BoolVector(v) => v.len(),
            ConfigVectorValue::Uint8Vector(v) => v.len(),
            ConfigVectorValue::Uint16Vector(v) => v.len(),
            ConfigVectorValue::Uint32Vector(v) => v.len(),
            ConfigVectorValue::Uint64Vector(v) => v.len(),
            ConfigVectorValue::Int8Vector(v) => v.len(),
            ConfigVectorValue::Int16Vector(v) => v.len(),
            ConfigVectorValue::Int32Vector(v) => v.len(),
            ConfigVectorValue::Int64Vector(v) => v.len(),
            ConfigVectorValue::StringVector(v) => v.len(),
        }
    }
}

impl ConfigValue {
    /// A short description of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ConfigValue::Single(single) => single.type_name(),
            ConfigValue::Vector(vector) => vector.type_name(),
        }
    }

    /// Checks that this value is of type `type_` and within its bounds.
    pub fn check(&self, type_: &ConfigValueType) -> Result<(), ValueError> {
        use ConfigSingleValue as S;
        use ConfigValueType as T;
        let mismatch = || ValueError::TypeMismatch {
            expected: expected_name(type_),
            received: self.type_name(),
        };
        match (type_, self) {
            (T::Bool, ConfigValue::Single(S::Bool(_)))
            | (T::Uint8, ConfigValue::Single(S::Uint8(_)))
            | (T::Uint16, ConfigValue::Single(S::Uint16(_)))
            | (T::Uint32, ConfigValue::Single(S::Uint32(_)))
            | (T::Uint64, ConfigValue::Single(S::Uint64(_)))
            | (T::Int8, ConfigValue::Single(S::Int8(_)))
            | (T::Int16, ConfigValue::Single(S::Int16(_)))
            | (T::Int32, ConfigValue::Single(S::Int32(_)))
            | (T::Int64, ConfigValue::Single(S::Int64(_))) => Ok(()),
            (T::String { max_size }, ConfigValue::Single(S::String(s))) => {
                check_string(s, *max_size)
                    .map_err(|actual| ValueError::StringTooLong { max: *max_size, actual })
            }
            (T::Vector { max_count, nested_type }, ConfigValue::Vector(vector)) => {
                if !element_matches(nested_type, vector) {
                    return Err(mismatch());
                }
                if vector.len() > *max_count as usize {
                    return Err(ValueError::VectorTooLong {
                        max: *max_count,
                        actual: vector.len(),
                    });
                }
                if let (
                    ConfigNestedValueType::String { max_size },
                    ConfigVectorValue::StringVector(v),
                ) = (nested_type, vector)
                {
                    for (offset, s) in v.iter().enumerate() {
                        check_string(s, *max_size).map_err(|actual| {
                            ValueError::VectorElementInvalid {
                                offset,
                                source: Box::new(ValueError::StringTooLong {
                                    max: *max_size,
                                    actual,
                                }),
                            }
                        })?;
                    }
                }
                Ok(())
            }
            _ => Err(mismatch()),
        }
    }
}

/// `Err(len)` if `s` is longer than `max_size` bytes.
fn check_string(s: &str, max_size: u32) -> Result<(), usize> {
    if s.len() > max_size as usize { Err(s.len()) } else { Ok(()) }
}

fn element_matches(nested: &ConfigNestedValueType, vector: &ConfigVectorValue) -> bool {
    use ConfigNestedValueType as N;
    use ConfigVectorValue as V;
    matches!(
        (nested, vector),
        (N::Bool, V::BoolVector(_))
            | (N::Uint8, V::Uint8Vector(_))
            | (N::Uint16, V::Uint16Vector(_))
            | (N::Uint32, V::Uint32Vector(_))
            | (N::Uint64, V::Uint64Vector(_))
            | (N::Int8, V::Int8Vector(_))
            | (N::Int16, V::Int16Vector(_))
            | (N::Int32, V::Int32Vector(_))
            | (N::Int64, V::Int64Vector(_))
            | (N::String { .. }, V::StringVector(_))
    )
}

/// The name of `type_` in the same words as [`ConfigValue::type_name`].
pub(crate) fn expected_name(type_: &ConfigValueType) -> &'static str {
    match type_ {
        ConfigValueType::Vector { nested_type, .. } => match nested_type {
            ConfigNestedValueType::Bool => "vector of bool",
            ConfigNestedValueType::Uint8 => "vector of uint8",
            ConfigNestedValueType::Uint16 => "vector of uint16",
            ConfigNestedValueType::Uint32 => "vector of uint32",
            ConfigNestedValueType::Uint64 => "vector of uint64",
            ConfigNestedValueType::Int8 => "vector of int8",
            ConfigNestedValueType::Int16 => "vector of int16",
            ConfigNestedValueType::Int32 => "vector of int32",
            ConfigNestedValueType::Int64 => "vector of int64",
            ConfigNestedValueType::String { .. } => "vector of string",
        },
        other => other.name(),
    }
}

macro_rules! value_conversions {
    ($($t:ty => $single:ident, $vector:ident;)*) => {$(
        impl From<$t> for ConfigValue {
            fn from(value: $t) -> ConfigValue {
                ConfigValue::Single(ConfigSingleValue::$single(value.into()))
            }
        }
        impl From<Vec<$t>> for ConfigValue {
            fn from(values: Vec<$t>) -> ConfigValue {
                ConfigValue::Vector(ConfigVectorValue::$vector(
                    values.into_iter().map(Into::into).collect(),
                ))
            }
        }
        impl From<$t> for ConfigValueSpec {
            fn from(value: $t) -> ConfigValueSpec {
                ConfigValueSpec { value: value.into() }
            }
        }
        impl From<Vec<$t>> for ConfigValueSpec {
            fn from(values: Vec<$t>) -> ConfigValueSpec {
                ConfigValueSpec { value: values.into() }
            }
        }
    )*};
}

value_conversions! {
    bool => Bool, BoolVector;
    u8 => Uint8, Uint8Vector;
    u16 => Uint16, Uint16Vector;
    u32 => Uint32, Uint32Vector;
    u64 => Uint64, Uint64Vector;
    i8 => Int8, Int8Vector;
    i16 => Int16, Int16Vector;
    i32 => Int32, Int32Vector;
    i64 => Int64, Int64Vector;
    String => String, StringVector;
    &str => String, StringVector;
}

impl From<ConfigValue> for ConfigValueSpec {
    fn from(value: ConfigValue) -> ConfigValueSpec {
        ConfigValueSpec { value }
    }
}

//! Values files: the JSON5 object `fuchsia_structured_config_values` compiles into a `.cvf`,
//! one entry per schema key and nothing else.

use std::path::Path;

use serde_json::Value;

use crate::schema::{ConfigChecksum, ConfigDecl, ConfigNestedValueType, ConfigValueType};
use crate::value::{
    ConfigSingleValue, ConfigValue, ConfigValueSpec, ConfigVectorValue, ValueError, expected_name,
};

/// Values for every field of one schema, in the schema's (key) order
/// (`fuchsia.component.config/ValuesData`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValuesData {
    pub values: Vec<ConfigValueSpec>,
    /// The checksum of the schema the values were checked against.
    pub checksum: ConfigChecksum,
}

/// Why a values file does not fit its schema. `key` names the field; for a vector element
/// it reads `key[index]`.
#[derive(Debug, thiserror::Error)]
pub enum ValuesFileError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("values file is not valid JSON5: {0}")]
    Json5(String),
    #[error("values file must be a JSON object of key: value")]
    NotAnObject,
    #[error("missing value for config key '{key}'")]
    MissingKey { key: String },
    #[error("unknown config key '{key}' (not in the manifest's config schema)")]
    UnknownKey { key: String },
    #[error("config key '{key}': expected {expected}, found {found}")]
    WrongType { key: String, expected: &'static str, found: String },
    #[error("config key '{key}': {value} is out of range for {expected}")]
    OutOfRange { key: String, expected: &'static str, value: String },
    #[error("config key '{key}': {source}")]
    TooLong { key: String, source: ValueError },
}

/// Reads and checks the values file at `path` against `decl`.
pub fn parse_values_file(decl: &ConfigDecl, path: &Path) -> Result<ValuesData, ValuesFileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ValuesFileError::Io { path: path.display().to_string(), source })?;
    parse_values_json5(decl, &text)
}

/// Parses a values file (JSON5 text) and checks it against `decl`: every key present, no
/// unknown key, each value of its field's type, in range and within its bounds.
pub fn parse_values_json5(decl: &ConfigDecl, text: &str) -> Result<ValuesData, ValuesFileError> {
    let document: Value =
        json5::from_str(text).map_err(|error| ValuesFileError::Json5(error.to_string()))?;
    let Value::Object(mut entries) = document else {
        return Err(ValuesFileError::NotAnObject);
    };
    if let Some(unknown) = entries.keys().find(|key| decl.field(key).is_none()) {
        return Err(ValuesFileError::UnknownKey { key: unknown.clone() });
    }
    let mut values = Vec::with_capacity(decl.fields.len());
    for field in &decl.fields {
        let json = entries
            .remove(&field.key)
            .ok_or_else(|| ValuesFileError::MissingKey { key: field.key.clone() })?;
        let value = value_from_json(&field.key, &json, &field.type_)?;
        value
            .check(&field.type_)
            .map_err(|source| ValuesFileError::TooLong { key: field.key.clone(), source })?;
        values.push(ConfigValueSpec { value });
    }
    Ok(ValuesData { values, checksum: decl.checksum.clone() })
}

/// Converts one JSON value to a value of `type_` (bounds are checked by the caller).
pub(crate) fn value_from_json(
    key: &str,
    json: &Value,
    type_: &ConfigValueType,
) -> Result<ConfigValue, ValuesFileError> {
    let nested = match type_ {
        ConfigValueType::Vector { nested_type, .. } => nested_type,
        ConfigValueType::Bool => &ConfigNestedValueType::Bool,
        ConfigValueType::Uint8 => &ConfigNestedValueType::Uint8,
        ConfigValueType::Uint16 => &ConfigNestedValueType::Uint16,
        ConfigValueType::Uint32 => &ConfigNestedValueType::Uint32,
        ConfigValueType::Uint64 => &ConfigNestedValueType::Uint64,
        ConfigValueType::Int8 => &ConfigNestedValueType::Int8,
        ConfigValueType::Int16 => &ConfigNestedValueType::Int16,
        ConfigValueType::Int32 => &ConfigNestedValueType::Int32,
        ConfigValueType::Int64 => &ConfigNestedValueType::Int64,
        ConfigValueType::String { max_size } => {
            &ConfigNestedValueType::String { max_size: *max_size }
        }
    };
    if !matches!(type_, ConfigValueType::Vector { .. }) {
        return single_from_json(key, json, nested).map(ConfigValue::Single);
    }
    let Value::Array(items) = json else {
        return Err(ValuesFileError::WrongType {
            key: key.to_string(),
            expected: expected_name(type_),
            found: json_kind(json),
        });
    };
    let singles = items
        .iter()
        .enumerate()
        .map(|(index, item)| single_from_json(&format!("{key}[{index}]"), item, nested))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ConfigValue::Vector(collect_vector(nested, singles)))
}

/// Gathers checked singles of type `nested` into the matching vector variant.
fn collect_vector(
    nested: &ConfigNestedValueType,
    singles: Vec<ConfigSingleValue>,
) -> ConfigVectorValue {
    macro_rules! gather {
        ($variant:ident, $single:ident) => {
            ConfigVectorValue::$variant(
                singles
                    .into_iter()
                    .filter_map(
                        |s| if let ConfigSingleValue::$single(v) = s { Some(v) } else { None },
                    )
                    .collect(),
            )
        };
    }
    match nested {
        ConfigNestedValueType::Bool => gather!(BoolVector, Bool),
        ConfigNestedValueType::Uint8 => gather!(Uint8Vector, Uint8),
        ConfigNestedValueType::Uint16 => gather!(Uint16Vector, Uint16),
        ConfigNestedValueType::Uint32 => gather!(Uint32Vector, Uint32),
        ConfigNestedValueType::Uint64 => gather!(Uint64Vector, Uint64),
        ConfigNestedValueType::Int8 => gather!(Int8Vector, Int8),
        ConfigNestedValueType::Int16 => gather!(Int16Vector, Int16),
        ConfigNestedValueType::Int32 => gather!(Int32Vector, Int32),
        ConfigNestedValueType::Int64 => gather!(Int64Vector, Int64),
        ConfigNestedValueType::String { .. } => gather!(StringVector, String),
    }
}

fn single_from_json(
    key: &str,
    json: &Value,
    type_: &ConfigNestedValueType,
) -> Result<ConfigSingleValue, ValuesFileError> {
    let expected = type_.name();
    let wrong =
        || ValuesFileError::WrongType { key: key.to_string(), expected, found: json_kind(json) };
    let out_of_range =
        || ValuesFileError::OutOfRange { key: key.to_string(), expected, value: json.to_string() };
    macro_rules! integer {
        ($variant:ident, $t:ty) => {{
            let Value::Number(n) = json else { return Err(wrong()) };
            let wide: i128 = if let Some(u) = n.as_u64() {
                i128::from(u)
            } else if let Some(i) = n.as_i64() {
                i128::from(i)
            } else {
                return Err(wrong());
            };
            ConfigSingleValue::$variant(<$t>::try_from(wide).map_err(|_| out_of_range())?)
        }};
    }
    Ok(match type_ {
        ConfigNestedValueType::Bool => match json {
            Value::Bool(b) => ConfigSingleValue::Bool(*b),
            _ => return Err(wrong()),
        },
        ConfigNestedValueType::Uint8 => integer!(Uint8, u8),
        ConfigNestedValueType::Uint16 => integer!(Uint16, u16),
        ConfigNestedValueType::Uint32 => integer!(Uint32, u32),
        ConfigNestedValueType::Uint64 => integer!(Uint64, u64),
        ConfigNestedValueType::Int8 => integer!(Int8, i8),
        ConfigNestedValueType::Int16 => integer!(Int16, i16),
        ConfigNestedValueType::Int32 => integer!(Int32, i32),
        ConfigNestedValueType::Int64 => integer!(Int64, i64),
        ConfigNestedValueType::String { .. } => match json {
            Value::String(s) => ConfigSingleValue::String(s.clone()),
            _ => return Err(wrong()),
        },
    })
}

/// What a JSON value is, in words, for error messages.
fn json_kind(json: &Value) -> String {
    match json {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(n) if n.is_f64() => format!("the non-integer number {n}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

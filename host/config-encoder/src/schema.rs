//! The configuration schema of a component: the `config` block of its CML manifest, as
//! `cmc` compiles it into `fuchsia.component.decl/ConfigSchema`.
//!
//! Facts kept from cmc (tools/lib/cml):
//! - the block is a map ordered by key, so the compiled fields (and the FIDL struct members
//!   of the encoded values) are in key order, whatever order the CML lists them in;
//! - keys match `[a-z]([a-z0-9_]*[a-z0-9])?` and are at most 64 bytes;
//! - `max_size` / `max_count` are non-zero `u32`;
//! - the checksum is SHA-256 over, for each field in key order, the key's UTF-8 bytes followed
//!   by the type digest ([`ConfigValueType::update_digest`]); mutability is not hashed.

use std::path::Path;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Longest configuration key, in bytes (cmc's `ConfigKey`).
pub const MAX_KEY_LENGTH: usize = 64;

/// The element type of a configuration vector.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigNestedValueType {
    Bool,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Int8,
    Int16,
    Int32,
    Int64,
    /// A UTF-8 string of at most `max_size` bytes.
    String {
        max_size: u32,
    },
}

/// The type of one configuration field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigValueType {
    Bool,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Int8,
    Int16,
    Int32,
    Int64,
    /// A UTF-8 string of at most `max_size` bytes.
    String {
        max_size: u32,
    },
    /// At most `max_count` elements of `nested_type`.
    Vector {
        max_count: u32,
        nested_type: ConfigNestedValueType,
    },
}

impl ConfigNestedValueType {
    /// Feeds this type into the schema checksum, as cmc does: the bound (little-endian `u32`)
    /// if any, then the layout tag (0 bool ... 8 int64, 9 string).
    pub fn update_digest(&self, hasher: &mut Sha256) {
        let tag = match self {
            ConfigNestedValueType::Bool => 0u8,
            ConfigNestedValueType::Uint8 => 1,
            ConfigNestedValueType::Uint16 => 2,
            ConfigNestedValueType::Uint32 => 3,
            ConfigNestedValueType::Uint64 => 4,
            ConfigNestedValueType::Int8 => 5,
            ConfigNestedValueType::Int16 => 6,
            ConfigNestedValueType::Int32 => 7,
            ConfigNestedValueType::Int64 => 8,
            ConfigNestedValueType::String { max_size } => {
                hasher.update(max_size.to_le_bytes());
                9
            }
        };
        hasher.update([tag]);
    }

    /// The CML spelling of the type (`"uint32"`, `"string"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            ConfigNestedValueType::Bool => "bool",
            ConfigNestedValueType::Uint8 => "uint8",
            ConfigNestedValueType::Uint16 => "uint16",
            ConfigNestedValueType::Uint32 => "uint32",
            ConfigNestedValueType::Uint64 => "uint64",
            ConfigNestedValueType::Int8 => "int8",
            ConfigNestedValueType::Int16 => "int16",
            ConfigNestedValueType::Int32 => "int32",
            ConfigNestedValueType::Int64 => "int64",
            ConfigNestedValueType::String { .. } => "string",
        }
    }
}

impl ConfigValueType {
    /// Feeds this type into the schema checksum, as cmc does: bounds and element type first,
    /// then the layout tag (0 bool ... 8 int64, 9 string, 10 vector).
    pub fn update_digest(&self, hasher: &mut Sha256) {
        let tag = match self {
            ConfigValueType::Bool => 0u8,
            ConfigValueType::Uint8 => 1,
            ConfigValueType::Uint16 => 2,
            ConfigValueType::Uint32 => 3,
            ConfigValueType::Uint64 => 4,
            ConfigValueType::Int8 => 5,
            ConfigValueType::Int16 => 6,
            ConfigValueType::Int32 => 7,
            ConfigValueType::Int64 => 8,
            ConfigValueType::String { max_size } => {
                hasher.update(max_size.to_le_bytes());
                9
            }
            ConfigValueType::Vector { max_count, nested_type } => {
                hasher.update(max_count.to_le_bytes());
                nested_type.update_digest(hasher);
                10
            }
        };
        hasher.update([tag]);
    }

    /// The CML spelling of the type (`"uint32"`, `"vector"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            ConfigValueType::Bool => "bool",
            ConfigValueType::Uint8 => "uint8",
            ConfigValueType::Uint16 => "uint16",
            ConfigValueType::Uint32 => "uint32",
            ConfigValueType::Uint64 => "uint64",
            ConfigValueType::Int8 => "int8",
            ConfigValueType::Int16 => "int16",
            ConfigValueType::Int32 => "int32",
            ConfigValueType::Int64 => "int64",
            ConfigValueType::String { .. } => "string",
            ConfigValueType::Vector { .. } => "vector",
        }
    }
}

/// The checksum that ties encoded values to the schema they were built for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigChecksum {
    Sha256([u8; 32]),
}

impl ConfigChecksum {
    /// The checksum bytes, as written after the length prefix of a config VMO.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            ConfigChecksum::Sha256(bytes) => bytes,
        }
    }
}

/// One field of the schema.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConfigField {
    pub key: String,
    pub type_: ConfigValueType,
    /// `mutability: [ "parent" ]`: a parent (or RealmBuilder) may override the value.
    pub mutable_by_parent: bool,
}

/// A compiled configuration schema (`cm_rust::ConfigDecl` without the value source).
///
/// Invariant: `fields` is non-empty, sorted by key, keys are unique and valid, and `checksum`
/// is the cmc checksum of `fields`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConfigDecl {
    pub fields: Vec<ConfigField>,
    pub checksum: ConfigChecksum,
}

/// Why a schema could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("manifest is not valid JSON5: {0}")]
    Json5(String),
    #[error("manifest is not a JSON object")]
    ManifestNotAnObject,
    #[error("`config` must be an object mapping keys to field types")]
    ConfigNotAnObject,
    #[error("config key '{key}' is invalid: {reason}")]
    InvalidKey { key: String, reason: &'static str },
    #[error("config field '{key}': {reason}")]
    InvalidField { key: String, reason: String },
}

impl ConfigDecl {
    /// Builds a schema from fields in any order: sorts them by key and computes the checksum.
    ///
    /// Returns `Ok(None)` for no fields (cmc emits no schema then).
    pub fn new(mut fields: Vec<ConfigField>) -> Result<Option<ConfigDecl>, SchemaError> {
        for field in &fields {
            validate_key(&field.key)?;
            validate_type(&field.key, &field.type_)?;
        }
        fields.sort_by(|a, b| a.key.cmp(&b.key));
        if let Some(pair) = fields.windows(2).find(|pair| pair[0].key == pair[1].key) {
            return Err(SchemaError::InvalidKey {
                key: pair[0].key.clone(),
                reason: "declared more than once",
            });
        }
        if fields.is_empty() {
            return Ok(None);
        }
        let checksum = checksum_of(&fields);
        Ok(Some(ConfigDecl { fields, checksum }))
    }

    /// Reads the `config` block of a CML manifest (JSON5). Other keys, including `include`,
    /// are ignored. `Ok(None)` if there is no `config` block or it is empty.
    pub fn from_cml_str(cml: &str) -> Result<Option<ConfigDecl>, SchemaError> {
        let document: Value =
            json5::from_str(cml).map_err(|error| SchemaError::Json5(error.to_string()))?;
        let Value::Object(document) = document else {
            return Err(SchemaError::ManifestNotAnObject);
        };
        match document.get("config") {
            None => Ok(None),
            Some(Value::Object(block)) => {
                let fields = block
                    .iter()
                    .map(|(key, spec)| parse_field(key, spec))
                    .collect::<Result<Vec<_>, _>>()?;
                ConfigDecl::new(fields)
            }
            Some(_) => Err(SchemaError::ConfigNotAnObject),
        }
    }

    /// [`ConfigDecl::from_cml_str`] on the contents of `path`.
    pub fn from_cml_file(path: &Path) -> Result<Option<ConfigDecl>, SchemaError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| SchemaError::Io { path: path.display().to_string(), source })?;
        ConfigDecl::from_cml_str(&text)
    }

    /// The field named `key`, if any.
    pub fn field(&self, key: &str) -> Option<&ConfigField> {
        self.fields
            .binary_search_by(|field| field.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.fields[i])
    }
}

fn checksum_of(sorted_fields: &[ConfigField]) -> ConfigChecksum {
    let mut hasher = Sha256::new();
    for field in sorted_fields {
        hasher.update(field.key.as_bytes());
        field.type_.update_digest(&mut hasher);
    }
    ConfigChecksum::Sha256(hasher.finalize().into())
}

fn validate_key(key: &str) -> Result<(), SchemaError> {
    let invalid = |reason| Err(SchemaError::InvalidKey { key: key.to_string(), reason });
    if key.is_empty() {
        return invalid("empty");
    }
    if key.len() > MAX_KEY_LENGTH {
        return invalid("longer than 64 bytes");
    }
    let bytes = key.as_bytes();
    if !bytes[0].is_ascii_lowercase() {
        return invalid("must start with a lowercase letter");
    }
    if !bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_') {
        return invalid("only lowercase letters, digits and '_' are allowed");
    }
    if bytes[bytes.len() - 1] == b'_' {
        return invalid("must not end with '_'");
    }
    Ok(())
}

fn validate_type(key: &str, type_: &ConfigValueType) -> Result<(), SchemaError> {
    let zero = |what: &str| {
        Err(SchemaError::InvalidField {
            key: key.to_string(),
            reason: format!("{what} must be > 0"),
        })
    };
    match type_ {
        ConfigValueType::String { max_size: 0 } => zero("max_size"),
        ConfigValueType::Vector { max_count: 0, .. } => zero("max_count"),
        ConfigValueType::Vector {
            nested_type: ConfigNestedValueType::String { max_size: 0 },
            ..
        } => zero("element max_size"),
        _ => Ok(()),
    }
}

/// Parses one field spec `{ type: ..., max_size?, max_count?, element?, mutability? }`.
fn parse_field(key: &str, spec: &Value) -> Result<ConfigField, SchemaError> {
    let bad = |reason: String| SchemaError::InvalidField { key: key.to_string(), reason };
    let Value::Object(spec) = spec else {
        return Err(bad("must be an object with a `type`".into()));
    };
    let allowed: &[&str] = match spec.get("type").and_then(Value::as_str) {
        Some("string") => &["type", "max_size", "mutability"],
        Some("vector") => &["type", "max_count", "element", "mutability"],
        _ => &["type", "mutability"],
    };
    if let Some(unknown) = spec.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad(format!("unknown property `{unknown}`")));
    }
    let type_ = match spec.get("type").and_then(Value::as_str) {
        Some("vector") => {
            let max_count = bound(spec, "max_count").map_err(&bad)?;
            let Some(Value::Object(element)) = spec.get("element") else {
                return Err(bad("a vector needs an `element` object".into()));
            };
            let nested_type = parse_nested(element).map_err(&bad)?;
            ConfigValueType::Vector { max_count, nested_type }
        }
        Some(name) => match parse_nested_named(name, spec).map_err(&bad)? {
            ConfigNestedValueType::Bool => ConfigValueType::Bool,
            ConfigNestedValueType::Uint8 => ConfigValueType::Uint8,
            ConfigNestedValueType::Uint16 => ConfigValueType::Uint16,
            ConfigNestedValueType::Uint32 => ConfigValueType::Uint32,
            ConfigNestedValueType::Uint64 => ConfigValueType::Uint64,
            ConfigNestedValueType::Int8 => ConfigValueType::Int8,
            ConfigNestedValueType::Int16 => ConfigValueType::Int16,
            ConfigNestedValueType::Int32 => ConfigValueType::Int32,
            ConfigNestedValueType::Int64 => ConfigValueType::Int64,
            ConfigNestedValueType::String { max_size } => ConfigValueType::String { max_size },
        },
        None => return Err(bad("missing `type` string".into())),
    };
    let mutable_by_parent = match spec.get("mutability") {
        None => false,
        Some(Value::Array(sources)) => {
            for source in sources {
                if source.as_str() != Some("parent") {
                    return Err(bad(format!("unknown mutability {source}; only \"parent\"")));
                }
            }
            !sources.is_empty()
        }
        Some(other) => return Err(bad(format!("`mutability` must be a list, not {other}"))),
    };
    Ok(ConfigField { key: key.to_string(), type_, mutable_by_parent })
}

fn parse_nested(element: &Map<String, Value>) -> Result<ConfigNestedValueType, String> {
    let name = element.get("type").and_then(Value::as_str).ok_or("element needs a `type`")?;
    let allowed: &[&str] = if name == "string" { &["type", "max_size"] } else { &["type"] };
    if let Some(unknown) = element.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unknown element property `{unknown}`"));
    }
    if name == "vector" {
        return Err("vectors of vectors are not allowed".into());
    }
    parse_nested_named(name, element)
}

fn parse_nested_named(
    name: &str,
    spec: &Map<String, Value>,
) -> Result<ConfigNestedValueType, String> {
    Ok(match name {
        "bool" => ConfigNestedValueType::Bool,
        "uint8" => ConfigNestedValueType::Uint8,
        "uint16" => ConfigNestedValueType::Uint16,
        "uint32" => ConfigNestedValueType::Uint32,
        "uint64" => ConfigNestedValueType::Uint64,
        "int8" => ConfigNestedValueType::Int8,
        "int16" => ConfigNestedValueType::Int16,
        "int32" => ConfigNestedValueType::Int32,
        "int64" => ConfigNestedValueType::Int64,
        "string" => ConfigNestedValueType::String { max_size: bound(spec, "max_size")? },
        other => return Err(format!("unknown type `{other}`")),
    })
}

/// A required non-zero `u32` bound such as `max_size`.
fn bound(spec: &Map<String, Value>, name: &str) -> Result<u32, String> {
    match spec.get(name).and_then(Value::as_u64) {
        Some(n) if n > 0 && n <= u64::from(u32::MAX) => Ok(n as u32),
        Some(_) => Err(format!("`{name}` must be in 1..=4294967295")),
        None => Err(format!("missing `{name}` (a positive integer)")),
    }
}

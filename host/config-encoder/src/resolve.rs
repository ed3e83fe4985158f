//! Resolution of a component's configuration: packaged values plus parent overrides,
//! checked against the schema (what component_manager does before starting a component).

use crate::schema::{ConfigChecksum, ConfigDecl};
use crate::value::{ConfigValue, ValueError};
use crate::values_file::ValuesData;
use crate::wire::encode_config_bytes;

/// A parent's override of one field (`fuchsia.component.decl/ConfigOverride`), e.g. from
/// `RealmBuilder::set_config_value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigOverride {
    pub key: String,
    pub value: ConfigValue,
}

/// Why a configuration could not be resolved.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolutionError {
    #[error("values were built for another schema: checksum {received:?}, expected {expected:?}")]
    ChecksumFailure { expected: ConfigChecksum, received: ConfigChecksum },
    #[error("the schema has {expected} fields but {received} values were given")]
    WrongNumberOfValues { expected: usize, received: usize },
    #[error("config key '{key}' is not in the component's config schema")]
    FieldDoesNotExist { key: String },
    #[error("config key '{key}' is not mutable by the parent (needs mutability: [\"parent\"])")]
    FieldIsNotMutable { key: String },
    #[error("config key '{key}': {source}")]
    InvalidValue { key: String, source: ValueError },
}

/// A resolved configuration: one checked value per schema field, in schema order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigFields {
    pub fields: Vec<ConfigField>,
    pub checksum: ConfigChecksum,
}

/// One resolved field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigField {
    pub key: String,
    pub value: ConfigValue,
    /// Whether the value came from a parent override rather than the package.
    pub mutated: bool,
}

impl ConfigFields {
    /// Checks `base` against `decl` and applies `overrides` in order (a later override of
    /// the same key wins). Overrides need the field to be mutable by the parent.
    pub fn resolve(
        decl: &ConfigDecl,
        base: ValuesData,
        overrides: &[ConfigOverride],
    ) -> Result<ConfigFields, ResolutionError> {
        if base.checksum != decl.checksum {
            return Err(ResolutionError::ChecksumFailure {
                expected: decl.checksum.clone(),
                received: base.checksum,
            });
        }
        if base.values.len() != decl.fields.len() {
            return Err(ResolutionError::WrongNumberOfValues {
                expected: decl.fields.len(),
                received: base.values.len(),
            });
        }
        let mut fields = Vec::with_capacity(decl.fields.len());
        for (field, spec) in decl.fields.iter().zip(base.values) {
            spec.value.check(&field.type_).map_err(|source| ResolutionError::InvalidValue {
                key: field.key.clone(),
                source,
            })?;
            fields.push(ConfigField { key: field.key.clone(), value: spec.value, mutated: false });
        }
        for over in overrides {
            let index = decl
                .fields
                .iter()
                .position(|field| field.key == over.key)
                .ok_or_else(|| ResolutionError::FieldDoesNotExist { key: over.key.clone() })?;
            let field = &decl.fields[index];
            if !field.mutable_by_parent {
                return Err(ResolutionError::FieldIsNotMutable { key: over.key.clone() });
            }
            over.value.check(&field.type_).map_err(|source| ResolutionError::InvalidValue {
                key: over.key.clone(),
                source,
            })?;
            fields[index].value = over.value.clone();
            fields[index].mutated = true;
        }
        Ok(ConfigFields { fields, checksum: decl.checksum.clone() })
    }

    /// The config VMO contents: `u16` LE checksum length, checksum, then the values as a
    /// persistent FIDL message of a struct whose members are the fields in schema order.
    pub fn encode_as_fidl_struct(&self) -> Vec<u8> {
        let values: Vec<ConfigValue> = self.fields.iter().map(|f| f.value.clone()).collect();
        encode_config_bytes(self.checksum.as_bytes(), &values)
    }
}

//! Structured configuration of registered children.
//!
//! A child whose manifest has a `config` block gets its configuration VMO as the startup
//! handle `ComponentConfigVmo`, built as component manager builds it: the packaged values
//! (`<manifest_dir>/meta/<name>_config_values.json5`, the file `fuchsia_structured_config_values`
//! compiles), then the overrides a test set with `RealmBuilder::set_config_value` after
//! `init_mutable_config_from_package` (or, after `init_mutable_config_to_empty`, the
//! overrides alone, which must then give every field).

use crate::error::Error;
use config_encoder::{
    ConfigDecl, ConfigFields, ConfigOverride, ConfigValue, ConfigValueSpec, ResolutionError,
    ValuesData,
};
use std::path::PathBuf;

/// A registered component's configuration schema and where its packaged values are.
#[derive(Debug)]
pub(crate) struct ConfigSchema {
    pub decl: ConfigDecl,
    pub values_file: PathBuf,
}

/// Where a child's configuration values come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum ValuesSource {
    /// The packaged values; overrides are not allowed.
    #[default]
    Package,
    /// The packaged values, then overrides.
    PackageWithOverrides,
    /// Only overrides, which must cover every field.
    Overrides,
}

/// A child's configuration as the test set it up.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChildConfig {
    pub source: ValuesSource,
    pub overrides: Vec<ConfigOverride>,
}

impl ChildConfig {
    /// Records an override of `key`, checked at once against the schema: the key must exist,
    /// be mutable by the parent and the value must fit its type.
    pub fn set(
        &mut self,
        child: &str,
        schema: &ConfigSchema,
        key: &str,
        value: ConfigValueSpec,
    ) -> Result<(), Error> {
        if self.source == ValuesSource::Package {
            return Err(Error::ConfigNotMutable(child.to_owned()));
        }
        let invalid = |source| Error::ConfigOverride { child: child.to_owned(), source };
        let field = schema
            .decl
            .field(key)
            .ok_or_else(|| invalid(ResolutionError::FieldDoesNotExist { key: key.to_owned() }))?;
        if !field.mutable_by_parent {
            return Err(invalid(ResolutionError::FieldIsNotMutable { key: key.to_owned() }));
        }
        value.value.check(&field.type_).map_err(|source| {
            invalid(ResolutionError::InvalidValue { key: key.to_owned(), source })
        })?;
        self.overrides.push(ConfigOverride { key: key.to_owned(), value: value.value });
        Ok(())
    }

    /// The configuration VMO contents.
    pub fn encode(&self, child: &str, schema: &ConfigSchema) -> Result<Vec<u8>, Error> {
        let base = match self.source {
            ValuesSource::Package | ValuesSource::PackageWithOverrides => {
                config_encoder::parse_values_file(&schema.decl, &schema.values_file).map_err(
                    |e| Error::ConfigValues {
                        path: schema.values_file.display().to_string(),
                        message: e.to_string(),
                    },
                )?
            }
            ValuesSource::Overrides => self.values_from_overrides(child, &schema.decl)?,
        };
        let fields = ConfigFields::resolve(&schema.decl, base, &self.overrides)
            .map_err(|source| Error::ConfigOverride { child: child.to_owned(), source })?;
        Ok(fields.encode_as_fidl_struct())
    }

    /// Values for every field from the overrides alone (the last override of a key wins).
    fn values_from_overrides(&self, child: &str, decl: &ConfigDecl) -> Result<ValuesData, Error> {
        let values = decl
            .fields
            .iter()
            .map(|field| {
                let value: Option<&ConfigValue> =
                    self.overrides.iter().rev().find(|o| o.key == field.key).map(|o| &o.value);
                value.map(|value| ConfigValueSpec { value: value.clone() }).ok_or_else(|| {
                    Error::MissingConfigValue { child: child.to_owned(), key: field.key.clone() }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ValuesData { values, checksum: decl.checksum.clone() })
    }
}

/// Puts `bytes` in a VMO whose content size is their length.
pub(crate) fn config_vmo(bytes: &[u8]) -> Result<zx::Vmo, zx::Status> {
    let vmo = zx::Vmo::create(bytes.len() as u64)?;
    vmo.write(bytes, 0)?;
    Ok(vmo)
}

//! Host build of `config_encoder`: structured configuration of components, encoded exactly
//! as component_manager hands it to an ELF component (the `PA_VMO_COMPONENT_CONFIG` VMO).
//!
//! - [`ConfigDecl`]: the schema, read from the `config` block of a CML manifest, with the
//!   checksum cmc computes ([`schema`] documents how).
//! - [`parse_values_file`]: the packaged values (JSON5), checked against the schema.
//! - [`ConfigFields::resolve`]: packaged values plus parent overrides
//!   (`RealmBuilder::set_config_value`), checked again.
//! - [`ConfigFields::encode_as_fidl_struct`]: the VMO bytes ([`wire`] documents the format).
//!
//! Used by the host component launcher; product code reads its configuration through the
//! client library `configc` generates.

pub mod resolve;
pub mod schema;
pub mod value;
pub mod values_file;
pub mod wire;

use std::path::Path;

pub use resolve::{ConfigField as ResolvedField, ConfigFields, ConfigOverride, ResolutionError};
pub use schema::{
    ConfigChecksum, ConfigDecl, ConfigField, ConfigNestedValueType, ConfigValueType, SchemaError,
};
pub use value::{ConfigSingleValue, ConfigValue, ConfigValueSpec, ConfigVectorValue, ValueError};
pub use values_file::{ValuesData, ValuesFileError, parse_values_file, parse_values_json5};

/// Any failure of [`encode_component_config`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("config schema of {manifest}: {source}")]
    Schema { manifest: String, source: SchemaError },
    #[error("config values file {values_file}: {source}")]
    Values { values_file: String, source: ValuesFileError },
    #[error("resolving the configuration: {0}")]
    Resolution(#[from] ResolutionError),
}

/// The config VMO contents of a component: schema from `manifest` (CML), packaged values
/// from `values_file` (JSON5), then `overrides` applied. `Ok(None)` if the manifest declares
/// no configuration (the values file is then not read).
pub fn encode_component_config(
    manifest: &Path,
    values_file: &Path,
    overrides: &[ConfigOverride],
) -> Result<Option<Vec<u8>>, Error> {
    let decl = ConfigDecl::from_cml_file(manifest)
        .map_err(|source| Error::Schema { manifest: manifest.display().to_string(), source })?;
    let Some(decl) = decl else {
        return Ok(None);
    };
    let values = parse_values_file(&decl, values_file).map_err(|source| Error::Values {
        values_file: values_file.display().to_string(),
        source,
    })?;
    let fields = ConfigFields::resolve(&decl, values, overrides)?;
    Ok(Some(fields.encode_as_fidl_struct()))
}

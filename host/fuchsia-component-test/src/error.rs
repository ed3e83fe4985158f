//! Errors of realm building.

/// Why building or starting a realm failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The component URL has no `#meta/<name>.cm` fragment.
    #[error("invalid component URL {0:?}: expected \"#meta/<name>.cm\"")]
    InvalidUrl(String),
    /// No registered component entry point provides the URL.
    #[error(
        "cannot resolve {url:?}: no crate registered by #[fuchsia::main] has meta/{name}.cml with program.binary \"bin/<its package name>\""
    )]
    UnresolvableUrl { url: String, name: String },
    /// Several registered entry points provide the URL.
    #[error("{url:?} is provided by several registered crates: {packages:?}")]
    AmbiguousUrl { url: String, packages: Vec<String> },
    /// A manifest could not be read or is invalid.
    #[error("manifest {path}: {message}")]
    Manifest { path: String, message: String },
    /// The child name is taken or invalid.
    #[error("invalid or duplicate child name {0:?}")]
    ChildName(String),
    /// A route names a child that does not exist in this realm.
    #[error("route refers to unknown child {0:?}")]
    NoSuchChild(String),
    /// A route is incomplete or contradicts itself.
    #[error("invalid route: {0}")]
    InvalidRoute(String),
    /// A route takes a capability the source child does not expose.
    #[error("capability {capability:?} is not exposed by child {child:?}")]
    CapabilityNotExposed { capability: String, child: String },
    /// Two routes offer the same name to the same target.
    #[error("{capability:?} is routed to {target} twice")]
    DuplicateRoute { capability: String, target: String },
    /// A child's configuration schema could not be read.
    #[error("config schema of {path}: {message}")]
    ConfigSchema { path: String, message: String },
    /// A child's packaged configuration values could not be read or do not fit its schema.
    #[error("config values file {path}: {message}")]
    ConfigValues { path: String, message: String },
    /// A configuration override (or the resolved configuration) does not fit the schema.
    #[error("configuration of child {child:?}: {source}")]
    ConfigOverride { child: String, source: config_encoder::ResolutionError },
    /// `set_config_value` before `init_mutable_config_from_package` / `_to_empty`.
    #[error(
        "configuration of child {0:?} is not mutable: call init_mutable_config_from_package or init_mutable_config_to_empty first"
    )]
    ConfigNotMutable(String),
    /// The child has no configuration schema (or is a local child).
    #[error("child {0:?} has no configuration schema")]
    NoConfigSchema(String),
    /// After `init_mutable_config_to_empty`, a field was never set.
    #[error("configuration of child {child:?}: no value for {key:?}")]
    MissingConfigValue { child: String, key: String },
    /// The configuration VMO could not be made.
    #[error("configuration VMO: {0}")]
    ConfigVmo(zx::Status),
    /// A host thread could not be started.
    #[error("cannot start the realm's thread: {0}")]
    Thread(String),
    /// The builder's state was lost (a thread panicked while holding it).
    #[error("the realm builder is unusable after a panic")]
    Poisoned,
}

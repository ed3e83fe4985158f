//! Diagnostics data as archivist serves it and `ffx inspect show` prints it.
//!
//! [`InspectData`] (`Data<Inspect>`) carries a component's moniker, metadata (tree name,
//! component URL, boot timestamp) and its Inspect hierarchy. Its serde JSON form is the one
//! archivist and `ffx --machine json inspect show` emit; [`text`] renders the text form of
//! `ffx inspect show`. [`LogsData`] (`Data<Logs>`) carries one log record a component wrote,
//! as archivist serves it (see [`logs`]).

pub mod logs;
mod moniker;
pub mod text;

pub use logs::{
    BuilderArgs, LogError, Logs, LogsData, LogsDataBuilder, LogsField, LogsHierarchy, LogsMetadata,
    LogsProperty, Severity,
};
pub use moniker::ExtendedMoniker;

use diagnostics_hierarchy::DiagnosticsHierarchy;
use serde::{Serialize, Serializer};
use std::fmt;

/// Schema version of serialized data.
pub const SCHEMA_VERSION: u64 = 1;

/// Default Inspect tree name (`fuchsia.inspect#DEFAULT_TREE_NAME`).
pub const DEFAULT_TREE_NAME: &str = "root";

/// Where the data comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum DataSource {
    /// Unknown source.
    #[default]
    Unknown,
    /// Inspect.
    Inspect,
    /// Logs.
    Logs,
}

/// A kind of diagnostics data.
pub trait DiagnosticsData {
    /// Its metadata type.
    type Metadata: Serialize + Clone + fmt::Debug + PartialEq;
    /// Its payload key type.
    type Key: AsRef<str> + Clone + fmt::Debug + PartialEq;
    /// Its data source.
    const DATA_SOURCE: DataSource;
}

/// Inspect data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inspect;

impl DiagnosticsData for Inspect {
    type Metadata = InspectMetadata;
    type Key = String;
    const DATA_SOURCE: DataSource = DataSource::Inspect;
}

/// Boot time in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From nanoseconds.
    pub const fn from_nanos(nanos: i64) -> Self {
        Timestamp(nanos)
    }

    /// Nanoseconds.
    pub const fn into_nanos(self) -> i64 {
        self.0
    }
}

impl From<i64> for Timestamp {
    fn from(nanos: i64) -> Self {
        Timestamp(nanos)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The name a tree was published under: a tree name, or a file name for legacy sources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum InspectHandleName {
    /// Published through `fuchsia.inspect.InspectSink` under this name.
    #[serde(rename = "name")]
    Name(String),
    /// Read from a file (legacy `out/diagnostics`).
    #[serde(rename = "filename")]
    Filename(String),
}

impl InspectHandleName {
    /// A tree name.
    pub fn name(name: impl Into<String>) -> Self {
        InspectHandleName::Name(name.into())
    }

    /// A file name.
    pub fn filename(name: impl Into<String>) -> Self {
        InspectHandleName::Filename(name.into())
    }
}

impl AsRef<str> for InspectHandleName {
    fn as_ref(&self) -> &str {
        match self {
            InspectHandleName::Name(s) | InspectHandleName::Filename(s) => s,
        }
    }
}

/// An error archivist attaches to data it could not read fully.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InspectError {
    /// Description.
    pub message: String,
}

/// Metadata of Inspect data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InspectMetadata {
    /// Errors met while reading, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<InspectError>>,
    /// Tree name (serialized as `"name"` or `"filename"`).
    #[serde(flatten)]
    pub name: InspectHandleName,
    /// URL the component was launched with.
    pub component_url: String,
    /// Boot time of the snapshot, nanoseconds.
    pub timestamp: Timestamp,
    /// True when the data was escrowed rather than read live.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub escrowed: bool,
}

impl InspectMetadata {
    /// The component URL.
    pub fn component_url(&self) -> &str {
        &self.component_url
    }
}

/// Diagnostics data with typed metadata and an optional payload.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Data<D: DiagnosticsData> {
    /// Data source.
    pub data_source: DataSource,
    /// Metadata.
    pub metadata: D::Metadata,
    /// Moniker of the component that produced the data.
    #[serde(serialize_with = "serialize_display")]
    pub moniker: ExtendedMoniker,
    /// Payload, if any.
    pub payload: Option<DiagnosticsHierarchy<D::Key>>,
    /// Schema version.
    pub version: u64,
}

fn serialize_display<S: Serializer>(value: &impl fmt::Display, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Inspect data.
pub type InspectData = Data<Inspect>;

impl Data<Inspect> {
    /// The tree name.
    pub fn name(&self) -> &str {
        self.metadata.name.as_ref()
    }

    /// Sorts the payload's properties and children by name.
    pub fn sort_payload(&mut self) {
        if let Some(payload) = &mut self.payload {
            payload.sort();
        }
    }
}

/// Builds [`InspectData`].
pub struct InspectDataBuilder {
    data: InspectData,
}

impl InspectDataBuilder {
    /// Data for `moniker`, launched from `component_url`, read at `timestamp`, named "root".
    pub fn new(
        moniker: ExtendedMoniker,
        component_url: impl Into<String>,
        timestamp: impl Into<Timestamp>,
    ) -> Self {
        InspectDataBuilder {
            data: Data {
                data_source: DataSource::Inspect,
                metadata: InspectMetadata {
                    errors: None,
                    name: InspectHandleName::name(DEFAULT_TREE_NAME),
                    component_url: component_url.into(),
                    timestamp: timestamp.into(),
                    escrowed: false,
                },
                moniker,
                payload: None,
                version: SCHEMA_VERSION,
            },
        }
    }

    /// Sets the payload.
    pub fn with_hierarchy(mut self, hierarchy: DiagnosticsHierarchy) -> Self {
        self.data.payload = Some(hierarchy);
        self
    }

    /// Sets the tree name.
    pub fn with_name(mut self, name: InspectHandleName) -> Self {
        self.data.metadata.name = name;
        self
    }

    /// Sets the errors.
    pub fn with_errors(mut self, errors: Vec<InspectError>) -> Self {
        self.data.metadata.errors = Some(errors);
        self
    }

    /// Marks the data as escrowed.
    pub fn escrowed(mut self, escrowed: bool) -> Self {
        self.data.metadata.escrowed = escrowed;
        self
    }

    /// The data.
    pub fn build(self) -> InspectData {
        self.data
    }
}

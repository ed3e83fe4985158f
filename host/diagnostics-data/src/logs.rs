//! Log data as archivist serves it: [`LogsData`] (`Data<Logs>`), its metadata and payload
//! keys, and the builder archivist uses to make one record.
//!
//! Follows the in-tree `src/lib/diagnostics/data/rust/src/lib.rs` (misttech/fuchsia, early
//! 2026): the payload is a hierarchy `root { message { value: <msg> }, keys { <k>: <v> } }`
//! keyed by [`LogsField`]; severity, tags, file, line, pid and tid are metadata.

use crate::{Data, DataSource, DiagnosticsData, ExtendedMoniker, SCHEMA_VERSION, Timestamp};
use diagnostics_hierarchy::{DiagnosticsHierarchy, Property};
use serde::Serialize;
use std::fmt;

/// Log data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Logs;

impl DiagnosticsData for Logs {
    type Metadata = LogsMetadata;
    type Key = LogsField;
    const DATA_SOURCE: DataSource = DataSource::Logs;
}

/// A log record.
pub type LogsData = Data<Logs>;

/// A log record's payload.
pub type LogsHierarchy = DiagnosticsHierarchy<LogsField>;

/// A payload property of a log record.
pub type LogsProperty = Property<LogsField>;

/// A log severity, with the raw values of `fuchsia.diagnostics.types/Severity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[repr(u8)]
pub enum Severity {
    /// Finest-grained tracing.
    Trace = 0x10,
    /// Debugging detail.
    Debug = 0x20,
    /// Normal operation.
    Info = 0x30,
    /// Something unexpected that the component handles.
    Warn = 0x40,
    /// A failure.
    Error = 0x50,
    /// A failure the component cannot survive.
    Fatal = 0x60,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Trace => "TRACE",
            Severity::Debug => "DEBUG",
            Severity::Info => "INFO",
            Severity::Warn => "WARN",
            Severity::Error => "ERROR",
            Severity::Fatal => "FATAL",
        })
    }
}

/// The names of a log payload's fields: the well-known ones and any other key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LogsField {
    /// Process koid.
    ProcessId,
    /// Thread koid.
    ThreadId,
    /// Dropped-record count.
    Dropped,
    /// A tag.
    Tag,
    /// The legacy message field.
    Msg,
    /// The message of a structured record (`message.value`).
    MsgStructured,
    /// Source file.
    FilePath,
    /// Source line.
    LineNumber,
    /// A key-value field of the record.
    Other(String),
}

impl AsRef<str> for LogsField {
    fn as_ref(&self) -> &str {
        match self {
            LogsField::ProcessId => "pid",
            LogsField::ThreadId => "tid",
            LogsField::Dropped => "num_dropped",
            LogsField::Tag => "tag",
            LogsField::Msg => "message",
            LogsField::MsgStructured => "value",
            LogsField::FilePath => "file_path",
            LogsField::LineNumber => "line_number",
            LogsField::Other(name) => name,
        }
    }
}

impl fmt::Display for LogsField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_ref())
    }
}

/// A problem archivist reports with a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum LogError {
    /// The component dropped this many records before this one (its socket was full).
    #[serde(rename = "dropped_logs")]
    DroppedLogs {
        /// How many.
        count: u64,
    },
    /// Archivist rolled this many of the component's records out of its buffer before this
    /// one was read.
    #[serde(rename = "rolled_out_logs")]
    RolledOutLogs {
        /// How many.
        count: u64,
    },
    /// Another problem.
    #[serde(rename = "other")]
    Other {
        /// Description.
        message: String,
    },
}

/// Metadata of a log record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogsMetadata {
    /// Problems reported with the record, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<LogError>>,
    /// URL the component was launched with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_url: Option<String>,
    /// Boot time the record was written, nanoseconds.
    pub timestamp: Timestamp,
    /// Severity.
    pub severity: Severity,
    /// Tags the component's logger put before the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Process koid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u64>,
    /// Thread koid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tid: Option<u64>,
    /// Source file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Source line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl LogsMetadata {
    /// The component URL, if known.
    pub fn component_url(&self) -> Option<&str> {
        self.component_url.as_deref()
    }
}

/// What every record needs: who wrote it, when, and how severe it is.
pub struct BuilderArgs {
    /// The writing component.
    pub moniker: ExtendedMoniker,
    /// Boot time of the record.
    pub timestamp: Timestamp,
    /// URL the component was launched with.
    pub component_url: Option<String>,
    /// Severity.
    pub severity: Severity,
}

/// Builds one [`LogsData`], as archivist does from a record a component wrote.
pub struct LogsDataBuilder {
    args: BuilderArgs,
    errors: Vec<LogError>,
    msg: Option<String>,
    tags: Vec<String>,
    pid: Option<u64>,
    tid: Option<u64>,
    file: Option<String>,
    line: Option<u64>,
    keys: Vec<LogsProperty>,
}

impl LogsDataBuilder {
    /// A record with no message, key, tag or location yet.
    pub fn new(args: BuilderArgs) -> Self {
        LogsDataBuilder {
            args,
            errors: Vec::new(),
            msg: None,
            tags: Vec::new(),
            pid: None,
            tid: None,
            file: None,
            line: None,
            keys: Vec::new(),
        }
    }

    /// Sets the message.
    #[must_use = "call build to get the record"]
    pub fn set_message(mut self, msg: impl Into<String>) -> Self {
        self.msg = Some(msg.into());
        self
    }

    /// Sets the source file.
    #[must_use = "call build to get the record"]
    pub fn set_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets the source line.
    #[must_use = "call build to get the record"]
    pub fn set_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the process koid.
    #[must_use = "call build to get the record"]
    pub fn set_pid(mut self, pid: u64) -> Self {
        self.pid = Some(pid);
        self
    }

    /// Sets the thread koid.
    #[must_use = "call build to get the record"]
    pub fn set_tid(mut self, tid: u64) -> Self {
        self.tid = Some(tid);
        self
    }

    /// Adds a key-value field.
    #[must_use = "call build to get the record"]
    pub fn add_key(mut self, property: LogsProperty) -> Self {
        self.keys.push(property);
        self
    }

    /// Adds a tag.
    #[must_use = "call build to get the record"]
    pub fn add_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Adds an error.
    #[must_use = "call build to get the record"]
    pub fn add_error(mut self, error: LogError) -> Self {
        self.errors.push(error);
        self
    }

    /// Reports `count` records rolled out before this one (nothing if 0).
    #[must_use = "call build to get the record"]
    pub fn set_rolled_out(self, count: u64) -> Self {
        if count == 0 { self } else { self.add_error(LogError::RolledOutLogs { count }) }
    }

    /// The record: payload `root { keys { .. }, message { value } }` (`keys` only if any).
    pub fn build(self) -> LogsData {
        let message = DiagnosticsHierarchy::new(
            "message",
            self.msg
                .map(|msg| Property::String(LogsField::MsgStructured, msg))
                .into_iter()
                .collect(),
            vec![],
        );
        let mut children = vec![message];
        if !self.keys.is_empty() {
            children.push(DiagnosticsHierarchy::new("keys", self.keys, vec![]));
        }
        let mut payload = DiagnosticsHierarchy::new("root", vec![], children);
        payload.sort();
        Data {
            data_source: DataSource::Logs,
            metadata: LogsMetadata {
                errors: if self.errors.is_empty() { None } else { Some(self.errors) },
                component_url: self.args.component_url,
                timestamp: self.args.timestamp,
                severity: self.args.severity,
                tags: Some(self.tags),
                pid: self.pid,
                tid: self.tid,
                file: self.file,
                line: self.line,
            },
            moniker: self.args.moniker,
            payload: Some(payload),
            version: SCHEMA_VERSION,
        }
    }
}

impl Data<Logs> {
    /// The message, if the record has one.
    pub fn msg(&self) -> Option<&str> {
        self.payload_message()?.properties.iter().find_map(|property| match property {
            Property::String(LogsField::MsgStructured, msg) => Some(msg.as_str()),
            _ => None,
        })
    }

    /// The payload's `message` node, if any.
    pub fn payload_message(&self) -> Option<&LogsHierarchy> {
        self.payload.as_ref()?.children.iter().find(|child| child.name == "message")
    }

    /// The payload's `keys` node (the key-value fields), if any.
    pub fn payload_keys(&self) -> Option<&LogsHierarchy> {
        self.payload.as_ref()?.children.iter().find(|child| child.name == "keys")
    }

    /// The key-value fields as `key=value` strings, sorted by key (as `build` sorts them).
    pub fn payload_keys_strings(&self) -> impl Iterator<Item = String> + '_ {
        self.payload_keys().into_iter().flat_map(|keys| keys.properties.iter()).filter_map(
            |property| {
                let key = match property.key() {
                    key @ (LogsField::Other(_) | LogsField::MsgStructured) => key,
                    _ => return None,
                };
                Some(match property {
                    Property::String(_, value) => format!("{key}={value}"),
                    Property::Bytes(..) => format!("{key} = <bytes>"),
                    Property::Int(_, value) => format!("{key}={value}"),
                    Property::Uint(_, value) => format!("{key}={value}"),
                    Property::Double(_, value) => format!("{key}={value}"),
                    Property::Bool(_, value) => format!("{key}={value}"),
                    Property::DoubleArray(_, value) => format!("{key}={value:?}"),
                    Property::IntArray(_, value) => format!("{key}={value:?}"),
                    Property::UintArray(_, value) => format!("{key}={value:?}"),
                    Property::StringList(_, value) => format!("{key}={value:?}"),
                })
            },
        )
    }

    /// The metadata.
    pub fn metadata(&self) -> &LogsMetadata {
        &self.metadata
    }

    /// The severity.
    pub fn severity(&self) -> Severity {
        self.metadata.severity
    }

    /// The tags, if any were recorded.
    pub fn tags(&self) -> Option<&Vec<String>> {
        self.metadata.tags.as_ref()
    }

    /// The source file, if known.
    pub fn file_path(&self) -> Option<&str> {
        self.metadata.file.as_deref()
    }

    /// The source line, if known.
    pub fn line_number(&self) -> Option<&u64> {
        self.metadata.line.as_ref()
    }

    /// The process koid, if known.
    pub fn pid(&self) -> Option<u64> {
        self.metadata.pid
    }

    /// The thread koid, if known.
    pub fn tid(&self) -> Option<u64> {
        self.metadata.tid
    }

    /// How many of the component's records archivist rolled out before this one, if any.
    pub fn rolled_out_logs(&self) -> Option<u64> {
        self.metadata.errors.as_ref()?.iter().find_map(|error| match error {
            LogError::RolledOutLogs { count } => Some(*count),
            _ => None,
        })
    }

    /// How many records the component dropped before this one, if any.
    pub fn dropped_logs(&self) -> Option<u64> {
        self.metadata.errors.as_ref()?.iter().find_map(|error| match error {
            LogError::DroppedLogs { count } => Some(*count),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> LogsDataBuilder {
        LogsDataBuilder::new(BuilderArgs {
            moniker: ExtendedMoniker::parse_str("core/foo").unwrap(),
            timestamp: Timestamp::from_nanos(5),
            component_url: Some("#meta/foo.cm".into()),
            severity: Severity::Warn,
        })
    }

    #[test]
    fn a_built_record_reads_back_through_the_accessors() {
        let data = record()
            .set_message("stuck")
            .add_key(Property::String(LogsField::Other("name".into()), "input".into()))
            .add_key(Property::Uint(LogsField::Other("id".into()), 7))
            .add_tag("proxy_manager")
            .set_file("src/stuck.rs")
            .set_line(42)
            .set_pid(1)
            .set_tid(2)
            .build();
        assert_eq!(data.msg(), Some("stuck"));
        assert_eq!(data.severity(), Severity::Warn);
        assert_eq!(data.metadata().component_url(), Some("#meta/foo.cm"));
        assert_eq!(data.tags(), Some(&vec!["proxy_manager".to_owned()]));
        assert_eq!((data.file_path(), data.line_number()), (Some("src/stuck.rs"), Some(&42)));
        assert_eq!((data.pid(), data.tid()), (Some(1), Some(2)));
        let keys: Vec<String> = data.payload_keys_strings().collect();
        assert_eq!(keys, ["id=7", "name=input"]);
        assert_eq!(data.rolled_out_logs(), None);
        assert_eq!(data.dropped_logs(), None);
        assert_eq!(data.moniker.to_string(), "core/foo");
        assert_eq!(data.data_source, DataSource::Logs);
    }

    #[test]
    fn a_record_without_message_or_keys_has_neither() {
        let data = record().set_rolled_out(0).build();
        assert_eq!(data.msg(), None);
        assert!(data.payload_keys().is_none());
        assert_eq!(data.payload_keys_strings().count(), 0);
        assert_eq!(data.metadata.errors, None);
        let data = record().set_rolled_out(3).build();
        assert_eq!(data.rolled_out_logs(), Some(3));
    }

    #[test]
    fn severities_order_print_and_serialize_as_archivist_does() {
        assert!(Severity::Trace < Severity::Debug && Severity::Error < Severity::Fatal);
        assert_eq!(Severity::Warn as u8, 0x40);
        assert_eq!(Severity::Warn.to_string(), "WARN");
        let data = record().set_message("m").build();
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["metadata"]["severity"], "WARN");
        assert_eq!(json["payload"]["root"]["message"]["value"], "m");
        assert_eq!(json["data_source"], "Logs");
        assert_eq!(json["moniker"], "core/foo");
    }
}

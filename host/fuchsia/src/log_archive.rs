//! The host archivist's log store: every record a component instance's logger writes, kept
//! in the process for `diagnostics_reader` to read, as archivist keeps the records components
//! write to `fuchsia.logger.LogSink`.
//!
//! On Fuchsia, `#[fuchsia::main]` and `#[fuchsia::test]` install the `diagnostics_log`
//! backend, which writes each record to the component's LogSink; archivist attributes it to
//! the component's moniker and keeps it in a buffer bounded in bytes
//! (`logs_max_cached_original_bytes`, 4 MiB by default, in
//! src/diagnostics/archivist/src/constants.rs), the oldest records going first. Here the
//! logger the macros install ([`crate::logging`]) appends each record it emits, with the
//! writing instance's moniker and URL, to an in-process store bounded by
//! [`ARCHIVE_BUDGET_BYTES`].
//!
//! A component whose `fuchsia.logger.LogSink` is not routed (on Fuchsia its records reach no
//! archivist) is marked with [`disconnect_log_sink`] by its launcher; its records are never
//! archived. Records of threads outside any component instance are not archived either: they
//! belong to no component.
//!
//! Readers page through the store with a cursor ([`read_from`]) and wait for new records with
//! [`listen`]: a reader that falls more than the budget behind misses the records rolled out
//! meanwhile, as an archivist subscriber does. As archivist, the store tells how many of a
//! component's records were rolled out on that component's next record
//! ([`LogRecord::rolled_out`]).

use crate::Severity;
use fuchsia_runtime::host::ComponentInstance;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Bytes of records the archive keeps, as archivist's default `logs_max_cached_original_bytes`;
/// beyond it the oldest records are dropped. A record's size is [`LogRecord::size_bytes`].
pub const ARCHIVE_BUDGET_BYTES: usize = 4 * 1024 * 1024;

/// A key-value field's value.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// A signed integer.
    Int(i64),
    /// An unsigned integer too large for `Int`.
    Uint(u64),
    /// A floating-point number.
    Double(f64),
    /// A boolean.
    Bool(bool),
    /// Text (also any value that is none of the above, as it displays).
    Text(String),
}

/// One archived record.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    /// The writing component instance's moniker.
    pub moniker: String,
    /// The URL it was launched from.
    pub url: String,
    /// Boot time of the record, nanoseconds.
    pub timestamp_ns: i64,
    /// Severity.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// Key-value fields, in the order they were logged.
    pub fields: Vec<(String, FieldValue)>,
    /// The logger's tags.
    pub tags: Vec<String>,
    /// Source file, if the record has one.
    pub file: Option<String>,
    /// Source line, if the record has one.
    pub line: Option<u32>,
    /// How many records of the same instance were rolled out of the archive (dropped for
    /// the budget) since its previous record was appended: archivist's `rolled_out_logs`.
    pub rolled_out: u64,
}

impl LogRecord {
    /// What the record costs against the budget: its fixed part plus every string it holds
    /// (each field's value counted as 8 bytes unless it is text).
    pub fn size_bytes(&self) -> usize {
        let fields: usize = self
            .fields
            .iter()
            .map(|(key, value)| {
                key.len()
                    + match value {
                        FieldValue::Text(text) => text.len(),
                        _ => 8,
                    }
            })
            .sum();
        std::mem::size_of::<LogRecord>()
            + self.moniker.len()
            + self.url.len()
            + self.message.len()
            + fields
            + self.tags.iter().map(String::len).sum::<usize>()
            + self.file.as_ref().map_or(0, String::len)
    }
}

/// A kept record and the LogSink state of the instance that wrote it (where its roll-out
/// is counted).
struct Entry {
    record: Arc<LogRecord>,
    sink: Arc<LogSinkState>,
}

/// The records kept, oldest first. Touched by every thread that logs (to append) and every
/// reader (to copy out `Arc`s); the lock is held only for that, never while waiting.
struct Archive {
    /// `records[i]` has sequence number `first_seq + i`.
    records: VecDeque<Entry>,
    first_seq: u64,
    /// Sum of `size_bytes` of `records`.
    bytes: usize,
}

/// The process's archive.
static ARCHIVE: Mutex<Archive> =
    Mutex::new(Archive { records: VecDeque::new(), first_seq: 0, bytes: 0 });

/// Notified by the appending thread after every append (any thread that logs); listened to
/// by readers (see [`listen`]).
static APPENDED: event_listener::Event = event_listener::Event::new();

fn archive() -> MutexGuard<'static, Archive> {
    ARCHIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Appends the record `make` builds for `instance`, unless the instance's LogSink is not
/// routed: sets its `rolled_out`, drops the oldest records while the budget is exceeded (the
/// newest record is always kept), counting each against its writer's next record, and wakes
/// the listeners.
pub(crate) fn append(instance: &ComponentInstance, make: impl FnOnce() -> LogRecord) {
    let sink = instance.singleton::<LogSinkState>();
    if sink.disconnected.load(Ordering::Relaxed) {
        return;
    }
    let mut record = make();
    {
        let mut archive = archive();
        record.rolled_out = sink.rolled_out.swap(0, Ordering::Relaxed);
        archive.bytes += record.size_bytes();
        archive.records.push_back(Entry { record: Arc::new(record), sink });
        while archive.bytes > ARCHIVE_BUDGET_BYTES && archive.records.len() > 1 {
            if let Some(oldest) = archive.records.pop_front() {
                archive.bytes -= oldest.record.size_bytes();
                archive.first_seq += 1;
                oldest.sink.rolled_out.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    APPENDED.notify(usize::MAX);
}

/// The records kept with a sequence number of at least `cursor`, oldest first, and the cursor
/// that follows them. Start with 0 for every record kept.
pub fn read_from(cursor: u64) -> (Vec<Arc<LogRecord>>, u64) {
    let archive = archive();
    let skip = cursor.saturating_sub(archive.first_seq);
    let records: Vec<Arc<LogRecord>> = archive
        .records
        .iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .map(|entry| Arc::clone(&entry.record))
        .collect();
    let next = archive.first_seq + archive.records.len() as u64;
    (records, next.max(cursor))
}

/// A future that resolves after the next append. Create it before [`read_from`] so that a
/// record appended in between is not missed.
pub fn listen() -> event_listener::EventListener {
    APPENDED.listen()
}

/// An instance's LogSink as the archive sees it. An instance singleton: `disconnected` is
/// written by its launcher before the instance runs and read by its logging threads;
/// `rolled_out` is changed only under the archive's lock.
#[derive(Default)]
struct LogSinkState {
    /// The LogSink is not routed: no record reaches the archive.
    disconnected: AtomicBool,
    /// Records of the instance rolled out since its last append.
    rolled_out: AtomicU64,
}

/// Records that `instance`'s `fuchsia.logger.LogSink` is not routed: none of its records
/// will be archived (its stderr output and the test severity check are unaffected).
pub fn disconnect_log_sink(instance: &ComponentInstance) {
    instance.singleton::<LogSinkState>().disconnected.store(true, Ordering::Relaxed);
}

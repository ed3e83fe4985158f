//! The logger the macros install: `log` records to stderr, prefixed with tags, and to the
//! host archivist's log store ([`crate::log_archive`]) with the writing instance's moniker.
//!
//! One logger serves the whole process (the `log` crate allows one). Its options are kept
//! per host component instance (`fuchsia_runtime::host`), as each Fuchsia component has its
//! own logger; threads outside any instance share process-wide options, replaced by each
//! `init_logging` call (so with tests running in parallel, the tags are those of the test
//! that started last).

use crate::log_archive::{self, FieldValue, LogRecord};
use fuchsia_runtime::host::{ComponentInstance, current_component};
use std::io::Write;
use std::sync::{Arc, Once, RwLock};

/// A log severity, as in `fuchsia.diagnostics.Severity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Finest-grained tracing.
    Trace,
    /// Debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Something unexpected that the component handles.
    Warn,
    /// A failure.
    Error,
    /// A failure the component cannot survive.
    Fatal,
}

impl Severity {
    /// The severity of a `log` record.
    fn of(level: log::Level) -> Severity {
        match level {
            log::Level::Trace => Severity::Trace,
            log::Level::Debug => Severity::Debug,
            log::Level::Info => Severity::Info,
            log::Level::Warn => Severity::Warn,
            log::Level::Error => Severity::Error,
        }
    }

    /// The `log` filter that keeps records of this severity and above (`log` has no
    /// fatal level: `Fatal` keeps errors).
    fn level_filter(self) -> log::LevelFilter {
        match self {
            Severity::Trace => log::LevelFilter::Trace,
            Severity::Debug => log::LevelFilter::Debug,
            Severity::Info => log::LevelFilter::Info,
            Severity::Warn => log::LevelFilter::Warn,
            Severity::Error | Severity::Fatal => log::LevelFilter::Error,
        }
    }
}

/// Which records the component wants; `min_severity` defaults to `Info`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interest {
    /// Records below this severity are dropped.
    pub min_severity: Option<Severity>,
}

/// Logging options, as the macros pass them.
#[derive(Clone, Debug)]
pub struct LoggingOptions<'a> {
    /// Accepted for the in-tree shape; stderr writes always block.
    pub blocking: bool,
    /// Which records to keep.
    pub interest: Interest,
    /// Prefix every record with its file and line (otherwise only warnings and errors).
    pub always_log_file_line: bool,
    /// Tags printed before every record.
    pub tags: &'a [&'a str],
    /// Prefix of the error record logged when a thread panics.
    pub panic_prefix: &'a str,
}

/// The options of one `init_logging` call, owned.
struct Config {
    tags: Vec<String>,
    always_log_file_line: bool,
    panic_prefix: String,
    min_level: log::LevelFilter,
}

/// A component instance's logging options (one per instance, as an instance singleton).
/// Read by every thread of the instance that logs; written by `init_logging`.
#[derive(Default)]
struct InstanceConfig(RwLock<Option<Arc<Config>>>);

/// Options for threads outside any component instance. Read by every such thread that logs
/// or panics; written by `init_logging`. Locks are held only to clone or replace the `Arc`.
static PROCESS_CONFIG: RwLock<Option<Arc<Config>>> = RwLock::new(None);

fn read(slot: &RwLock<Option<Arc<Config>>>) -> Option<Arc<Config>> {
    slot.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn write(slot: &RwLock<Option<Arc<Config>>>, config: Arc<Config>) {
    *slot.write().unwrap_or_else(|e| e.into_inner()) = Some(config);
}

/// The calling thread's instance (if any) and logging options (if initialised).
fn current_config() -> (Option<Arc<ComponentInstance>>, Option<Arc<Config>>) {
    match current_component() {
        Some(instance) => {
            let config = read(&instance.singleton::<InstanceConfig>().0);
            (Some(instance), config.or_else(|| read(&PROCESS_CONFIG)))
        }
        None => (None, read(&PROCESS_CONFIG)),
    }
}

struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        let min_level = current_config().1.map_or(log::LevelFilter::Info, |c| c.min_level);
        metadata.level() <= min_level
    }

    fn log(&self, record: &log::Record<'_>) {
        crate::test_logs::account(Severity::of(record.level()), || record.args().to_string());
        let (instance, config) = current_config();
        let min_level = config.as_ref().map_or(log::LevelFilter::Info, |c| c.min_level);
        if record.level() > min_level {
            return;
        }
        let moniker = instance.as_ref().map(|instance| instance.moniker());
        let line = format_record(moniker, config.as_deref(), record);
        // A failed stderr write has nowhere to be reported.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
        if let Some(instance) = instance {
            log_archive::append(&instance, || archived(&instance, config.as_deref(), record));
        }
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// `[moniker][tag1,tag2] LEVEL: [file(line)] message\n` (no moniker outside instances).
fn format_record(
    moniker: Option<&str>,
    config: Option<&Config>,
    record: &log::Record<'_>,
) -> String {
    let tags = config.map(|config| config.tags.join(",")).unwrap_or_default();
    let always_log_file_line = config.is_some_and(|config| config.always_log_file_line);
    let moniker = moniker.map(|moniker| format!("[{moniker}]")).unwrap_or_default();
    let location = if always_log_file_line || record.level() <= log::Level::Warn {
        match (record.file(), record.line()) {
            (Some(file), Some(line)) => format!("[{file}({line})] "),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    format!("{moniker}[{tags}] {}: {location}{}\n", record.level(), record.args())
}

/// A record as the archive keeps it (see [`crate::log_archive`]).
fn archived(
    instance: &ComponentInstance,
    config: Option<&Config>,
    record: &log::Record<'_>,
) -> LogRecord {
    let mut fields = Fields(Vec::new());
    // Visiting only collects; `Fields` never fails.
    let _ = record.key_values().visit(&mut fields);
    LogRecord {
        moniker: instance.moniker().to_owned(),
        url: instance.url().to_owned(),
        timestamp_ns: zx::BootInstant::get().into_nanos(),
        severity: Severity::of(record.level()),
        message: record.args().to_string(),
        fields: fields.0,
        tags: config.map(|config| config.tags.clone()).unwrap_or_default(),
        file: record.file().map(str::to_owned),
        line: record.line(),
        rolled_out: 0,
    }
}

/// Collects a record's key-value fields, typed as the in-tree backend encodes them.
struct Fields(Vec<(String, FieldValue)>);

impl<'kvs> log::kv::VisitSource<'kvs> for Fields {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        let value = if let Some(value) = value.to_bool() {
            FieldValue::Bool(value)
        } else if let Some(value) = value.to_i64() {
            FieldValue::Int(value)
        } else if let Some(value) = value.to_u64() {
            FieldValue::Uint(value)
        } else if let Some(value) = value.to_f64() {
            FieldValue::Double(value)
        } else {
            FieldValue::Text(value.to_string())
        };
        self.0.push((key.as_str().to_owned(), value));
        Ok(())
    }
}

static LOGGER: StderrLogger = StderrLogger;
static INSTALL: Once = Once::new();

/// Installs the stderr logger (once per process) and applies `options` to the calling
/// thread's component instance, or process-wide outside instances.
pub fn init_logging(options: LoggingOptions<'_>) {
    let config = Arc::new(Config {
        tags: options.tags.iter().map(|tag| (*tag).to_owned()).collect(),
        always_log_file_line: options.always_log_file_line,
        panic_prefix: options.panic_prefix.to_owned(),
        min_level: options.interest.min_severity.unwrap_or(Severity::Info).level_filter(),
    });
    match current_component() {
        Some(instance) => write(&instance.singleton::<InstanceConfig>().0, config),
        None => write(&PROCESS_CONFIG, config),
    }
    INSTALL.call_once(|| {
        // Filtering happens per instance in the logger.
        log::set_max_level(log::LevelFilter::Trace);
        // Another logger may already be installed (e.g. by a test harness); then records
        // go there.
        let _ = log::set_logger(&LOGGER);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(config) = current_config().1 {
                log::error!("{}: {info}", config.panic_prefix);
            }
            previous(info);
        }));
    });
}

/// Logs a component's error result before it exits.
pub fn log_error(error: &dyn std::fmt::Debug) {
    log::error!("{error:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_log_filters() {
        assert_eq!(Severity::Trace.level_filter(), log::LevelFilter::Trace);
        assert_eq!(Severity::Debug.level_filter(), log::LevelFilter::Debug);
        assert_eq!(Severity::Info.level_filter(), log::LevelFilter::Info);
        assert_eq!(Severity::Warn.level_filter(), log::LevelFilter::Warn);
        assert_eq!(Severity::Error.level_filter(), log::LevelFilter::Error);
        assert_eq!(Severity::Fatal.level_filter(), log::LevelFilter::Error);
    }
}

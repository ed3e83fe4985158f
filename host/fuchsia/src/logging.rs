//! The logger the macros install: `log` records to stderr, prefixed with tags.
//!
//! One logger serves the whole process (the `log` crate allows one). Each
//! `init_logging` call replaces its options, so with tests running in parallel the tags
//! are those of the test that started last.

use std::io::Write;
use std::sync::{Once, RwLock};

/// A log severity, as in `fuchsia.diagnostics.Severity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Severity {
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
    pub min_severity: Option<Severity>,
}

/// Logging options, as the macros pass them.
#[derive(Clone, Debug)]
pub struct LoggingOptions<'a> {
    /// Accepted for the in-tree shape; stderr writes always block.
    pub blocking: bool,
    pub interest: Interest,
    /// Prefix every record with its file and line (otherwise only warnings and errors).
    pub always_log_file_line: bool,
    pub tags: &'a [&'a str],
    /// Prefix of the error record logged when a thread panics.
    pub panic_prefix: &'a str,
}

/// The options of the latest `init_logging` call, owned.
struct Config {
    tags: Vec<String>,
    always_log_file_line: bool,
    panic_prefix: String,
}

/// Read by every thread that logs or panics; written by `init_logging`. Never held while
/// writing to stderr or calling the previous panic hook.
static CONFIG: RwLock<Option<Config>> = RwLock::new(None);

struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = format_record(record);
        // A failed stderr write has nowhere to be reported.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// `[tag1,tag2] LEVEL: [file(line)] message\n`.
fn format_record(record: &log::Record<'_>) -> String {
    let (tags, always_log_file_line) = match &*CONFIG.read().unwrap_or_else(|e| e.into_inner()) {
        Some(config) => (config.tags.join(","), config.always_log_file_line),
        None => (String::new(), false),
    };
    let location = if always_log_file_line || record.level() <= log::Level::Warn {
        match (record.file(), record.line()) {
            (Some(file), Some(line)) => format!("[{file}({line})] "),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    format!("[{tags}] {}: {location}{}\n", record.level(), record.args())
}

static LOGGER: StderrLogger = StderrLogger;
static INSTALL: Once = Once::new();

/// Installs the stderr logger (once per process) and applies `options`.
pub fn init_logging(options: LoggingOptions<'_>) {
    *CONFIG.write().unwrap_or_else(|e| e.into_inner()) = Some(Config {
        tags: options.tags.iter().map(|tag| (*tag).to_owned()).collect(),
        always_log_file_line: options.always_log_file_line,
        panic_prefix: options.panic_prefix.to_owned(),
    });
    log::set_max_level(options.interest.min_severity.unwrap_or(Severity::Info).level_filter());
    INSTALL.call_once(|| {
        // Another logger may already be installed (e.g. by a test harness); then records
        // go there.
        let _ = log::set_logger(&LOGGER);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let prefix = CONFIG
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .map(|config| config.panic_prefix.clone());
            if let Some(prefix) = prefix {
                log::error!("{prefix}: {info}");
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

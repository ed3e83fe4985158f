//! The log archive's byte budget (its own test binary: it fills the process-wide archive).

use fuchsia::host::{ARCHIVE_BUDGET_BYTES, read_from};
use fuchsia::{Interest, LoggingOptions, Severity};
use fuchsia_runtime::host::ComponentInstance;

#[test]
fn the_oldest_records_are_dropped_once_the_budget_is_exceeded() {
    let component = ComponentInstance::new("archive_budget", "#meta/archive_budget.cm", []);
    let _entered = component.enter();
    fuchsia::__private::init_logging(LoggingOptions {
        blocking: false,
        interest: Interest { min_severity: Some(Severity::Info) },
        always_log_file_line: false,
        tags: &[],
        panic_prefix: "panic",
    });
    let text = "x".repeat(64 * 1024);
    let records = 2 * ARCHIVE_BUDGET_BYTES / text.len();
    for i in 0..records {
        log::info!("{i} {text}");
    }
    let (kept, cursor) = read_from(0);
    assert_eq!(cursor, records as u64, "every record was appended");
    let bytes: usize = kept.iter().map(|record| record.size_bytes()).sum();
    assert!(bytes <= ARCHIVE_BUDGET_BYTES, "{bytes} bytes kept");
    let per_record = kept[0].size_bytes();
    assert_eq!(kept.len(), ARCHIVE_BUDGET_BYTES / per_record, "as many as fit");
    assert!(kept.last().unwrap().message.starts_with(&format!("{} ", records - 1)));
    assert!(kept[0].message.starts_with(&format!("{} ", records - kept.len())));
    // Once full, each append rolls one record out, reported on the instance's next record.
    assert!(kept.iter().all(|record| record.rolled_out == 1));
    log::info!("after the roll-outs");
    let (last, _) = read_from(cursor);
    assert_eq!((last[0].message.as_str(), last[0].rolled_out), ("after the roll-outs", 1));
}

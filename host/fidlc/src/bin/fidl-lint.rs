//! `fidl-lint FILES...`: the host fidl-lint. Prints each finding as
//! `file:line:column: warning: message [check-id]` and exits 1 if there is any, as the
//! in-tree `tools/fidl/fidlc/cmd/fidl-lint/main.cc` does; exits 2 if a file cannot be read
//! or parsed, or none is given.

use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: fidl-lint FILES...");
        return ExitCode::from(2);
    }
    let mut findings = 0usize;
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("{path}: cannot read: {error}");
                return ExitCode::from(2);
            }
        };
        match fidlc::lint::lint(path, &text) {
            Ok(found) => {
                for finding in &found {
                    println!("{finding}");
                }
                findings += found.len();
            }
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::from(2);
            }
        }
    }
    if findings == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

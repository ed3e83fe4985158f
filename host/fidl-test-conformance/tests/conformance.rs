//! Runs every case of every `.gidl` file in GIDL_DIR through the generated
//! `test.conformance` bindings. Prints one line per file and a total; exits
//! non-zero if any case fails or a file does not parse.

use std::path::PathBuf;

use fidl_test_conformance::runner::{self, Outcome};
use fidl_test_conformance::{__reflect_type, GIDL_DIR, gidl};

fn main() {
    let dir =
        std::env::var_os("GIDL_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(GIDL_DIR));
    let verbose = std::env::args().any(|a| a == "--verbose");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "gidl"))
        .collect();
    files.sort();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut broken_files = 0;
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let cases = match gidl::parse(&text) {
            Ok(c) => c,
            Err(e) => {
                println!("{name}: parse error: {e}");
                broken_files += 1;
                continue;
            }
        };
        let (mut p, mut f, mut s) = (0, 0, 0);
        for case in &cases {
            match runner::run(case, __reflect_type) {
                Outcome::Passed => p += 1,
                Outcome::Failed(reason) => {
                    f += 1;
                    println!("  FAIL {name}:{} {}: {reason}", case.line, case.name);
                }
                Outcome::Skipped(reason) => {
                    s += 1;
                    if verbose || !reason.is_empty() {
                        println!("  skip {name}:{} {}: {reason}", case.line, case.name);
                    }
                }
            }
        }
        println!("{name}: {p} passed, {f} failed, {s} skipped");
        passed += p;
        failed += f;
        skipped += s;
    }
    println!("conformance: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 || broken_files > 0 || files.is_empty() {
        std::process::exit(1);
    }
}

//! `check-gn-labels BUILD.gn LIST...`: every `//` label of the build file is in one of the
//! label lists, and every local label names a target. Exits 1 naming each unknown label.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    intree_checks::report((|| {
        let [build_path, lists @ ..] = args.as_slice() else {
            return Err("usage: check-gn-labels BUILD.gn LIST...".to_owned());
        };
        if lists.is_empty() {
            return Err("usage: check-gn-labels BUILD.gn LIST...".to_owned());
        }
        let build = intree_checks::read_build_file(build_path.as_ref())?;
        let mut known = std::collections::BTreeSet::new();
        for list in lists {
            let text = std::fs::read_to_string(list).map_err(|e| format!("{list}: {e}"))?;
            known.extend(intree_checks::labels::parse_list(list, &text)?);
        }
        Ok(intree_checks::labels::check(build_path, &build, &known))
    })())
}

//! `check-trace-provider BUILD.gn`: every component that emits trace events creates a trace
//! provider. Exits 1 naming each component that does not.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    intree_checks::report((|| {
        let [build_path] = args.as_slice() else {
            return Err("usage: check-trace-provider BUILD.gn".to_owned());
        };
        let path = std::path::Path::new(build_path);
        let build = intree_checks::read_build_file(path)?;
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        intree_checks::trace_provider::check(build_path, dir, &build)
    })())
}

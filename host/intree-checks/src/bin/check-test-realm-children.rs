//! `check-test-realm-children BUILD.gn`: every `#meta/<name>.cm` a test starts is in its
//! test package. Exits 1 naming each one that is not.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    intree_checks::report((|| {
        let [build_path] = args.as_slice() else {
            return Err("usage: check-test-realm-children BUILD.gn".to_owned());
        };
        let path = std::path::Path::new(build_path);
        let build = intree_checks::read_build_file(path)?;
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        intree_checks::realm_children::check(build_path, dir, &build)
    })())
}

//! `check-manifest-includes BUILD.gn`: every component manifest includes the shards that
//! its deps' in-tree `expect_includes` require. Exits 1 naming each missing include.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    intree_checks::report((|| {
        let [build_path] = args.as_slice() else {
            return Err("usage: check-manifest-includes BUILD.gn".to_owned());
        };
        let path = std::path::Path::new(build_path);
        let build = intree_checks::read_build_file(path)?;
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        intree_checks::includes::check(build_path, dir, &build)
    })())
}

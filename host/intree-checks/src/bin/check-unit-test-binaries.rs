//! `check-unit-test-binaries BUILD.gn`: every generated unit-test manifest holds exactly
//! one test binary. Exits 1 naming each package that does not.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    intree_checks::report((|| {
        let [build_path] = args.as_slice() else {
            return Err("usage: check-unit-test-binaries BUILD.gn".to_owned());
        };
        let build = intree_checks::read_build_file(build_path.as_ref())?;
        Ok(intree_checks::unit_tests::check(build_path, &build))
    })())
}

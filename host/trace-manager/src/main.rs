//! `bin/trace_manager`: runs the component's entry point.

fn main() -> impl std::process::Termination {
    trace_manager::main()
}

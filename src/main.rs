//! `bin/proxy_manager`: the component's executable, running the entry point of the library.

fn main() -> impl std::process::Termination {
    proxy_manager::main()
}

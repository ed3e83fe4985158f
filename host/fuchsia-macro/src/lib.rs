//! Host build of the `#[fuchsia::main]` and `#[fuchsia::test]` attribute macros.
//!
//! They accept the arguments of the in-tree macros and expand to code that calls the
//! runtime support in the `fuchsia` crate (`fuchsia::__private`): an executor from
//! `fuchsia_async` and a `log` logger writing to stderr.

#![warn(missing_docs)]

mod args;
mod expand;
mod log_settings;

use proc_macro::TokenStream;

/// Marks a component's entry point: sets up logging and runs the function (an `async fn`
/// runs on a single-threaded `LocalExecutor`, or on a `SendExecutor` with `threads = N`).
///
/// Arguments: `threads = N`, `logging = bool`, `logging_tags = ["a", "b"]`,
/// `logging_minimum_severity = "info"`, `logging_blocking`, `always_log_file_line`,
/// `logging_panic_prefix = "..."`, `thread_role = ".."` and `instrumentation` (both
/// accepted, without effect on the host).
#[proc_macro_attribute]
pub fn main(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(expand::Kind::Main, args.into(), input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Marks a test: sets up logging (tagged with the test's name) and runs it (an `async fn`
/// runs on a single-threaded executor, on a `SendExecutor` with `threads = N`, or until
/// stalled with `allow_stalls = false`, where a stall fails the test).
///
/// As on Fuchsia, the test runs as a component (a host component instance, with the
/// components its realms start) and fails if any of them logs above its test package's
/// `max_severity` in the crate's `BUILD.gn` (`WARN` unless the package sets
/// `test_specs = { log_settings = { max_severity = ".." } }`); see `log_settings`.
///
/// Arguments: those of [`macro@main`] except `thread_role`, plus `allow_stalls = bool` and
/// `add_test_attr = bool`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, input: TokenStream) -> TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    let source = proc_macro::Span::call_site().local_file();
    let settings = match manifest_dir {
        Some(dir) => log_settings::for_source(&dir, source, proc_macro2::Span::call_site()),
        None => Ok(log_settings::TestLogSettings::default_settings()),
    };
    settings
        .and_then(|settings| expand::expand_test(settings, args.into(), input.into()))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

//! Expansion of an attributed function into a plain entry point.

use crate::args::Args;
use crate::log_settings::TestLogSettings;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Error, Expr, ItemFn, LitStr, ReturnType};

/// Which macro is expanding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

/// How the function body is run.
enum Executor {
    /// A sync function, called directly.
    Direct,
    /// On a single-threaded executor until the future completes.
    Singlethreaded,
    /// On a `SendExecutor` with this many threads.
    Multithreaded(Expr),
    /// On a `TestExecutor` until stalled; a stall fails the test.
    UntilStalled,
}

/// Picks the executor from the arguments, with the in-tree macro's rules and errors.
fn executor(kind: Kind, args: &Args, is_async: bool, span: Span) -> syn::Result<Executor> {
    let fail = |message: &str| Err(Error::new(span, message));
    if kind == Kind::Test && args.thread_role.is_some() {
        return fail("thread_role cannot be applied to tests");
    }
    if kind == Kind::Main && args.allow_stalls.is_some() {
        return fail("allow_stalls only applies to tests");
    }
    match (&args.threads, args.allow_stalls, is_async) {
        (Some(_), _, false) => fail("must be async to use >1 thread"),
        (None, Some(_), false) => fail("allow_stalls only applies to async tests"),
        (None, None, false) => Ok(Executor::Direct),
        (Some(_), Some(false), true) => fail("allow_stalls=false tests must be single threaded"),
        (None, Some(false), true) => Ok(Executor::UntilStalled),
        (None, Some(true) | None, true) => Ok(Executor::Singlethreaded),
        (Some(threads), Some(true) | None, true) => Ok(Executor::Multithreaded(threads.clone())),
    }
}

/// Expands `#[fuchsia::test]` with the log settings of the test's package.
pub(crate) fn expand_test(
    settings: TestLogSettings,
    args: TokenStream,
    input: TokenStream,
) -> syn::Result<TokenStream> {
    expand_with(Kind::Test, settings, args, input)
}

/// Expands `#[fuchsia::main]`, or `#[fuchsia::test]` with the default log settings.
pub(crate) fn expand(
    kind: Kind,
    args: TokenStream,
    input: TokenStream,
) -> syn::Result<TokenStream> {
    expand_with(kind, TestLogSettings::default_settings(), args, input)
}

fn expand_with(
    kind: Kind,
    settings: TestLogSettings,
    args: TokenStream,
    input: TokenStream,
) -> syn::Result<TokenStream> {
    let args = Args::parse(args)?;
    let ItemFn { attrs, vis, sig, block } = syn::parse2(input)?;
    let ident = &sig.ident;
    let span = ident.span();
    let executor = executor(kind, &args, sig.asyncness.is_some(), span)?;

    let inner = match kind {
        Kind::Main => format_ident!("component_entry_point"),
        Kind::Test => format_ident!("test_entry_point"),
    };
    let call = match (kind, sig.inputs.len()) {
        (_, 0) => quote! { #inner() },
        // A test may take its run number; the host runs each test once, as run 0.
        (Kind::Test, 1) => quote! { #inner(0) },
        (Kind::Main, 1) => {
            return Err(Error::new(span, "argument parsing is not supported by the host build"));
        }
        (_, n) => return Err(Error::new(span, format!("Too many ({n}) arguments to function"))),
    };

    let run = match &executor {
        Executor::Direct => call,
        Executor::Singlethreaded => match kind {
            Kind::Main => quote! { ::fuchsia::__private::run_singlethreaded(#call) },
            Kind::Test => quote! { ::fuchsia::__private::run_test_singlethreaded(#call) },
        },
        Executor::Multithreaded(threads) => {
            quote! { ::fuchsia::__private::run_multithreaded(#call, #threads) }
        }
        Executor::UntilStalled => quote! { ::fuchsia::__private::run_until_stalled(#call) },
    };

    let init_logging = if args.logging {
        let mut tags = args.logging_tags.clone();
        if kind == Kind::Test {
            tags.insert(0, LitStr::new(&ident.to_string(), span));
        }
        let blocking = args.logging_blocking;
        let always_log_file_line = args.always_log_file_line;
        let panic_prefix = args.panic_prefix(span);
        let interest = match args.min_severity {
            None => quote! { ::fuchsia::Interest::default() },
            Some(severity) => {
                let variant = format_ident!("{}", severity.variant());
                quote! { ::fuchsia::Interest { min_severity: Some(::fuchsia::Severity::#variant) } }
            }
        };
        quote! {
            ::fuchsia::__private::init_logging(::fuchsia::LoggingOptions {
                blocking: #blocking,
                interest: #interest,
                always_log_file_line: #always_log_file_line,
                tags: &[#(#tags),*],
                panic_prefix: #panic_prefix,
            });
        }
    } else {
        quote! {}
    };

    // The thread role names a Fuchsia scheduler profile; the host has none, so the
    // expression is only evaluated.
    let thread_role = args.thread_role.as_ref().map(|role| quote! { let _ = #role; });

    let test_attr = (kind == Kind::Test && args.add_test_attr).then(|| quote! { #[test] });
    let inputs = &sig.inputs;
    let asyncness = &sig.asyncness;
    let output = &sig.output;

    // A component's `Result` is logged on error and turned into an exit code, as in-tree.
    let (outer_output, run) = match (kind, args.logging, output) {
        (Kind::Main, true, ReturnType::Type(..)) => (
            quote! { -> ::std::process::ExitCode },
            quote! {
                match #run {
                    ::std::result::Result::Ok(value) => {
                        ::std::process::Termination::report(value)
                    }
                    ::std::result::Result::Err(error) => {
                        ::fuchsia::__private::log_error(&error);
                        ::std::process::ExitCode::FAILURE
                    }
                }
            },
        ),
        _ => (quote! { #output }, run),
    };

    // On the host a component's entry point is registered for the launcher, which resolves
    // `#meta/<name>.cm` to it (see fuchsia_runtime::host::ComponentEntry).
    let registration = (kind == Kind::Main).then(|| {
        quote! {
            // Registering a binary's `main` is not recursion, whatever the lint sees.
            #[allow(clippy::main_recursion)]
            const _: () = {
                #[::fuchsia::__private::linkme::distributed_slice(::fuchsia::__private::COMPONENT_ENTRIES)]
                #[linkme(crate = ::fuchsia::__private::linkme)]
                static ENTRY: ::fuchsia::__private::ComponentEntry = ::fuchsia::__private::ComponentEntry {
                    package: ::std::env!("CARGO_CRATE_NAME"),
                    manifest_dir: ::std::env!("CARGO_MANIFEST_DIR"),
                    main: || {
                        let _ = #ident();
                    },
                };
            };
        }
    });

    let body = match kind {
        Kind::Main => quote! {
            #thread_role
            #init_logging
            #run
        },
        // The test runs as a component that fails if it logs above its package's
        // max_severity; editing BUILD.gn rebuilds it.
        Kind::Test => {
            let max_severity = format_ident!("{}", settings.max_severity);
            let package = match &settings.package {
                Some(package) => quote! { ::std::option::Option::Some(#package) },
                None => quote! { ::std::option::Option::None },
            };
            let track = settings.build_file.as_ref().map(|path| {
                let path = path.to_string_lossy();
                quote! { const _: &[u8] = ::std::include_bytes!(#path); }
            });
            let name = ident.to_string();
            quote! {
                #track
                ::fuchsia::__private::run_test(
                    ::fuchsia::__private::TestLogSettings {
                        test: #name,
                        package: #package,
                        max_severity: ::fuchsia::Severity::#max_severity,
                    },
                    move || {
                        #init_logging
                        #run
                    },
                )
            }
        }
    };

    Ok(quote! {
        #(#attrs)*
        #test_attr
        #vis fn #ident() #outer_output {
            #asyncness fn #inner(#inputs) #output #block
            #body
        }
        #registration
    })
}

#[cfg(test)]
mod tests {
    use super::{Kind, expand};
    use quote::quote;

    /// The compile error message of an expansion that must fail.
    fn error(kind: Kind, args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
        match expand(kind, args, item) {
            Ok(tokens) => panic!("expected an error, got {tokens}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn thread_role_on_a_test_is_rejected() {
        let message = error(
            Kind::Test,
            quote!(thread_role = "r"),
            quote!(
                async fn t() {}
            ),
        );
        assert_eq!(message, "thread_role cannot be applied to tests");
    }

    #[test]
    fn allow_stalls_on_main_is_rejected() {
        let message = error(
            Kind::Main,
            quote!(allow_stalls = false),
            quote!(
                async fn m() {}
            ),
        );
        assert_eq!(message, "allow_stalls only applies to tests");
    }

    #[test]
    fn allow_stalls_on_a_sync_test_is_rejected() {
        let message = error(
            Kind::Test,
            quote!(allow_stalls = false),
            quote!(
                fn t() {}
            ),
        );
        assert_eq!(message, "allow_stalls only applies to async tests");
    }

    #[test]
    fn threads_on_a_sync_function_is_rejected() {
        assert_eq!(
            error(
                Kind::Main,
                quote!(threads = 2),
                quote!(
                    fn m() {}
                )
            ),
            "must be async to use >1 thread"
        );
        assert_eq!(
            error(
                Kind::Test,
                quote!(threads = 2),
                quote!(
                    fn t() {}
                )
            ),
            "must be async to use >1 thread"
        );
    }

    #[test]
    fn allow_stalls_false_with_threads_is_rejected() {
        let message = error(
            Kind::Test,
            quote!(threads = 2, allow_stalls = false),
            quote!(
                async fn t() {}
            ),
        );
        assert_eq!(message, "allow_stalls=false tests must be single threaded");
    }

    #[test]
    fn an_unknown_argument_is_rejected() {
        let message = error(
            Kind::Main,
            quote!(colour = "red"),
            quote!(
                fn m() {}
            ),
        );
        assert_eq!(message, "unrecognized argument");
    }

    #[test]
    fn an_argument_without_a_key_is_rejected() {
        let message = error(
            Kind::Main,
            quote!(a::b = 1),
            quote!(
                fn m() {}
            ),
        );
        assert_eq!(message, "arguments must have a key");
    }

    #[test]
    fn an_invalid_severity_is_rejected() {
        let message = error(
            Kind::Main,
            quote!(logging_minimum_severity = "loud"),
            quote!(
                fn m() {}
            ),
        );
        assert_eq!(message, "invalid severity: loud");
    }

    #[test]
    fn malformed_argument_values_are_rejected() {
        // A flag must be a bool literal, tags a bracketed list of strings.
        assert!(
            !error(
                Kind::Main,
                quote!(logging = 3),
                quote!(
                    fn m() {}
                )
            )
            .is_empty()
        );
        assert!(
            !error(
                Kind::Main,
                quote!(logging_tags = "a"),
                quote!(
                    fn m() {}
                )
            )
            .is_empty()
        );
        assert!(
            !error(
                Kind::Main,
                quote!(logging_tags = [1]),
                quote!(
                    fn m() {}
                )
            )
            .is_empty()
        );
    }

    #[test]
    fn too_many_arguments_are_rejected() {
        let message = error(
            Kind::Test,
            quote!(),
            quote!(
                fn t(a: usize, b: usize) {}
            ),
        );
        assert_eq!(message, "Too many (2) arguments to function");
    }

    #[test]
    fn main_with_an_argument_is_rejected_on_the_host() {
        let message = error(
            Kind::Main,
            quote!(),
            quote!(
                fn m(args: Args) {}
            ),
        );
        assert_eq!(message, "argument parsing is not supported by the host build");
    }

    #[test]
    fn a_non_function_item_is_rejected() {
        assert!(
            !error(
                Kind::Main,
                quote!(),
                quote!(
                    struct S;
                )
            )
            .is_empty()
        );
    }

    #[test]
    fn case_of_the_severity_name_does_not_matter() {
        let tokens = expand(
            Kind::Main,
            quote!(logging_minimum_severity = "WARN"),
            quote!(
                fn m() {}
            ),
        )
        .unwrap();
        assert!(tokens.to_string().contains("Warn"));
    }
}

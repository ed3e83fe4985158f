//! Expansion of an attributed function into a plain entry point.

use crate::args::Args;
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

pub(crate) fn expand(
    kind: Kind,
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

    Ok(quote! {
        #(#attrs)*
        #test_attr
        #vis fn #ident() #outer_output {
            #asyncness fn #inner(#inputs) #output #block
            #thread_role
            #init_logging
            #run
        }
    })
}

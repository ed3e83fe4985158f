//! Parsing of the macro arguments.

use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, LitBool, LitStr, Token};

/// A minimum log severity, as named in the `logging_minimum_severity` argument.
#[derive(Clone, Copy)]
pub(crate) enum Severity {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Severity {
    /// The name of the matching `fuchsia::Severity` variant.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Severity::Trace => "Trace",
            Severity::Debug => "Debug",
            Severity::Info => "Info",
            Severity::Warn => "Warn",
            Severity::Error => "Error",
            Severity::Fatal => "Fatal",
        }
    }
}

/// The arguments of `#[fuchsia::main(..)]` / `#[fuchsia::test(..)]`.
pub(crate) struct Args {
    pub(crate) threads: Option<Expr>,
    pub(crate) thread_role: Option<Expr>,
    pub(crate) allow_stalls: Option<bool>,
    pub(crate) logging: bool,
    pub(crate) logging_blocking: bool,
    pub(crate) logging_tags: Vec<LitStr>,
    pub(crate) always_log_file_line: bool,
    pub(crate) min_severity: Option<Severity>,
    pub(crate) panic_prefix: Option<LitStr>,
    pub(crate) add_test_attr: bool,
    pub(crate) instrumentation: bool,
}

fn value<T: syn::parse::Parse>(input: ParseStream<'_>) -> syn::Result<T> {
    input.parse::<Token![=]>()?;
    input.parse()
}

/// `key` alone means `true`; `key = bool` sets it.
fn flag(input: ParseStream<'_>) -> syn::Result<bool> {
    if input.peek(Token![=]) { Ok(value::<LitBool>(input)?.value) } else { Ok(true) }
}

fn tags(input: ParseStream<'_>) -> syn::Result<Vec<LitStr>> {
    input.parse::<Token![=]>()?;
    let content;
    syn::bracketed!(content in input);
    Ok(Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?.into_iter().collect())
}

fn severity(input: ParseStream<'_>) -> syn::Result<Severity> {
    let name = value::<LitStr>(input)?;
    Ok(match name.value().to_lowercase().as_str() {
        "trace" => Severity::Trace,
        "debug" => Severity::Debug,
        "info" => Severity::Info,
        "warn" => Severity::Warn,
        "error" => Severity::Error,
        "fatal" => Severity::Fatal,
        other => {
            return Err(syn::Error::new(name.span(), format!("invalid severity: {other}")));
        }
    })
}

impl Args {
    pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
        let mut args = Args {
            threads: None,
            thread_role: None,
            allow_stalls: None,
            logging: true,
            logging_blocking: false,
            logging_tags: Vec::new(),
            always_log_file_line: false,
            min_severity: None,
            panic_prefix: None,
            add_test_attr: true,
            instrumentation: false,
        };
        let parser = syn::meta::parser(|meta| {
            let Some(key) = meta.path.get_ident() else {
                return Err(meta.error("arguments must have a key"));
            };
            let input = meta.input;
            match key.to_string().as_str() {
                "threads" => args.threads = Some(value(input)?),
                "thread_role" => args.thread_role = Some(value(input)?),
                "allow_stalls" => args.allow_stalls = Some(flag(input)?),
                "logging" => args.logging = flag(input)?,
                "logging_blocking" => args.logging_blocking = flag(input)?,
                "logging_tags" => args.logging_tags = tags(input)?,
                "always_log_file_line" => args.always_log_file_line = flag(input)?,
                "logging_minimum_severity" => args.min_severity = Some(severity(input)?),
                "logging_panic_prefix" => args.panic_prefix = Some(value(input)?),
                "add_test_attr" => args.add_test_attr = flag(input)?,
                "instrumentation" => args.instrumentation = flag(input)?,
                _ => return Err(meta.error("unrecognized argument")),
            }
            Ok(())
        });
        parser.parse2(tokens)?;
        Ok(args)
    }

    /// The panic prefix, `"PANIC"` unless given.
    pub(crate) fn panic_prefix(&self, span: Span) -> LitStr {
        self.panic_prefix.clone().unwrap_or_else(|| LitStr::new("PANIC", span))
    }
}

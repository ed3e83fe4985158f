//! Rust items for a protocol: marker, async and synchronous proxies, event
//! stream, request stream, request enum, responders and control handle, in
//! the in-tree shape on the host runtime (host/fidl/CODEGEN.md section 9).
//!
//! Payload flattening follows the in-tree bindings: the members of a struct
//! payload become method parameters / request fields; a table or union
//! payload is passed whole as `payload`. Value-type parameters are borrowed
//! (`&str`, `&[T]`, `&T`), resource-type ones taken by value.

use std::fmt::Write;

use fidlc::ir::*;

use crate::decls::doc;
use crate::names::{snake, upper_camel};
use crate::types::TypeNames;

const ENC: &str = "::fidl::encoding";

/// A method payload as the Rust API sees it.
enum Payload {
    Empty,
    /// A struct payload: its members, flattened.
    Fields {
        path: String,
        fields: Vec<(String, Type)>,
    },
    /// A table or union payload, passed whole.
    Whole {
        ty: Type,
    },
}

struct Param {
    name: String,
    ty: String,
    /// Converts the parameter to the owned value.
    to_owned: String,
}

impl Payload {
    fn of(names: &TypeNames<'_>, ty: Option<&Type>) -> Payload {
        match ty {
            None => Payload::Empty,
            Some(Type::Struct { name, .. }) => match names.compilation.find(name) {
                Some(Decl::Struct(s)) => Payload::Fields {
                    path: names.decl_path(name),
                    fields: s.members.iter().map(|m| (snake(&m.name), m.ty.clone())).collect(),
                },
                _ => Payload::Empty,
            },
            Some(t) => Payload::Whole { ty: t.clone() },
        }
    }

    fn marker(&self, names: &TypeNames<'_>) -> String {
        match self {
            Payload::Empty => format!("{ENC}::EmptyPayload"),
            Payload::Fields { path, .. } => path.clone(),
            Payload::Whole { ty } => names.marker(ty),
        }
    }

    /// Marker of the success member of a result union.
    fn success_marker(&self, names: &TypeNames<'_>) -> String {
        match self {
            Payload::Empty => format!("{ENC}::EmptyStruct"),
            _ => self.marker(names),
        }
    }

    fn params(&self, names: &TypeNames<'_>) -> Vec<Param> {
        match self {
            Payload::Empty => Vec::new(),
            Payload::Fields { fields, .. } => {
                fields.iter().map(|(n, t)| param(names, n, t)).collect()
            }
            Payload::Whole { ty } => vec![param(names, "payload", ty)],
        }
    }

    /// Expression building the owned payload from the parameters.
    fn build(&self, names: &TypeNames<'_>) -> String {
        match self {
            Payload::Empty => "()".to_string(),
            Payload::Fields { path, .. } => {
                let fields: Vec<String> = self
                    .params(names)
                    .iter()
                    .map(|p| format!("{}: {}", p.name, p.to_owned))
                    .collect();
                format!("{path} {{ {} }}", fields.join(", "))
            }
            Payload::Whole { .. } => self.params(names).remove(0).to_owned,
        }
    }

    /// The owned type a caller gets: one field alone, several as a tuple.
    fn output_type(&self, names: &TypeNames<'_>) -> String {
        match self {
            Payload::Empty => "()".to_string(),
            Payload::Fields { fields, .. } if fields.len() == 1 => names.owned(&fields[0].1),
            Payload::Fields { fields, .. } => {
                let types: Vec<String> = fields.iter().map(|(_, t)| names.owned(t)).collect();
                format!("({})", types.join(", "))
            }
            Payload::Whole { ty } => names.owned(ty),
        }
    }

    /// Expression extracting the output from owned payload `var`.
    fn extract(&self, var: &str) -> String {
        match self {
            Payload::Empty => "()".to_string(),
            Payload::Fields { fields, .. } if fields.len() == 1 => format!("{var}.{}", fields[0].0),
            Payload::Fields { fields, .. } => {
                let parts: Vec<String> = fields.iter().map(|(n, _)| format!("{var}.{n}")).collect();
                format!("({})", parts.join(", "))
            }
            Payload::Whole { .. } => var.to_string(),
        }
    }

    /// The borrowed parameter type(s) as one type (for `Result<_, E>`).
    fn borrowed_type(&self, names: &TypeNames<'_>) -> String {
        let params = self.params(names);
        match params.len() {
            1 => params[0].ty.clone(),
            _ => {
                format!("({})", params.iter().map(|p| p.ty.clone()).collect::<Vec<_>>().join(", "))
            }
        }
    }

    /// A pattern binding the borrowed values of `borrowed_type`.
    fn borrowed_pattern(&self, names: &TypeNames<'_>) -> String {
        let params = self.params(names);
        match params.len() {
            1 => params[0].name.clone(),
            _ => format!(
                "({})",
                params.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// Fields of a request/event enum variant and how to fill them from
    /// owned payload `var`.
    fn variant_fields(&self, names: &TypeNames<'_>, var: &str) -> Vec<(String, String, String)> {
        match self {
            Payload::Empty => Vec::new(),
            Payload::Fields { fields, .. } => fields
                .iter()
                .map(|(n, t)| (n.clone(), names.owned(t), format!("{var}.{n}")))
                .collect(),
            Payload::Whole { ty } => {
                vec![("payload".to_string(), names.owned(ty), var.to_string())]
            }
        }
    }
}

/// A parameter for a member of type `ty`: borrowed for value types.
fn param(names: &TypeNames<'_>, name: &str, ty: &Type) -> Param {
    let owned = names.owned(ty);
    let by_value = |ty: String| Param { name: name.to_string(), ty, to_owned: name.to_string() };
    if names.is_resource(ty) {
        return by_value(owned);
    }
    let borrowed = |ty: String, conv: String| Param { name: name.to_string(), ty, to_owned: conv };
    match ty {
        Type::Primitive(_) | Type::Enum { .. } | Type::Bits { .. } => by_value(owned),
        Type::String { optional: false, .. } => {
            borrowed("&str".into(), format!("{name}.to_string()"))
        }
        Type::String { optional: true, .. } => {
            borrowed("::core::option::Option<&str>".into(), format!("{name}.map(str::to_string)"))
        }
        Type::Vector { element, optional: false, .. } => {
            borrowed(format!("&[{}]", names.owned(element)), format!("{name}.to_vec()"))
        }
        Type::Vector { element, optional: true, .. } => {
            let e = names.owned(element);
            borrowed(
                format!("::core::option::Option<&[{e}]>"),
                format!("{name}.map(<[{e}]>::to_vec)"),
            )
        }
        Type::Struct { name: s, boxed: true } | Type::Union { name: s, optional: true } => {
            let path = names.decl_path(s);
            borrowed(
                format!("::core::option::Option<&{path}>"),
                format!("{name}.map(|v| ::std::boxed::Box::new(v.clone()))"),
            )
        }
        _ => borrowed(format!("&{owned}"), format!("{name}.clone()")),
    }
}

fn params_decl(params: &[Param]) -> String {
    params.iter().map(|p| format!(", {}: {}", p.name, p.ty)).collect()
}

/// Everything the generators need about one method.
struct MethodInfo<'m> {
    method: &'m Method,
    rust: String,
    camel: String,
    request: Payload,
    response: Payload,
    error: Option<Type>,
}

impl MethodInfo<'_> {
    fn flags(&self) -> String {
        if self.method.strict {
            format!("{ENC}::DynamicFlags::empty()")
        } else {
            format!("{ENC}::DynamicFlags::FLEXIBLE")
        }
    }

    fn flexible_result(&self) -> bool {
        self.method.result.as_ref().is_some_and(|r| r.framework_error)
    }

    /// Marker of the whole response body.
    fn response_marker(&self, names: &TypeNames<'_>) -> String {
        let Some(_) = &self.method.result else { return self.response.marker(names) };
        let s = self.response.success_marker(names);
        match (&self.error, self.flexible_result()) {
            (Some(e), false) => format!("{ENC}::ResultType<{s}, {}>", names.marker(e)),
            (None, true) => format!("{ENC}::FlexibleType<{s}>"),
            (Some(e), true) => format!("{ENC}::FlexibleResultType<{s}, {}>", names.marker(e)),
            (None, false) => self.response.marker(names),
        }
    }

    /// What a two-way call returns to the caller.
    fn output(&self, names: &TypeNames<'_>) -> String {
        let r = self.response.output_type(names);
        match &self.error {
            Some(e) => format!("::core::result::Result<{r}, {}>", names.owned(e)),
            None => r,
        }
    }

    /// Body of the response decoding: from owned body `resp` to
    /// `fidl::Result<output>`.
    fn decode_body(&self, protocol_marker: &str) -> String {
        let extract = self.response.extract("r");
        let name = &self.method.name;
        match (&self.error, self.flexible_result()) {
            (None, false) => format!("Ok({})", self.response.extract("resp")),
            (Some(_), false) => format!("Ok(resp.map(|r| {extract}))"),
            (None, true) => format!(
                "{{ let r = resp.into_result::<{protocol_marker}>({name:?})?; Ok({extract}) }}"
            ),
            (Some(_), true) => {
                format!("Ok(resp.into_result::<{protocol_marker}>({name:?})?.map(|r| {extract}))")
            }
        }
    }

    /// Responder `send` parameters and the owned body expression.
    fn reply(&self, names: &TypeNames<'_>) -> (String, String) {
        match (&self.error, self.flexible_result()) {
            (None, flexible) => {
                let params = params_decl(&self.response.params(names));
                let body = self.response.build(names);
                let body = if flexible { format!("{ENC}::Flexible::new({body})") } else { body };
                (params, body)
            }
            (Some(e), flexible) => {
                let ok = self.response.borrowed_type(names);
                let ok = if ok == "()" { "()".to_string() } else { ok };
                let params = format!(", result: ::core::result::Result<{ok}, {}>", names.owned(e));
                let mapped = match self.response {
                    Payload::Empty => "result".to_string(),
                    _ => format!(
                        "result.map(|{}| {})",
                        self.response.borrowed_pattern(names),
                        self.response.build(names)
                    ),
                };
                let body =
                    if flexible { format!("{ENC}::FlexibleResult::new({mapped})") } else { mapped };
                (params, body)
            }
        }
    }
}

pub fn protocol(out: &mut String, names: &TypeNames<'_>, p: &ProtocolDecl) {
    let name = upper_camel(&p.name.name);
    let marker = format!("{name}Marker");
    let debug_name = match &p.discoverable_name {
        Some(n) => n.clone(),
        None => format!("(anonymous) {name}"),
    };
    let openness = match p.openness {
        Openness::Open => "Open",
        Openness::Ajar => "Ajar",
        Openness::Closed => "Closed",
    };
    let methods: Vec<MethodInfo<'_>> = p
        .methods
        .iter()
        .map(|m| MethodInfo {
            method: m,
            rust: snake(&m.name),
            camel: upper_camel(&m.name),
            request: Payload::of(names, m.request.as_ref()),
            response: Payload::of(names, m.response.as_ref()),
            error: m.result.as_ref().and_then(|r| r.error.clone()),
        })
        .collect();
    let dn = format!("<{marker} as ::fidl::endpoints::ProtocolMarker>::DEBUG_NAME");

    // Marker.
    doc(out, &p.attributes, "");
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]\npub struct {marker};"
    );
    let _ = writeln!(out, "impl ::fidl::endpoints::ProtocolMarker for {marker} {{");
    let _ = writeln!(
        out,
        "    type Proxy = {name}Proxy;\n    type RequestStream = {name}RequestStream;"
    );
    let _ = writeln!(out, "    type SynchronousProxy = {name}SynchronousProxy;");
    let _ = writeln!(out, "    const DEBUG_NAME: &'static str = {debug_name:?};\n}}");
    if p.discoverable_name.is_some() {
        let _ =
            writeln!(out, "impl ::fidl::endpoints::DiscoverableProtocolMarker for {marker} {{}}");
    }
    for m in &methods {
        if m.error.is_some() {
            let _ = writeln!(out, "pub type {name}{}Result = {};", m.camel, m.output(names));
        }
    }

    proxy_interface(out, names, &name, &methods);
    proxy(out, names, &name, &marker, &methods);
    sync_proxy(out, names, &name, &marker, &methods);
    events(out, names, &name, &dn, openness, &methods);
    request_stream(out, names, &name, &marker, &dn, openness, p.openness, &methods);
    control_handle(out, names, &name, &methods);
    responders(out, names, &name, &methods);
}

fn two_way<'a, 'm>(methods: &'a [MethodInfo<'m>]) -> impl Iterator<Item = &'a MethodInfo<'m>> {
    methods.iter().filter(|m| m.method.kind == MethodKind::TwoWay)
}

fn proxy_interface(
    out: &mut String,
    names: &TypeNames<'_>,
    name: &str,
    methods: &[MethodInfo<'_>],
) {
    let _ = writeln!(out, "pub trait {name}ProxyInterface: Send + Sync {{");
    for m in methods {
        let params = params_decl(&m.request.params(names));
        match m.method.kind {
            MethodKind::TwoWay => {
                let _ = writeln!(
                    out,
                    "    type {}ResponseFut: ::std::future::Future<Output = ::core::result::Result<{}, ::fidl::Error>> + Send;",
                    m.camel,
                    m.output(names)
                );
                let _ = writeln!(
                    out,
                    "    fn {}(&self{params}) -> Self::{}ResponseFut;",
                    m.rust, m.camel
                );
            }
            MethodKind::OneWay => {
                let _ = writeln!(
                    out,
                    "    fn {}(&self{params}) -> ::core::result::Result<(), ::fidl::Error>;",
                    m.rust
                );
            }
            MethodKind::Event => {}
        }
    }
    let _ = writeln!(out, "}}");
}

fn call_args(m: &MethodInfo<'_>, names: &TypeNames<'_>) -> String {
    m.request.params(names).iter().map(|p| format!(", {}", p.name)).collect()
}

fn proxy(
    out: &mut String,
    names: &TypeNames<'_>,
    name: &str,
    marker: &str,
    methods: &[MethodInfo<'_>],
) {
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone)]\npub struct {name}Proxy {{ client: ::fidl::client::Client }}"
    );
    let _ = writeln!(out, "impl ::fidl::endpoints::Proxy for {name}Proxy {{");
    let _ = writeln!(out, "    type Protocol = {marker};");
    let _ = writeln!(
        out,
        "    fn from_channel(inner: ::fidl::AsyncChannel) -> Self {{ Self::new(inner) }}"
    );
    let _ = writeln!(
        out,
        "    fn into_channel(self) -> ::core::result::Result<::fidl::AsyncChannel, Self> {{ self.client.into_channel().map_err(|client| Self {{ client }}) }}"
    );
    let _ = writeln!(
        out,
        "    fn as_channel(&self) -> &::fidl::AsyncChannel {{ self.client.as_channel() }}\n}}"
    );
    let _ = writeln!(out, "impl {name}Proxy {{");
    let _ = writeln!(
        out,
        "    pub fn new(channel: ::fidl::AsyncChannel) -> Self {{ Self {{ client: ::fidl::client::Client::new(channel, <{marker} as ::fidl::endpoints::ProtocolMarker>::DEBUG_NAME) }} }}"
    );
    let _ = writeln!(
        out,
        "    pub fn take_event_stream(&self) -> {name}EventStream {{ {name}EventStream {{ event_receiver: self.client.take_event_receiver() }} }}"
    );
    for m in methods {
        let params = params_decl(&m.request.params(names));
        if !matches!(m.method.kind, MethodKind::Event) {
            doc(out, &m.method.attributes, "    ");
        }
        match m.method.kind {
            MethodKind::TwoWay => {
                let output = m.output(names);
                let _ = writeln!(
                    out,
                    "    pub fn {}(&self{params}) -> ::fidl::client::QueryResponseFut<{output}> {{",
                    m.rust
                );
                let _ = writeln!(
                    out,
                    "        self.client.send_query::<{}, {}, {output}>({}, {:#x}, {}, |resp| {})\n    }}",
                    m.request.marker(names),
                    m.response_marker(names),
                    m.request.build(names),
                    m.method.ordinal,
                    m.flags(),
                    m.decode_body(marker)
                );
            }
            MethodKind::OneWay => one_way_method(out, names, m, &params),
            MethodKind::Event => {}
        }
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "impl {name}ProxyInterface for {name}Proxy {{");
    for m in methods {
        let params = params_decl(&m.request.params(names));
        match m.method.kind {
            MethodKind::TwoWay => {
                let _ = writeln!(
                    out,
                    "    type {}ResponseFut = ::fidl::client::QueryResponseFut<{}>;",
                    m.camel,
                    m.output(names)
                );
                let _ = writeln!(
                    out,
                    "    fn {}(&self{params}) -> Self::{}ResponseFut {{ {name}Proxy::{}(self{}) }}",
                    m.rust,
                    m.camel,
                    m.rust,
                    call_args(m, names)
                );
            }
            MethodKind::OneWay => {
                let _ = writeln!(
                    out,
                    "    fn {}(&self{params}) -> ::core::result::Result<(), ::fidl::Error> {{ {name}Proxy::{}(self{}) }}",
                    m.rust,
                    m.rust,
                    call_args(m, names)
                );
            }
            MethodKind::Event => {}
        }
    }
    let _ = writeln!(out, "}}");
}

/// A one-way method of a proxy: the same on the async and the synchronous proxy, whose
/// clients both send without waiting.
fn one_way_method(out: &mut String, names: &TypeNames<'_>, m: &MethodInfo<'_>, params: &str) {
    let _ = writeln!(
        out,
        "    pub fn {}(&self{params}) -> ::core::result::Result<(), ::fidl::Error> {{",
        m.rust
    );
    let _ = writeln!(
        out,
        "        self.client.send::<{}>({}, {:#x}, {})\n    }}",
        m.request.marker(names),
        m.request.build(names),
        m.method.ordinal,
        m.flags()
    );
}

fn sync_proxy(
    out: &mut String,
    names: &TypeNames<'_>,
    name: &str,
    marker: &str,
    methods: &[MethodInfo<'_>],
) {
    let _ = writeln!(
        out,
        "#[derive(Debug)]\npub struct {name}SynchronousProxy {{ client: ::fidl::client::sync::Client }}"
    );
    let _ = writeln!(out, "impl ::fidl::endpoints::SynchronousProxy for {name}SynchronousProxy {{");
    let _ = writeln!(out, "    type Proxy = {name}Proxy;\n    type Protocol = {marker};");
    let _ =
        writeln!(out, "    fn from_channel(inner: ::fidl::Channel) -> Self {{ Self::new(inner) }}");
    let _ = writeln!(
        out,
        "    fn into_channel(self) -> ::fidl::Channel {{ self.client.into_channel() }}"
    );
    let _ = writeln!(
        out,
        "    fn as_channel(&self) -> &::fidl::Channel {{ self.client.as_channel() }}\n}}"
    );
    let _ = writeln!(out, "impl {name}SynchronousProxy {{");
    let _ = writeln!(
        out,
        "    pub fn new(channel: ::fidl::Channel) -> Self {{ Self {{ client: ::fidl::client::sync::Client::new(channel, <{marker} as ::fidl::endpoints::ProtocolMarker>::DEBUG_NAME) }} }}"
    );
    let _ = writeln!(
        out,
        "    pub fn into_channel(self) -> ::fidl::Channel {{ self.client.into_channel() }}"
    );
    let _ = writeln!(
        out,
        "    pub fn wait_for_event(&self, deadline: ::fidl::MonotonicInstant) -> ::core::result::Result<{name}Event, ::fidl::Error> {{ {name}Event::decode(self.client.wait_for_event(deadline)?) }}"
    );
    for m in methods {
        let params = params_decl(&m.request.params(names));
        if !matches!(m.method.kind, MethodKind::Event) {
            doc(out, &m.method.attributes, "    ");
        }
        match m.method.kind {
            MethodKind::TwoWay => {
                let _ = writeln!(
                    out,
                    "    pub fn {}(&self{params}, ___deadline: ::fidl::MonotonicInstant) -> ::core::result::Result<{}, ::fidl::Error> {{",
                    m.rust,
                    m.output(names)
                );
                let _ = writeln!(
                    out,
                    "        let resp = self.client.send_query::<{}, {}>({}, {:#x}, {}, ___deadline)?;\n        {}\n    }}",
                    m.request.marker(names),
                    m.response_marker(names),
                    m.request.build(names),
                    m.method.ordinal,
                    m.flags(),
                    m.decode_body(marker)
                );
            }
            MethodKind::OneWay => one_way_method(out, names, m, &params),
            MethodKind::Event => {}
        }
    }
    let _ = writeln!(out, "}}");
}

fn variant_decl(fields: &[(String, String, String)]) -> String {
    let inner: Vec<String> = fields.iter().map(|(n, t, _)| format!("{n}: {t}")).collect();
    inner.join(", ")
}

fn events(
    out: &mut String,
    names: &TypeNames<'_>,
    name: &str,
    dn: &str,
    openness: &str,
    methods: &[MethodInfo<'_>],
) {
    let events: Vec<&MethodInfo<'_>> =
        methods.iter().filter(|m| m.method.kind == MethodKind::Event).collect();
    let _ = writeln!(out, "#[derive(Debug)]\npub enum {name}Event {{");
    for m in &events {
        let fields = m.response.variant_fields(names, "p");
        let _ = writeln!(out, "    {} {{ {} }},", m.camel, variant_decl(&fields));
    }
    if openness != "Closed" {
        let _ = writeln!(out, "    #[non_exhaustive]\n    _UnknownEvent {{ ordinal: u64 }},");
    }
    let _ = writeln!(out, "}}\nimpl {name}Event {{");
    for m in &events {
        let fields = m.response.variant_fields(names, "p");
        let (ty, val) = match fields.len() {
            1 => (fields[0].1.clone(), fields[0].0.clone()),
            _ => (
                format!("({})", fields.iter().map(|f| f.1.clone()).collect::<Vec<_>>().join(", ")),
                format!("({})", fields.iter().map(|f| f.0.clone()).collect::<Vec<_>>().join(", ")),
            ),
        };
        let pattern: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
        let _ = writeln!(
            out,
            "    pub fn into_{}(self) -> ::core::option::Option<{ty}> {{ if let {name}Event::{} {{ {} }} = self {{ Some({val}) }} else {{ None }} }}",
            m.rust.trim_start_matches("r#"),
            m.camel,
            pattern.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "    fn decode(msg: {ENC}::IncomingMessage) -> ::core::result::Result<{name}Event, ::fidl::Error> {{"
    );
    let _ = writeln!(out, "        match msg.ordinal() {{");
    for m in &events {
        let fields = m.response.variant_fields(names, "p");
        let init: Vec<String> = fields.iter().map(|(n, _, v)| format!("{n}: {v}")).collect();
        let _ = writeln!(
            out,
            "            {:#x} => {{ let p = msg.decode_body::<{}>()?; let _ = &p; Ok({name}Event::{} {{ {} }}) }}",
            m.method.ordinal,
            m.response.marker(names),
            m.camel,
            init.join(", ")
        );
    }
    let unknown = if openness == "Closed" {
        format!(
            ".and_then(|ordinal| Err(::fidl::Error::UnknownOrdinal {{ ordinal, protocol_name: {dn} }}))"
        )
    } else {
        format!(".map(|ordinal| {name}Event::_UnknownEvent {{ ordinal }})")
    };
    let _ = writeln!(
        out,
        "            _ => ::fidl::client::unknown_event(msg, {ENC}::Openness::{openness}, {dn}){unknown},"
    );
    let _ = writeln!(out, "        }}\n    }}\n}}");
    let _ = writeln!(
        out,
        "pub struct {name}EventStream {{ event_receiver: ::fidl::client::EventReceiver }}"
    );
    let _ = writeln!(
        out,
        "impl ::std::fmt::Debug for {name}EventStream {{ fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{ f.write_str(\"{name}EventStream\") }} }}"
    );
    let _ = writeln!(out, "impl ::std::marker::Unpin for {name}EventStream {{}}");
    let _ = writeln!(out, "impl ::fidl::__codegen::futures::Stream for {name}EventStream {{");
    let _ = writeln!(out, "    type Item = ::core::result::Result<{name}Event, ::fidl::Error>;");
    let _ = writeln!(
        out,
        "    fn poll_next(mut self: ::std::pin::Pin<&mut Self>, cx: &mut ::std::task::Context<'_>) -> ::std::task::Poll<::core::option::Option<Self::Item>> {{"
    );
    let _ = writeln!(
        out,
        "        self.event_receiver.poll_next_event(cx).map(|o| o.map(|r| r.and_then({name}Event::decode)))\n    }}\n}}"
    );
    let _ = writeln!(
        out,
        "impl ::fidl::__codegen::futures::stream::FusedStream for {name}EventStream {{"
    );
    let _ = writeln!(
        out,
        "    fn is_terminated(&self) -> bool {{ self.event_receiver.is_terminated() }}\n}}"
    );
}

/// Emits `{name}RequestStream`, shaped as the in-tree template
/// (tools/fidl/fidlgen_rust/codegen/protocol.tmpl): it ends (`None`) once the
/// connection is shut down or the peer closed; a message it cannot serve (bad
/// header, txid not fitting the method, unknown strict ordinal, undecodable
/// body) is one `Err` item, after which the stream goes on reading, so the
/// server can still answer with an epitaph.
#[allow(clippy::too_many_arguments)]
fn request_stream(
    out: &mut String,
    names: &TypeNames<'_>,
    name: &str,
    marker: &str,
    dn: &str,
    openness: &str,
    kind: Openness,
    methods: &[MethodInfo<'_>],
) {
    let requests: Vec<&MethodInfo<'_>> =
        methods.iter().filter(|m| m.method.kind != MethodKind::Event).collect();
    let ch = format!("{name}ControlHandle");
    let _ = writeln!(
        out,
        "pub struct {name}RequestStream {{ inner: ::std::sync::Arc<::fidl::ServeInner>, is_terminated: bool }}"
    );
    let _ = writeln!(
        out,
        "impl ::std::fmt::Debug for {name}RequestStream {{ fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{ f.write_str(\"{name}RequestStream\") }} }}"
    );
    let _ = writeln!(out, "impl ::std::marker::Unpin for {name}RequestStream {{}}");
    let _ = writeln!(out, "impl ::fidl::endpoints::RequestStream for {name}RequestStream {{");
    let _ = writeln!(out, "    type Protocol = {marker};\n    type ControlHandle = {ch};");
    let _ = writeln!(
        out,
        "    fn from_channel(channel: ::fidl::AsyncChannel) -> Self {{ Self {{ inner: ::std::sync::Arc::new(::fidl::ServeInner::new(channel)), is_terminated: false }} }}"
    );
    let _ = writeln!(
        out,
        "    fn control_handle(&self) -> {ch} {{ {ch} {{ inner: self.inner.clone() }} }}"
    );
    let _ = writeln!(
        out,
        "    fn into_inner(self) -> (::std::sync::Arc<::fidl::ServeInner>, bool) {{ (self.inner, self.is_terminated) }}"
    );
    let _ = writeln!(
        out,
        "    fn from_inner(inner: ::std::sync::Arc<::fidl::ServeInner>, is_terminated: bool) -> Self {{ Self {{ inner, is_terminated }} }}\n}}"
    );
    let _ = writeln!(out, "impl ::fidl::__codegen::futures::Stream for {name}RequestStream {{");
    let _ = writeln!(out, "    type Item = ::core::result::Result<{name}Request, ::fidl::Error>;");
    let _ = writeln!(
        out,
        "    fn poll_next(mut self: ::std::pin::Pin<&mut Self>, cx: &mut ::std::task::Context<'_>) -> ::std::task::Poll<::core::option::Option<Self::Item>> {{"
    );
    let _ = writeln!(
        out,
        "        let this = &mut *self;
        if this.is_terminated {{ return ::std::task::Poll::Ready(None); }}
        let msg = match this.inner.poll_next_message(cx) {{
            ::std::task::Poll::Pending => return ::std::task::Poll::Pending,
            ::std::task::Poll::Ready(None) => {{ this.is_terminated = true; return ::std::task::Poll::Ready(None); }}
            ::std::task::Poll::Ready(Some(Err(e))) => return ::std::task::Poll::Ready(Some(Err(e))),
            ::std::task::Poll::Ready(Some(Ok(msg))) => msg,
        }};
        let control_handle = {ch} {{ inner: this.inner.clone() }};
        let result = match msg.ordinal() {{"
    );
    for m in &requests {
        let fields = m.request.variant_fields(names, "req");
        let init: Vec<String> = fields.iter().map(|(n, _, v)| format!("{n}: {v}, ")).collect();
        let init = init.concat();
        if m.method.kind == MethodKind::TwoWay {
            let _ = writeln!(
                out,
                "            {:#x} => this.inner.decode_two_way::<{}>(msg).map(|(req, reply)| {{ let _ = &req; {name}Request::{} {{ {init}responder: {name}{}Responder {{ control_handle, reply }} }} }}),",
                m.method.ordinal,
                m.request.marker(names),
                m.camel,
                m.camel
            );
        } else {
            let _ = writeln!(
                out,
                "            {:#x} => this.inner.decode_one_way::<{}>(msg).map(|req| {{ let _ = &req; {name}Request::{} {{ {init}control_handle }} }}),",
                m.method.ordinal,
                m.request.marker(names),
                m.camel
            );
        }
    }
    let unknown = if kind == Openness::Closed {
        format!(
            ".and_then(|(ordinal, _)| Err(::fidl::Error::UnknownOrdinal {{ ordinal, protocol_name: {dn} }}))"
        )
    } else {
        format!(
            ".map(|(ordinal, method_type)| {name}Request::_UnknownMethod {{ ordinal, control_handle, method_type }})"
        )
    };
    let _ = writeln!(
        out,
        "            _ => this.inner.unknown_method(msg, {ENC}::Openness::{openness}, {dn}){unknown},"
    );
    let _ =
        writeln!(out, "        }};\n        ::std::task::Poll::Ready(Some(result))\n    }}\n}}");
    let _ = writeln!(
        out,
        "impl ::fidl::__codegen::futures::stream::FusedStream for {name}RequestStream {{"
    );
    let _ = writeln!(out, "    fn is_terminated(&self) -> bool {{ self.is_terminated }}\n}}");

    let _ = writeln!(out, "#[derive(Debug)]\npub enum {name}Request {{");
    for m in &requests {
        doc(out, &m.method.attributes, "    ");
        let fields = m.request.variant_fields(names, "req");
        let tail = if m.method.kind == MethodKind::TwoWay {
            format!("responder: {name}{}Responder", m.camel)
        } else {
            format!("control_handle: {ch}")
        };
        let decl = variant_decl(&fields);
        let sep = if decl.is_empty() { "" } else { ", " };
        let _ = writeln!(out, "    {} {{ {decl}{sep}{tail} }},", m.camel);
    }
    if kind != Openness::Closed {
        let _ = writeln!(
            out,
            "    #[non_exhaustive]\n    _UnknownMethod {{ ordinal: u64, control_handle: {ch}, method_type: ::fidl::MethodType }},"
        );
    }
    let _ = writeln!(out, "}}\nimpl {name}Request {{");
    for m in &requests {
        let fields = m.request.variant_fields(names, "req");
        let (last_name, last_ty) = if m.method.kind == MethodKind::TwoWay {
            ("responder".to_string(), format!("{name}{}Responder", m.camel))
        } else {
            ("control_handle".to_string(), ch.clone())
        };
        let mut tys: Vec<String> = fields.iter().map(|f| f.1.clone()).collect();
        tys.push(last_ty);
        let mut vals: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
        vals.push(last_name);
        let (ty, val) = if tys.len() == 1 {
            (tys[0].clone(), vals[0].clone())
        } else {
            (format!("({})", tys.join(", ")), format!("({})", vals.join(", ")))
        };
        let _ = writeln!(
            out,
            "    pub fn into_{}(self) -> ::core::option::Option<{ty}> {{ if let {name}Request::{} {{ {} }} = self {{ Some({val}) }} else {{ None }} }}",
            m.rust.trim_start_matches("r#"),
            m.camel,
            vals.join(", ")
        );
    }
    let _ =
        writeln!(out, "    pub fn method_name(&self) -> &'static str {{\n        match *self {{");
    for m in &requests {
        let _ = writeln!(
            out,
            "            {name}Request::{} {{ .. }} => {:?},",
            m.camel, m.method.name
        );
    }
    if kind != Openness::Closed {
        let _ = writeln!(
            out,
            "            {name}Request::_UnknownMethod {{ method_type: ::fidl::MethodType::OneWay, .. }} => \"unknown one-way method\",\n            {name}Request::_UnknownMethod {{ method_type: ::fidl::MethodType::TwoWay, .. }} => \"unknown two-way method\","
        );
    }
    let _ = writeln!(out, "        }}\n    }}\n}}");
}

fn control_handle(out: &mut String, names: &TypeNames<'_>, name: &str, methods: &[MethodInfo<'_>]) {
    let ch = format!("{name}ControlHandle");
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone)]\npub struct {ch} {{ inner: ::std::sync::Arc<::fidl::ServeInner> }}"
    );
    let _ = writeln!(out, "impl ::fidl::endpoints::ControlHandle for {ch} {{");
    let _ = writeln!(out, "    fn shutdown(&self) {{ self.inner.shutdown() }}");
    let _ = writeln!(
        out,
        "    fn shutdown_with_epitaph(&self, status: ::fidl::Status) {{ self.inner.shutdown_with_epitaph(status) }}"
    );
    let _ = writeln!(out, "    fn is_closed(&self) -> bool {{ self.inner.is_closed() }}\n}}");
    let _ = writeln!(out, "impl {ch} {{");
    for m in methods.iter().filter(|m| m.method.kind == MethodKind::Event) {
        let params = params_decl(&m.response.params(names));
        let _ = writeln!(
            out,
            "    pub fn send_{}(&self{params}) -> ::core::result::Result<(), ::fidl::Error> {{ self.inner.send_event::<{}>({}, {:#x}, {}) }}",
            m.rust.trim_start_matches("r#"),
            m.response.marker(names),
            m.response.build(names),
            m.method.ordinal,
            m.flags()
        );
    }
    let _ = writeln!(out, "}}");
}

fn responders(out: &mut String, names: &TypeNames<'_>, name: &str, methods: &[MethodInfo<'_>]) {
    let ch = format!("{name}ControlHandle");
    for m in two_way(methods) {
        let r = format!("{name}{}Responder", m.camel);
        let _ = writeln!(
            out,
            "#[must_use = \"FIDL methods require a response to be sent\"]\n#[derive(Debug)]\npub struct {r} {{ control_handle: {ch}, reply: ::fidl::server::PendingReply }}"
        );
        let _ = writeln!(out, "impl ::fidl::endpoints::Responder for {r} {{");
        let _ = writeln!(out, "    type ControlHandle = {ch};");
        let _ = writeln!(out, "    fn control_handle(&self) -> &{ch} {{ &self.control_handle }}");
        let _ = writeln!(
            out,
            "    fn drop_without_shutdown(self) {{ self.reply.drop_without_shutdown() }}\n}}"
        );
        let (params, body) = m.reply(names);
        let marker = m.response_marker(names);
        let _ = writeln!(out, "impl {r} {{");
        let _ = writeln!(
            out,
            "    pub fn send(self{params}) -> ::core::result::Result<(), ::fidl::Error> {{ self.reply.send::<{marker}>({body}) }}"
        );
        let _ = writeln!(
            out,
            "    pub fn send_no_shutdown_on_err(self{params}) -> ::core::result::Result<(), ::fidl::Error> {{ self.reply.send_no_shutdown_on_err::<{marker}>({body}) }}"
        );
        let _ = writeln!(out, "}}");
    }
}

//! Collects every declaration of the parsed files into one registry, giving
//! anonymous (inline) layouts the names fidlc gives them and replacing each
//! inline layout by a reference to its generated name.
//!
//! Naming (fidlc's NamingContext): a layout written as the type of member
//! `foo_bar` is named `FooBar`; a method request or response written inline
//! is named `<Protocol><Method>Request` / `<Protocol><Method>Response` (an
//! event payload is a request: `...Request`; the success payload of a
//! method with a result union is `<Protocol>_<Method>_Response`);
//! `@generated_name("X")` overrides the name.

use std::collections::HashMap;
use std::rc::Rc;

use crate::ast::{self, Attribute, Constant, DeclKind, Literal, TypeCtor, TypeParam, TypeTarget};
use crate::error::{Error, Span};
use crate::ir::QualifiedName;

/// The `using` declarations of the file a declaration came from.
pub type FileScope = Rc<Vec<ast::Using>>;

#[derive(Clone, Debug)]
pub struct RawDecl {
    pub name: QualifiedName,
    pub span: Span,
    pub attributes: Vec<Attribute>,
    pub scope: FileScope,
    pub anonymous: bool,
    pub kind: RawKind,
}

#[derive(Clone, Debug)]
pub enum RawKind {
    Const { ty: TypeCtor, value: Constant },
    Alias { ty: TypeCtor },
    Layout(ast::Layout),
    Protocol { openness: Option<ast::Openness>, members: Vec<ast::ProtocolMember> },
    Resource { subtype: TypeCtor, properties: Vec<ast::ResourceProperty> },
    Service { members: Vec<ast::ServiceMember> },
}

/// All declarations of all libraries, in source order, with generated
/// layouts placed before the declaration that uses them.
#[derive(Default)]
pub struct Registry {
    pub decls: Vec<RawDecl>,
    pub index: HashMap<QualifiedName, usize>,
}

impl Registry {
    pub fn get(&self, name: &QualifiedName) -> Option<&RawDecl> {
        self.index.get(name).map(|&i| &self.decls[i])
    }

    fn insert(&mut self, decl: RawDecl, errors: &mut Vec<Error>) {
        if let Some(&existing) = self.index.get(&decl.name) {
            let previous = &self.decls[existing].span;
            errors.push(Error::new(
                &decl.span,
                format!(
                    "multiple declarations of '{}'; also declared at {previous}",
                    decl.name.name
                ),
            ));
            return;
        }
        self.index.insert(decl.name.clone(), self.decls.len());
        self.decls.push(decl);
    }

    /// Adds the declarations of one parsed file of library `library`.
    pub fn add_file(&mut self, library: &str, file: ast::File, errors: &mut Vec<Error>) {
        let scope: FileScope = Rc::new(file.usings);
        for decl in file.decls.into_iter().filter(|d| available_at_head(&d.attributes)) {
            let mut pending = Vec::new();
            let qualified = QualifiedName { library: library.to_string(), name: decl.name.clone() };
            let kind = match decl.kind {
                DeclKind::Const { ty, value } => RawKind::Const { ty, value },
                DeclKind::Alias { mut ty } => {
                    extract_in_ctor(&mut ty, &decl.name, &mut pending);
                    RawKind::Alias { ty }
                }
                DeclKind::Type { mut layout } => {
                    extract_in_layout(&mut layout, &mut pending);
                    RawKind::Layout(layout)
                }
                DeclKind::Protocol { openness, mut members } => {
                    members.retain(|m| match m {
                        ast::ProtocolMember::Method(method) => {
                            available_at_head(&method.attributes)
                        }
                        ast::ProtocolMember::Compose { .. } => true,
                    });
                    for member in &mut members {
                        if let ast::ProtocolMember::Method(m) = member {
                            extract_in_method(&decl.name, m, &mut pending);
                        }
                    }
                    RawKind::Protocol { openness, members }
                }
                DeclKind::Resource { subtype, properties } => {
                    RawKind::Resource { subtype, properties }
                }
                DeclKind::Service { members } => RawKind::Service { members },
            };
            for p in pending {
                self.insert(
                    RawDecl {
                        name: QualifiedName { library: library.to_string(), name: p.name },
                        span: p.layout.span.clone(),
                        attributes: p.attributes,
                        scope: scope.clone(),
                        anonymous: true,
                        kind: RawKind::Layout(p.layout),
                    },
                    errors,
                );
            }
            self.insert(
                RawDecl {
                    name: qualified,
                    span: decl.span,
                    attributes: decl.attributes,
                    scope: scope.clone(),
                    anonymous: false,
                    kind,
                },
                errors,
            );
        }
    }
}

struct PendingLayout {
    name: String,
    attributes: Vec<Attribute>,
    layout: ast::Layout,
}

/// `foo_bar` / `fooBar` / `FooBar` -> `FooBar`.
pub fn upper_camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper_next = true;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn generated_name(attributes: &[Attribute]) -> Option<String> {
    let attr = attributes.iter().find(|a| a.name == "generated_name")?;
    match &attr.args.first()?.value {
        Constant::Literal { value: Literal::Str(s), .. } => Some(s.clone()),
        _ => None,
    }
}

/// Libraries are compiled at version HEAD: an element whose `@available`
/// says `removed` or `replaced` no longer exists there.
fn available_at_head(attributes: &[Attribute]) -> bool {
    !attributes.iter().any(|a| {
        a.name == "available"
            && a.args.iter().any(|arg| matches!(arg.name.as_deref(), Some("removed" | "replaced")))
    })
}

fn extract_in_layout(layout: &mut ast::Layout, pending: &mut Vec<PendingLayout>) {
    layout.members.retain(|m| available_at_head(&m.attributes));
    for member in &mut layout.members {
        if let Some(ty) = &mut member.ty {
            extract_in_ctor(ty, &upper_camel(&member.name), pending);
        }
    }
}

/// Replaces an inline layout in `ty` (and in its parameters) by a reference
/// to a generated declaration named `context_name` (unless overridden).
fn extract_in_ctor(ty: &mut TypeCtor, context_name: &str, pending: &mut Vec<PendingLayout>) {
    for param in &mut ty.params {
        if let TypeParam::Type(inner) = param {
            extract_in_ctor(inner, context_name, pending);
        }
    }
    let span = ty.span.clone();
    let target = std::mem::replace(
        &mut ty.target,
        TypeTarget::Named(ast::CompoundName { parts: Vec::new(), span: span.clone() }),
    );
    ty.target = match target {
        TypeTarget::Layout { attributes, mut layout } => {
            let name = generated_name(&attributes).unwrap_or_else(|| context_name.to_string());
            extract_in_layout(&mut layout, pending);
            pending.push(PendingLayout { name: name.clone(), attributes, layout: *layout });
            TypeTarget::Named(ast::CompoundName { parts: vec![name], span })
        }
        named => named,
    };
}

fn extract_in_method(protocol: &str, method: &mut ast::Method, pending: &mut Vec<PendingLayout>) {
    let base = format!("{}{}", upper_camel(protocol), upper_camel(&method.name));
    let is_event = method.request.is_none();
    let has_result = !is_event && (method.error.is_some() || method.strict != Some(true));
    if let Some(Some(request)) = &mut method.request {
        extract_in_ctor(request, &format!("{base}Request"), pending);
    }
    if let Some(Some(response)) = &mut method.response {
        // Events are requests from the server's point of view. The success
        // payload of a result union keeps fidlc's older `P_M_Response` name.
        let name = if is_event {
            format!("{base}Request")
        } else if has_result {
            result_member_name(protocol, &method.name, "Response")
        } else {
            format!("{base}Response")
        };
        extract_in_ctor(response, &name, pending);
    }
    if let Some(error) = &mut method.error {
        extract_in_ctor(error, &result_member_name(protocol, &method.name, "Error"), pending);
    }
}

/// fidlc's names for a method's result union and its variants:
/// `<Protocol>_<Method>_{Result,Response,Error}`, names as written.
pub fn result_member_name(protocol: &str, method: &str, suffix: &str) -> String {
    format!("{protocol}_{method}_{suffix}")
}

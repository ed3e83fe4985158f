//! Turns the registry of raw declarations into resolved IR declarations.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::ast::{self, Constant, LayoutKind, Literal};
use crate::error::{Error, Span};
use crate::flatten::{RawDecl, RawKind, Registry, result_member_name};
use crate::ir::*;
use crate::ordinal::method_ordinal;
use crate::types::{Resolver, Scope};

/// Compiles every registry declaration; returns declarations grouped by
/// library (in registry order) or all errors found.
pub fn compile_all(registry: &Registry) -> Result<BTreeMap<String, Vec<Decl>>, Vec<Error>> {
    let mut resolver = Resolver::new(registry);
    let mut errors = Vec::new();
    let mut out: BTreeMap<String, Vec<Decl>> = BTreeMap::new();
    let mut protocols = ProtocolCache::default();
    for raw in &registry.decls {
        let mut generated = Vec::new();
        match compile_decl(&mut resolver, raw, &mut protocols, &mut generated) {
            Ok(Some(decl)) => {
                let list = out.entry(raw.name.library.clone()).or_default();
                list.extend(generated);
                list.push(decl);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

pub fn convert_attributes(attrs: &[ast::Attribute]) -> Attributes {
    Attributes(
        attrs
            .iter()
            .map(|a| Attribute {
                name: a.name.clone(),
                args: a
                    .args
                    .iter()
                    .map(|arg| {
                        (
                            arg.name.clone().unwrap_or_else(|| "value".to_string()),
                            attribute_value(&arg.value),
                        )
                    })
                    .collect(),
            })
            .collect(),
    )
}

/// Attribute arguments are kept untyped: strings, bools, numbers, or the
/// written text of a name.
fn attribute_value(c: &Constant) -> ConstValue {
    match c {
        Constant::Literal { value: Literal::Str(s), .. } => ConstValue::String(s.clone()),
        Constant::Literal { value: Literal::Bool(b), .. } => ConstValue::Bool(*b),
        Constant::Literal { value: Literal::Number(n), .. } => crate::consts::parse_integer(n)
            .map(ConstValue::Int)
            .or_else(|| n.parse().ok().map(ConstValue::Float))
            .unwrap_or_else(|| ConstValue::String(n.clone())),
        Constant::Name(n) => ConstValue::String(n.joined()),
        Constant::Or(a, b) => match (attribute_value(a), attribute_value(b)) {
            (ConstValue::String(a), ConstValue::String(b)) => {
                ConstValue::String(format!("{a} | {b}"))
            }
            (a, _) => a,
        },
    }
}

fn compile_decl(
    r: &mut Resolver<'_>,
    raw: &RawDecl,
    protocols: &mut ProtocolCache,
    generated: &mut Vec<Decl>,
) -> Result<Option<Decl>, Error> {
    let scope = Scope::of(raw);
    let attributes = convert_attributes(&raw.attributes);
    let name = raw.name.clone();
    Ok(Some(match &raw.kind {
        RawKind::Const { .. } => {
            let (ty, value) = r.const_decl(&name, &raw.span)?;
            Decl::Const(ConstDecl { name, attributes, ty, value })
        }
        RawKind::Alias { ty } => {
            let ty = r.resolve_type(ty, &scope)?;
            Decl::Alias(AliasDecl { name, attributes, ty })
        }
        RawKind::Layout(layout) => compile_layout(r, raw, layout, &scope, attributes)?,
        RawKind::Protocol { openness, .. } => {
            let methods = protocols.all_methods(r, &name, &raw.span, &mut Vec::new())?;
            let openness = match openness {
                None | Some(ast::Openness::Open) => Openness::Open,
                Some(ast::Openness::Ajar) => Openness::Ajar,
                Some(ast::Openness::Closed) => Openness::Closed,
            };
            check_openness(openness, &methods, &raw.span)?;
            check_ordinals(&methods, &raw.span)?;
            generated.extend(protocols.generated.remove(&name).unwrap_or_default());
            let discoverable_name = attributes.get("discoverable").map(|a| {
                a.args
                    .iter()
                    .find(|(k, _)| k == "name" || k == "value")
                    .and_then(|(_, v)| match v {
                        ConstValue::String(s) => Some(s.clone()),
                        _ => None,
                    })
                    .unwrap_or_else(|| format!("{}.{}", name.library, name.name))
            });
            Decl::Protocol(ProtocolDecl {
                methods: methods.into_iter().map(|m| m.method).collect(),
                name,
                attributes,
                openness,
                discoverable_name,
            })
        }
        RawKind::Resource { subtype, .. } => {
            let ty = r.resolve_type(subtype, &scope)?;
            if ty != Type::Primitive(PrimitiveType::Uint32) {
                return Err(Error::new(
                    &subtype.span,
                    "a resource definition must be backed by uint32",
                ));
            }
            return Ok(None);
        }
        RawKind::Service { members } => {
            for m in members {
                if !matches!(r.resolve_type(&m.ty, &scope)?, Type::Endpoint { server: false, .. }) {
                    return Err(Error::new(&m.ty.span, "service members must be client_end:P"));
                }
            }
            return Ok(None);
        }
    }))
}

fn duplicate_check<'a>(
    names: impl Iterator<Item = (&'a str, &'a Span)>,
    what: &str,
) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for (n, span) in names {
        if !seen.insert(n.to_string()) {
            return Err(Error::new(span, format!("multiple {what} named '{n}'")));
        }
    }
    Ok(())
}

fn compile_layout(
    r: &mut Resolver<'_>,
    raw: &RawDecl,
    layout: &ast::Layout,
    scope: &Scope,
    attributes: Attributes,
) -> Result<Decl, Error> {
    let name = raw.name.clone();
    let members: Vec<&ast::LayoutMember> = layout.members.iter().filter(|m| !m.reserved).collect();
    duplicate_check(members.iter().map(|m| (m.name.as_str(), &m.span)), "members")?;
    let mut ordinals = HashSet::new();
    for m in &layout.members {
        if let Some(o) = m.ordinal {
            if !ordinals.insert(o) {
                return Err(Error::new(&m.span, format!("multiple members with ordinal {o}")));
            }
            if layout.kind == LayoutKind::Table && o > 64 {
                return Err(Error::new(
                    &m.span,
                    format!("table ordinal {o} exceeds the maximum of 64"),
                ));
            }
        }
    }
    let strict = layout.strict.unwrap_or(false);
    let mut typed = Vec::new();
    for m in &members {
        if let Some(ctor) = &m.ty {
            let ty = r.resolve_type(ctor, scope)?;
            if ty.is_optional() && matches!(layout.kind, LayoutKind::Table | LayoutKind::Union) {
                return Err(Error::new(
                    &ctor.span,
                    format!("{} members cannot be optional", layout.kind.keyword()),
                ));
            }
            if !layout.resource && is_resource(r.registry, &ty) {
                return Err(Error::new(
                    &m.span,
                    format!(
                        "'{}' may contain handles (due to member '{}'), so it must be declared with the `resource` modifier",
                        name.name, m.name
                    ),
                ));
            }
            typed.push((*m, ty));
        }
    }
    if let Some(m) = members.iter().find(|m| {
        m.value.is_some()
            && layout.kind == LayoutKind::Struct
            && !m.attributes.iter().any(|a| a.name == "allow_deprecated_struct_defaults")
    }) {
        return Err(Error::new(
            &m.span,
            "struct member defaults are deprecated (allowed only with @allow_deprecated_struct_defaults)",
        ));
    }
    Ok(match layout.kind {
        LayoutKind::Struct => Decl::Struct(StructDecl {
            name,
            attributes,
            resource: layout.resource,
            anonymous: raw.anonymous,
            members: typed
                .into_iter()
                .map(|(m, ty)| StructMember {
                    name: m.name.clone(),
                    attributes: convert_attributes(&m.attributes),
                    ty,
                    offset: 0,
                })
                .collect(),
            shape: TypeShape::default(),
        }),
        LayoutKind::Table => {
            let mut members: Vec<TableMember> = typed
                .into_iter()
                .map(|(m, ty)| TableMember {
                    ordinal: m.ordinal.expect("table members have ordinals"),
                    name: m.name.clone(),
                    attributes: convert_attributes(&m.attributes),
                    ty,
                })
                .collect();
            members.sort_by_key(|m| m.ordinal);
            Decl::Table(TableDecl {
                name,
                attributes,
                resource: layout.resource,
                anonymous: raw.anonymous,
                members,
                shape: TypeShape::default(),
            })
        }
        LayoutKind::Union => {
            if strict && typed.is_empty() {
                return Err(Error::new(&raw.span, "strict union must have at least one member"));
            }
            let mut members: Vec<UnionMember> = typed
                .into_iter()
                .map(|(m, ty)| UnionMember {
                    ordinal: m.ordinal.expect("union members have ordinals"),
                    name: m.name.clone(),
                    attributes: convert_attributes(&m.attributes),
                    ty,
                })
                .collect();
            members.sort_by_key(|m| m.ordinal);
            Decl::Union(UnionDecl {
                name,
                attributes,
                strict,
                resource: layout.resource,
                anonymous: raw.anonymous,
                is_result: false,
                members,
                shape: TypeShape::default(),
            })
        }
        LayoutKind::Enum | LayoutKind::Bits => {
            compile_enum_or_bits(r, raw, layout, strict, attributes)?
        }
    })
}

fn compile_enum_or_bits(
    r: &mut Resolver<'_>,
    raw: &RawDecl,
    layout: &ast::Layout,
    strict: bool,
    attributes: Attributes,
) -> Result<Decl, Error> {
    let name = raw.name.clone();
    let subtype = r.underlying(&name)?;
    let values = r.member_values(&name, &raw.span)?;
    let mut seen = HashMap::new();
    for (m, (_, v)) in layout.members.iter().zip(&values) {
        if let Some(other) = seen.insert(*v, m.name.clone()) {
            return Err(Error::new(
                &m.span,
                format!(
                    "value of member '{}' conflicts with previously declared member '{other}'",
                    m.name
                ),
            ));
        }
    }
    if strict && values.is_empty() {
        return Err(Error::new(
            &raw.span,
            format!("strict {} must have at least one member", layout.kind.keyword()),
        ));
    }
    if layout.kind == LayoutKind::Enum {
        let unknown_value = layout
            .members
            .iter()
            .zip(&values)
            .find(|(m, _)| m.attributes.iter().any(|a| a.name == "unknown"))
            .map(|(_, (_, v))| *v)
            .unwrap_or_else(|| subtype.integer_range().expect("integer").1);
        return Ok(Decl::Enum(EnumDecl {
            name,
            attributes,
            strict,
            anonymous: raw.anonymous,
            subtype,
            members: layout
                .members
                .iter()
                .zip(values)
                .map(|(m, (_, value))| EnumMember {
                    name: m.name.clone(),
                    attributes: convert_attributes(&m.attributes),
                    value,
                })
                .collect(),
            unknown_value,
        }));
    }
    let mut mask = 0u64;
    let mut members = Vec::new();
    for (m, (_, v)) in layout.members.iter().zip(values) {
        let value = v as u64;
        if value == 0 || !value.is_power_of_two() {
            return Err(Error::new(
                &m.span,
                format!("bits member '{}' must be a power of two", m.name),
            ));
        }
        mask |= value;
        members.push(BitsMember {
            name: m.name.clone(),
            attributes: convert_attributes(&m.attributes),
            value,
        });
    }
    Ok(Decl::Bits(BitsDecl {
        name,
        attributes,
        strict,
        anonymous: raw.anonymous,
        subtype,
        members,
        mask,
    }))
}

/// Whether values of `ty` may hold handles.
pub fn is_resource(registry: &Registry, ty: &Type) -> bool {
    match ty {
        Type::Handle { .. } | Type::Endpoint { .. } => true,
        Type::Vector { element, .. } | Type::Array { element, .. } => {
            is_resource(registry, element)
        }
        Type::Struct { name, .. } | Type::Table { name } | Type::Union { name, .. } => {
            matches!(registry.get(name).map(|d| &d.kind), Some(RawKind::Layout(l)) if l.resource)
        }
        _ => false,
    }
}

fn check_openness(
    openness: Openness,
    methods: &[CompiledMethod],
    span: &Span,
) -> Result<(), Error> {
    for m in methods {
        let method = &m.method;
        if method.strict {
            continue;
        }
        let forbidden = match openness {
            Openness::Open => false,
            Openness::Ajar => method.kind == MethodKind::TwoWay,
            Openness::Closed => true,
        };
        if forbidden {
            let what = match openness {
                Openness::Ajar => "ajar",
                _ => "closed",
            };
            return Err(Error::new(
                if m.span.line == 0 { span } else { &m.span },
                format!("flexible method '{}' is not allowed in a {what} protocol", method.name),
            ));
        }
    }
    Ok(())
}

fn check_ordinals(methods: &[CompiledMethod], span: &Span) -> Result<(), Error> {
    let mut seen: HashMap<u64, &str> = HashMap::new();
    let mut names = HashSet::new();
    for m in methods {
        if !names.insert(m.method.name.as_str()) {
            return Err(Error::new(&m.span, format!("multiple methods named '{}'", m.method.name)));
        }
        if let Some(other) = seen.insert(m.method.ordinal, &m.method.name) {
            return Err(Error::new(
                if m.span.line == 0 { span } else { &m.span },
                format!("method '{}' has the same ordinal as method '{other}'", m.method.name),
            ));
        }
    }
    Ok(())
}

#[derive(Clone)]
struct CompiledMethod {
    method: Method,
    span: Span,
}

/// Each protocol's own methods, compiled once; composition copies them.
#[derive(Default)]
struct ProtocolCache {
    own: HashMap<QualifiedName, Vec<CompiledMethod>>,
    /// Result unions and empty success structs, held until the owning
    /// protocol declaration is emitted.
    generated: HashMap<QualifiedName, Vec<Decl>>,
}

impl ProtocolCache {
    fn all_methods(
        &mut self,
        r: &mut Resolver<'_>,
        name: &QualifiedName,
        span: &Span,
        stack: &mut Vec<QualifiedName>,
    ) -> Result<Vec<CompiledMethod>, Error> {
        if stack.contains(name) {
            return Err(Error::new(span, format!("protocol '{}' composes itself", name.name)));
        }
        let raw = r.registry.get(name).expect("protocol exists").clone();
        let RawKind::Protocol { members, .. } = &raw.kind else { unreachable!("not a protocol") };
        let scope = Scope::of(&raw);
        let mut methods = self.own_methods(r, &raw, members, &scope)?;
        stack.push(name.clone());
        for member in members {
            if let ast::ProtocolMember::Compose { name: composed, .. } = member {
                let target = r
                    .lookup(&composed.parts, &scope)
                    .filter(|q| {
                        matches!(r.registry.get(q).map(|d| &d.kind), Some(RawKind::Protocol { .. }))
                    })
                    .ok_or_else(|| {
                        Error::new(
                            &composed.span,
                            format!("unknown protocol '{}'", composed.joined()),
                        )
                    })?;
                methods.extend(self.all_methods(r, &target, &composed.span, stack)?);
            }
        }
        stack.pop();
        Ok(methods)
    }

    fn own_methods(
        &mut self,
        r: &mut Resolver<'_>,
        raw: &RawDecl,
        members: &[ast::ProtocolMember],
        scope: &Scope,
    ) -> Result<Vec<CompiledMethod>, Error> {
        if let Some(m) = self.own.get(&raw.name) {
            return Ok(m.clone());
        }
        let mut out = Vec::new();
        let mut generated = Vec::new();
        for member in members {
            let ast::ProtocolMember::Method(m) = member else {
                continue;
            };
            out.push(compile_method(r, raw, m, scope, &mut generated)?);
        }
        self.own.insert(raw.name.clone(), out.clone());
        self.generated.insert(raw.name.clone(), generated);
        Ok(out)
    }
}

fn payload_type(
    r: &mut Resolver<'_>,
    ctor: &Option<ast::TypeCtor>,
    scope: &Scope,
) -> Result<Option<Type>, Error> {
    let Some(ctor) = ctor else { return Ok(None) };
    let ty = r.resolve_type(ctor, scope)?;
    match &ty {
        Type::Struct { boxed: false, .. }
        | Type::Table { .. }
        | Type::Union { optional: false, .. } => Ok(Some(ty)),
        _ => Err(Error::new(
            &ctor.span,
            "method payload must be a struct, table or union (not optional)",
        )),
    }
}

fn compile_method(
    r: &mut Resolver<'_>,
    raw: &RawDecl,
    m: &ast::Method,
    scope: &Scope,
    generated: &mut Vec<Decl>,
) -> Result<CompiledMethod, Error> {
    let attributes = convert_attributes(&m.attributes);
    let strict = m.strict.unwrap_or(false);
    let kind = match (&m.request, &m.response) {
        (None, _) => MethodKind::Event,
        (Some(_), None) => MethodKind::OneWay,
        (Some(_), Some(_)) => MethodKind::TwoWay,
    };
    if kind == MethodKind::Event && m.error.is_some() {
        return Err(Error::new(&m.span, "events cannot have an error type"));
    }
    let request = match &m.request {
        Some(ctor) => payload_type(r, ctor, scope)?,
        None => None,
    };
    let response = match &m.response {
        Some(ctor) => payload_type(r, ctor, scope)?,
        None => None,
    };
    let selector = attributes.string_arg("selector").unwrap_or(&m.name).to_string();
    let ordinal = method_ordinal(&raw.name.library, &raw.name.name, &selector);
    let mut result = None;
    if kind == MethodKind::TwoWay && (m.error.is_some() || !strict) {
        let library = raw.name.library.clone();
        let success = match &response {
            Some(t) => t.clone(),
            None => {
                let empty = QualifiedName {
                    library: library.clone(),
                    name: result_member_name(&raw.name.name, &m.name, "Response"),
                };
                if r.registry.get(&empty).is_some() {
                    return Err(Error::new(
                        &m.span,
                        format!("multiple declarations of '{}'", empty.name),
                    ));
                }
                generated.push(Decl::Struct(StructDecl {
                    name: empty.clone(),
                    attributes: Attributes::default(),
                    resource: false,
                    anonymous: true,
                    members: Vec::new(),
                    shape: TypeShape::default(),
                }));
                Type::Struct { name: empty, boxed: false }
            }
        };
        let error = match &m.error {
            Some(ctor) => {
                let ty = r.resolve_type(ctor, scope)?;
                let ok = match &ty {
                    Type::Primitive(PrimitiveType::Int32 | PrimitiveType::Uint32) => true,
                    Type::Enum { name } => {
                        matches!(r.underlying(name)?, PrimitiveType::Int32 | PrimitiveType::Uint32)
                    }
                    _ => false,
                };
                if !ok {
                    return Err(Error::new(
                        &ctor.span,
                        "error type must be an int32, uint32 or an enum of one",
                    ));
                }
                Some(ty)
            }
            None => None,
        };
        let union_name =
            QualifiedName { library, name: result_member_name(&raw.name.name, &m.name, "Result") };
        if r.registry.get(&union_name).is_some() {
            return Err(Error::new(
                &m.span,
                format!("multiple declarations of '{}'", union_name.name),
            ));
        }
        let mut members = vec![UnionMember {
            ordinal: 1,
            name: "response".to_string(),
            attributes: Attributes::default(),
            ty: success.clone(),
        }];
        if let Some(e) = &error {
            members.push(UnionMember {
                ordinal: 2,
                name: "err".to_string(),
                attributes: Attributes::default(),
                ty: e.clone(),
            });
        }
        if !strict {
            members.push(UnionMember {
                ordinal: 3,
                name: "framework_err".to_string(),
                attributes: Attributes::default(),
                ty: Type::FrameworkError,
            });
        }
        generated.push(Decl::Union(UnionDecl {
            name: union_name.clone(),
            attributes: Attributes::default(),
            strict: true,
            resource: is_resource(r.registry, &success),
            anonymous: true,
            is_result: true,
            members,
            shape: TypeShape::default(),
        }));
        result = Some(MethodResult { union_name, success, error, framework_error: !strict });
    }
    Ok(CompiledMethod {
        method: Method {
            name: m.name.clone(),
            attributes,
            ordinal,
            strict,
            kind,
            request,
            response,
            result,
        },
        span: m.span.clone(),
    })
}

//! Name lookup, type constructor resolution and constant evaluation over the
//! registry of all declarations.

use std::collections::{HashMap, HashSet};

use crate::ast::{self, Constant, TypeCtor, TypeParam, TypeTarget};
use crate::consts::{check_range, is_optional_marker, literal_value, type_label};
use crate::error::{Error, Span};
use crate::flatten::{FileScope, RawDecl, RawKind, Registry};
use crate::ir::{ConstValue, PrimitiveType, QualifiedName, SAME_RIGHTS, Type};

/// Where a name is looked up: the library and the `using`s of one file.
#[derive(Clone)]
pub struct Scope {
    pub library: String,
    pub usings: FileScope,
}

impl Scope {
    pub fn of(decl: &RawDecl) -> Self {
        Scope { library: decl.name.library.clone(), usings: decl.scope.clone() }
    }
}

/// Resolves types and constants on demand, memoizing aliases, constants and
/// enum/bits member values. Single-threaded; owned by one compilation.
pub struct Resolver<'r> {
    pub registry: &'r Registry,
    aliases: HashMap<QualifiedName, Type>,
    consts: HashMap<QualifiedName, (Type, ConstValue)>,
    members: HashMap<QualifiedName, Vec<(String, i128)>>,
    in_progress: HashSet<QualifiedName>,
}

const BUILTINS: [&str; 6] = ["string", "vector", "array", "box", "client_end", "server_end"];

impl<'r> Resolver<'r> {
    pub fn new(registry: &'r Registry) -> Self {
        Resolver {
            registry,
            aliases: HashMap::new(),
            consts: HashMap::new(),
            members: HashMap::new(),
            in_progress: HashSet::new(),
        }
    }

    /// Finds the declaration a (possibly library-qualified) name refers to.
    pub fn lookup(&self, parts: &[String], scope: &Scope) -> Option<QualifiedName> {
        let (last, prefix) = parts.split_last()?;
        let library = if prefix.is_empty() {
            scope.library.clone()
        } else {
            let prefix = prefix.join(".");
            if prefix == scope.library {
                prefix
            } else {
                scope
                    .usings
                    .iter()
                    .find(|u| u.alias.as_deref() == Some(&prefix) || u.library.joined() == prefix)
                    .map(|u| u.library.joined())?
            }
        };
        let name = QualifiedName { library, name: last.clone() };
        self.registry.get(&name).map(|_| name)
    }

    fn cycle_error(&self, span: &Span, name: &QualifiedName) -> Error {
        Error::new(span, format!("there is an includes-cycle in declaration '{}'", name.name))
    }

    /// Resolves a type constructor to a type.
    pub fn resolve_type(&mut self, ctor: &TypeCtor, scope: &Scope) -> Result<Type, Error> {
        let name = match &ctor.target {
            TypeTarget::Named(n) => n,
            TypeTarget::Layout { .. } => {
                return Err(Error::new(&ctor.span, "unexpected inline layout"));
            }
        };
        let found = self.lookup(&name.parts, scope);
        let Some(qualified) = found else {
            if name.parts.len() == 1 {
                let word = name.parts[0].as_str();
                if let Some(p) = PrimitiveType::from_fidl_name(word) {
                    self.no_params(ctor, word)?;
                    return self.apply_constraints(Type::Primitive(p), ctor, scope);
                }
                if BUILTINS.contains(&word) {
                    return self.resolve_builtin(word, ctor, scope);
                }
            }
            return Err(Error::new(&name.span, format!("unknown type '{}'", name.joined())));
        };
        let decl = self.registry.get(&qualified).expect("looked-up name exists");
        self.no_params(ctor, &name.joined())?;
        let base = match &decl.kind {
            RawKind::Layout(layout) => match layout.kind {
                ast::LayoutKind::Struct => Type::Struct { name: qualified, boxed: false },
                ast::LayoutKind::Table => Type::Table { name: qualified },
                ast::LayoutKind::Union => Type::Union { name: qualified, optional: false },
                ast::LayoutKind::Enum => Type::Enum { name: qualified },
                ast::LayoutKind::Bits => Type::Bits { name: qualified },
            },
            RawKind::Alias { .. } => self.alias_type(&qualified, &name.span)?,
            RawKind::Resource { .. } => Type::Handle {
                resource: qualified,
                object_type: 0,
                rights: SAME_RIGHTS,
                optional: false,
            },
            RawKind::Protocol { .. } => {
                return Err(Error::new(
                    &name.span,
                    format!(
                        "protocol '{}' cannot be used as a type; use client_end:{0} or server_end:{0}",
                        name.joined()
                    ),
                ));
            }
            RawKind::Const { .. } | RawKind::Service { .. } => {
                return Err(Error::new(&name.span, format!("'{}' is not a type", name.joined())));
            }
        };
        self.apply_constraints(base, ctor, scope)
    }

    fn no_params(&self, ctor: &TypeCtor, what: &str) -> Result<(), Error> {
        if ctor.params.is_empty() {
            Ok(())
        } else {
            Err(Error::new(&ctor.span, format!("'{what}' does not accept layout parameters")))
        }
    }

    fn alias_type(&mut self, name: &QualifiedName, span: &Span) -> Result<Type, Error> {
        if let Some(t) = self.aliases.get(name) {
            return Ok(t.clone());
        }
        if !self.in_progress.insert(name.clone()) {
            return Err(self.cycle_error(span, name));
        }
        let decl = self.registry.get(name).expect("alias exists");
        let RawKind::Alias { ty } = &decl.kind else { unreachable!("alias_type on non-alias") };
        let scope = Scope::of(decl);
        let resolved = self.resolve_type(&ty.clone(), &scope);
        self.in_progress.remove(name);
        let resolved = resolved?;
        self.aliases.insert(name.clone(), resolved.clone());
        Ok(resolved)
    }

    fn type_param<'c>(
        &self,
        ctor: &'c TypeCtor,
        index: usize,
        what: &str,
    ) -> Result<&'c TypeCtor, Error> {
        match ctor.params.get(index) {
            Some(TypeParam::Type(t)) => Ok(t),
            Some(TypeParam::Const(c)) => Err(Error::new(
                c.span(),
                format!("'{what}' expects a type as layout parameter {}", index + 1),
            )),
            None => Err(Error::new(&ctor.span, format!("'{what}' expects a layout parameter"))),
        }
    }

    fn resolve_builtin(
        &mut self,
        word: &str,
        ctor: &TypeCtor,
        scope: &Scope,
    ) -> Result<Type, Error> {
        let expect_params = |n: usize| {
            if ctor.params.len() == n {
                Ok(())
            } else {
                Err(Error::new(
                    &ctor.span,
                    format!(
                        "'{word}' expects {n} layout parameter(s), but got {}",
                        ctor.params.len()
                    ),
                ))
            }
        };
        match word {
            "string" => {
                expect_params(0)?;
                self.apply_constraints(Type::String { max_len: None, optional: false }, ctor, scope)
            }
            "vector" => {
                expect_params(1)?;
                let element = self.resolve_type(self.type_param(ctor, 0, word)?, scope)?;
                let base =
                    Type::Vector { element: Box::new(element), max_len: None, optional: false };
                self.apply_constraints(base, ctor, scope)
            }
            "array" => {
                expect_params(2)?;
                let element = self.resolve_type(self.type_param(ctor, 0, word)?, scope)?;
                let size = match &ctor.params[1] {
                    TypeParam::Const(c) => c.clone(),
                    TypeParam::Type(t) => ctor_as_constant(t)?,
                };
                let len = self.eval_bound(&size, scope)?;
                if len == 0 {
                    return Err(Error::new(size.span(), "array size must be at least 1"));
                }
                if !ctor.constraints.is_empty() {
                    return Err(Error::new(&ctor.span, "'array' cannot have constraints"));
                }
                Ok(Type::Array { element: Box::new(element), len })
            }
            "box" => {
                expect_params(1)?;
                let inner = self.resolve_type(self.type_param(ctor, 0, word)?, scope)?;
                let Type::Struct { name, boxed: false } = inner else {
                    return Err(Error::new(
                        &ctor.span,
                        format!("only structs can be boxed, not {}", type_label(&inner)),
                    ));
                };
                for c in &ctor.constraints {
                    if !is_optional_marker(c) {
                        return Err(Error::new(
                            c.span(),
                            "'box' only accepts the 'optional' constraint",
                        ));
                    }
                }
                Ok(Type::Struct { name, boxed: true })
            }
            _ => {
                expect_params(0)?;
                let server = word == "server_end";
                let Some((first, rest)) = ctor.constraints.split_first() else {
                    return Err(Error::new(
                        &ctor.span,
                        format!("'{word}' requires a protocol constraint"),
                    ));
                };
                let protocol = self.constraint_protocol(first, scope)?;
                let optional = self.optional_only(rest, word)?;
                Ok(Type::Endpoint { server, protocol, optional })
            }
        }
    }

    fn constraint_protocol(&self, c: &Constant, scope: &Scope) -> Result<QualifiedName, Error> {
        let Constant::Name(n) = c else {
            return Err(Error::new(c.span(), "expected a protocol name"));
        };
        let name = self
            .lookup(&n.parts, scope)
            .ok_or_else(|| Error::new(&n.span, format!("unknown protocol '{}'", n.joined())))?;
        match self.registry.get(&name).map(|d| &d.kind) {
            Some(RawKind::Protocol { .. }) => Ok(name),
            _ => Err(Error::new(&n.span, format!("'{}' is not a protocol", n.joined()))),
        }
    }

    fn optional_only(&self, constraints: &[Constant], what: &str) -> Result<bool, Error> {
        match constraints {
            [] => Ok(false),
            [c] if is_optional_marker(c) => Ok(true),
            [c, ..] => Err(Error::new(c.span(), format!("invalid constraint for '{what}'"))),
        }
    }

    /// Applies `ctor`'s constraints on top of an already resolved type (a
    /// builtin or an alias target).
    fn apply_constraints(
        &mut self,
        base: Type,
        ctor: &TypeCtor,
        scope: &Scope,
    ) -> Result<Type, Error> {
        let constraints = &ctor.constraints;
        if constraints.is_empty() {
            return Ok(base);
        }
        let label = type_label(&base);
        let too_many =
            |c: &Constant| Error::new(c.span(), format!("too many constraints for '{label}'"));
        match base {
            Type::String { mut max_len, mut optional } => {
                self.bound_and_optional(constraints, &mut max_len, &mut optional, &label, scope)?;
                Ok(Type::String { max_len, optional })
            }
            Type::Vector { element, mut max_len, mut optional } => {
                self.bound_and_optional(constraints, &mut max_len, &mut optional, &label, scope)?;
                Ok(Type::Vector { element, max_len, optional })
            }
            Type::Union { name, .. } => {
                let optional = self.optional_only(constraints, &label)?;
                Ok(Type::Union { name, optional })
            }
            Type::Endpoint { server, protocol, .. } => {
                let optional = self.optional_only(constraints, &label)?;
                Ok(Type::Endpoint { server, protocol, optional })
            }
            Type::Struct { name, boxed: true } => {
                self.optional_only(constraints, &label)?;
                Ok(Type::Struct { name, boxed: true })
            }
            Type::Struct { name, .. }
                if constraints.len() == 1 && is_optional_marker(&constraints[0]) =>
            {
                let short = &name.name;
                Err(Error::new(
                    constraints[0].span(),
                    format!("struct '{short}' cannot be optional; use box<{short}> instead"),
                ))
            }
            Type::Handle { resource, mut object_type, mut rights, mut optional } => {
                let (subtype_ty, rights_ty) = self.resource_properties(&resource)?;
                for (i, c) in constraints.iter().enumerate() {
                    if is_optional_marker(c) {
                        if i + 1 != constraints.len() {
                            return Err(Error::new(
                                c.span(),
                                "'optional' must be the last constraint",
                            ));
                        }
                        optional = true;
                        continue;
                    }
                    match i {
                        0 => object_type = self.eval_subtype(c, &subtype_ty, scope)?,
                        1 => rights = self.eval_int(c, &rights_ty, scope)? as u32,
                        _ => return Err(too_many(c)),
                    }
                }
                Ok(Type::Handle { resource, object_type, rights, optional })
            }
            other => Err(Error::new(
                constraints[0].span(),
                format!("'{}' cannot have constraints", type_label(&other)),
            )),
        }
    }

    fn bound_and_optional(
        &mut self,
        constraints: &[Constant],
        max_len: &mut Option<u32>,
        optional: &mut bool,
        label: &str,
        scope: &Scope,
    ) -> Result<(), Error> {
        let scope_err =
            |c: &Constant| Error::new(c.span(), format!("too many constraints for '{label}'"));
        if constraints.len() > 2 {
            return Err(scope_err(&constraints[2]));
        }
        for (i, c) in constraints.iter().enumerate() {
            if is_optional_marker(c) {
                if i + 1 != constraints.len() {
                    return Err(Error::new(c.span(), "'optional' must be the last constraint"));
                }
                *optional = true;
            } else if i == 0 {
                *max_len = Some(self.eval_bound(c, scope)?);
            } else {
                return Err(Error::new(c.span(), format!("invalid constraint for '{label}'")));
            }
        }
        Ok(())
    }

    /// The subtype enum and rights bits types of a resource definition.
    fn resource_properties(&mut self, resource: &QualifiedName) -> Result<(Type, Type), Error> {
        let decl = self.registry.get(resource).expect("resource exists");
        let RawKind::Resource { properties, .. } = &decl.kind else {
            unreachable!("not a resource")
        };
        let scope = Scope::of(decl);
        let span = decl.span.clone();
        let properties = properties.clone();
        let find = |name: &str| {
            properties.iter().find(|p| p.name == name).ok_or_else(|| {
                Error::new(&span, format!("resource definition lacks property '{name}'"))
            })
        };
        let subtype = self.resolve_type(&find("subtype")?.ty, &scope)?;
        let rights = match find("rights") {
            Ok(p) => self.resolve_type(&p.ty, &scope)?,
            Err(_) => Type::Primitive(PrimitiveType::Uint32),
        };
        Ok((subtype, rights))
    }

    fn eval_subtype(
        &mut self,
        c: &Constant,
        subtype_ty: &Type,
        scope: &Scope,
    ) -> Result<u32, Error> {
        if let (Constant::Name(n), Type::Enum { name }) = (c, subtype_ty)
            && n.parts.len() == 1
        {
            let members = self.member_values(name, &n.span)?;
            return members
                .iter()
                .find(|(m, _)| *m == n.parts[0])
                .map(|(_, v)| *v as u32)
                .ok_or_else(|| {
                    Error::new(&n.span, format!("unknown handle subtype '{}'", n.parts[0]))
                });
        }
        Ok(self.eval_int(c, subtype_ty, scope)? as u32)
    }

    fn eval_int(&mut self, c: &Constant, ty: &Type, scope: &Scope) -> Result<i128, Error> {
        match self.eval_const(c, ty, scope)? {
            ConstValue::Int(v) => Ok(v),
            _ => Err(Error::new(c.span(), "expected an integer constant")),
        }
    }

    /// A size bound: a uint32 constant.
    fn eval_bound(&mut self, c: &Constant, scope: &Scope) -> Result<u32, Error> {
        let v = self.eval_int(c, &Type::Primitive(PrimitiveType::Uint64), scope)?;
        u32::try_from(v)
            .map_err(|_| Error::new(c.span(), format!("bound {v} exceeds the uint32 range")))
    }

    /// The integer subtype of an enum or bits declaration.
    pub fn underlying(&mut self, name: &QualifiedName) -> Result<PrimitiveType, Error> {
        let decl = self.registry.get(name).expect("declaration exists");
        let RawKind::Layout(layout) = &decl.kind else { unreachable!("not a layout") };
        let Some(subtype) = layout.subtype.clone() else {
            return Ok(PrimitiveType::Uint32);
        };
        let scope = Scope::of(decl);
        let bits = layout.kind == ast::LayoutKind::Bits;
        match self.resolve_type(&subtype, &scope)? {
            Type::Primitive(p) if p.is_integer() && (!bits || !p.is_signed()) => Ok(p),
            other => Err(Error::new(
                &subtype.span,
                format!(
                    "{} must be backed by an {}integer type, not {}",
                    layout.kind.keyword(),
                    if bits { "unsigned " } else { "" },
                    type_label(&other)
                ),
            )),
        }
    }

    /// Values of all members of an enum or bits declaration, in order.
    pub fn member_values(
        &mut self,
        name: &QualifiedName,
        span: &Span,
    ) -> Result<Vec<(String, i128)>, Error> {
        if let Some(v) = self.members.get(name) {
            return Ok(v.clone());
        }
        if !self.in_progress.insert(name.clone()) {
            return Err(self.cycle_error(span, name));
        }
        let result = self.compute_member_values(name);
        self.in_progress.remove(name);
        let values = result?;
        self.members.insert(name.clone(), values.clone());
        Ok(values)
    }

    fn compute_member_values(
        &mut self,
        name: &QualifiedName,
    ) -> Result<Vec<(String, i128)>, Error> {
        let prim = self.underlying(name)?;
        let decl = self.registry.get(name).expect("declaration exists");
        let RawKind::Layout(layout) = &decl.kind else { unreachable!("not a layout") };
        let scope = Scope::of(decl);
        let members = layout.members.clone();
        let mut values = Vec::new();
        for m in &members {
            let value = m.value.as_ref().expect("enum and bits members have values");
            let v = self.eval_int(value, &Type::Primitive(prim), &scope)?;
            values.push((m.name.clone(), v));
        }
        Ok(values)
    }

    /// The type and value of a constant declaration.
    pub fn const_decl(
        &mut self,
        name: &QualifiedName,
        span: &Span,
    ) -> Result<(Type, ConstValue), Error> {
        if let Some(v) = self.consts.get(name) {
            return Ok(v.clone());
        }
        if !self.in_progress.insert(name.clone()) {
            return Err(self.cycle_error(span, name));
        }
        let decl = self.registry.get(name).expect("constant exists");
        let RawKind::Const { ty, value } = &decl.kind else { unreachable!("not a constant") };
        let (ty, value) = (ty.clone(), value.clone());
        let scope = Scope::of(decl);
        let result = self.resolve_type(&ty, &scope).and_then(|t| {
            match &t {
                Type::Primitive(_)
                | Type::String { .. }
                | Type::Enum { .. }
                | Type::Bits { .. } => {}
                other => {
                    return Err(Error::new(
                        &ty.span,
                        format!("invalid constant type {}", type_label(other)),
                    ));
                }
            }
            let v = self.eval_const(&value, &t, &scope)?;
            Ok((t, v))
        });
        self.in_progress.remove(name);
        let result = result?;
        self.consts.insert(name.clone(), result.clone());
        Ok(result)
    }

    /// Evaluates a constant expression as a value of type `expected`.
    pub fn eval_const(
        &mut self,
        c: &Constant,
        expected: &Type,
        scope: &Scope,
    ) -> Result<ConstValue, Error> {
        let underlying = match expected {
            Type::Primitive(p) => Some(*p),
            Type::Enum { name } | Type::Bits { name } => Some(self.underlying(name)?),
            _ => None,
        };
        match c {
            Constant::Literal { value, span } => literal_value(value, expected, underlying, span),
            Constant::Or(a, b) => {
                let bitwise = matches!(expected, Type::Bits { .. })
                    || matches!(expected, Type::Primitive(p) if p.is_integer() && !p.is_signed());
                if !bitwise {
                    return Err(Error::new(
                        c.span(),
                        format!(
                            "'|' is only allowed on bits and unsigned integers, not {}",
                            type_label(expected)
                        ),
                    ));
                }
                let a = self.eval_int(a, expected, scope)?;
                let b = self.eval_int(b, expected, scope)?;
                Ok(ConstValue::Int(a | b))
            }
            Constant::Name(n) => {
                let (ty, value) = self.const_ref(n, scope)?;
                self.convert(value, &ty, expected, underlying, &n.span)
            }
        }
    }

    /// Converts a referenced constant's value to the expected type.
    fn convert(
        &self,
        value: ConstValue,
        from: &Type,
        to: &Type,
        underlying: Option<PrimitiveType>,
        span: &Span,
    ) -> Result<ConstValue, Error> {
        let mismatch = || {
            Error::new(
                span,
                format!(
                    "constant of type {} cannot be used as {}",
                    type_label(from),
                    type_label(to)
                ),
            )
        };
        match (&value, from, to) {
            (_, Type::Enum { name: a }, Type::Enum { name: b })
            | (_, Type::Bits { name: a }, Type::Bits { name: b }) => {
                if a == b {
                    Ok(value)
                } else {
                    Err(mismatch())
                }
            }
            (ConstValue::Int(v), Type::Primitive(_), Type::Primitive(p)) if p.is_integer() => {
                check_range(*v, *p, span)?;
                Ok(value)
            }
            (
                ConstValue::Int(v),
                Type::Primitive(_),
                Type::Primitive(PrimitiveType::Float32 | PrimitiveType::Float64),
            ) => Ok(ConstValue::Float(*v as f64)),
            (
                ConstValue::Float(_),
                Type::Primitive(_),
                Type::Primitive(PrimitiveType::Float32 | PrimitiveType::Float64),
            )
            | (ConstValue::Bool(_), _, Type::Primitive(PrimitiveType::Bool)) => Ok(value),
            (ConstValue::String(s), _, Type::String { max_len, .. }) => {
                if max_len.is_some_and(|m| s.len() as u64 > u64::from(m)) {
                    return Err(Error::new(span, "string constant exceeds the bound"));
                }
                Ok(value)
            }
            (ConstValue::Int(v), Type::Primitive(_), Type::Bits { .. }) => {
                check_range(*v, underlying.ok_or_else(mismatch)?, span)?;
                Ok(value)
            }
            _ => Err(mismatch()),
        }
    }

    /// Resolves a reference to a constant or to an enum/bits member.
    fn const_ref(
        &mut self,
        n: &ast::CompoundName,
        scope: &Scope,
    ) -> Result<(Type, ConstValue), Error> {
        if let Some(name) = self.lookup(&n.parts, scope) {
            let decl = self.registry.get(&name).expect("exists");
            return match decl.kind {
                RawKind::Const { .. } => self.const_decl(&name, &n.span),
                _ => Err(Error::new(&n.span, format!("'{}' is not a constant", n.joined()))),
            };
        }
        if n.parts.len() >= 2 {
            let (member, owner) = n.parts.split_last().expect("two parts");
            if let Some(owner_name) = self.lookup(owner, scope) {
                let decl = self.registry.get(&owner_name).expect("exists");
                if let RawKind::Layout(l) = &decl.kind {
                    let ty = match l.kind {
                        ast::LayoutKind::Enum => Some(Type::Enum { name: owner_name.clone() }),
                        ast::LayoutKind::Bits => Some(Type::Bits { name: owner_name.clone() }),
                        _ => None,
                    };
                    if let Some(ty) = ty {
                        let values = self.member_values(&owner_name, &n.span)?;
                        return values
                            .into_iter()
                            .find(|(m, _)| m == member)
                            .map(|(_, v)| (ty, ConstValue::Int(v)))
                            .ok_or_else(|| {
                                Error::new(
                                    &n.span,
                                    format!("unknown member '{member}' of '{}'", owner.join(".")),
                                )
                            });
                    }
                }
            }
        }
        Err(Error::new(&n.span, format!("unknown constant '{}'", n.joined())))
    }
}

/// Reads a type parameter written as a bare name (e.g. `array<T, MAX>`) as a
/// constant reference.
fn ctor_as_constant(t: &TypeCtor) -> Result<Constant, Error> {
    match &t.target {
        TypeTarget::Named(n) if t.params.is_empty() && t.constraints.is_empty() => {
            Ok(Constant::Name(n.clone()))
        }
        _ => Err(Error::new(&t.span, "expected a constant")),
    }
}

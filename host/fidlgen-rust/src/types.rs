//! Mapping of resolved FIDL types to runtime type markers and to the Rust
//! value types (`TypeMarker::Owned`) they encode from and decode to.

use fidlc::Compilation;
use fidlc::ir::{Decl, PrimitiveType, QualifiedName, Type};

use crate::names::{crate_name, upper_camel};

const ENC: &str = "::fidl::encoding";

/// Resolves names against the compiled library and its dependencies.
pub struct TypeNames<'c> {
    pub compilation: &'c Compilation,
}

impl<'c> TypeNames<'c> {
    /// Path of a declaration's Rust type from inside the generated module.
    pub fn decl_path(&self, name: &QualifiedName) -> String {
        if name.library == self.compilation.library.name {
            upper_camel(&name.name)
        } else {
            format!("::{}::{}", crate_name(&name.library), upper_camel(&name.name))
        }
    }

    /// Path of a protocol's marker type.
    pub fn marker_path(&self, protocol: &QualifiedName) -> String {
        format!("{}Marker", self.decl_path(protocol))
    }

    pub fn primitive(p: PrimitiveType) -> &'static str {
        use PrimitiveType::*;
        match p {
            Bool => "bool",
            Int8 => "i8",
            Int16 => "i16",
            Int32 => "i32",
            Int64 => "i64",
            Uint8 => "u8",
            Uint16 => "u16",
            Uint32 => "u32",
            Uint64 => "u64",
            Float32 => "f32",
            Float64 => "f64",
        }
    }

    /// The Rust type the runtime uses for a handle of `object_type`; object types the host
    /// `zx` has no type for are carried as `NullableHandle`.
    fn handle_type(object_type: u32) -> &'static str {
        match object_type {
            2 => "::fidl::Thread",
            3 => "::fidl::Vmo",
            4 => "::fidl::Channel",
            5 => "::fidl::Event",
            14 => "::fidl::Socket",
            16 => "::fidl::EventPair",
            19 => "::fidl::Fifo",
            34 => "::fidl::Counter",
            _ => "::fidl::NullableHandle",
        }
    }

    fn endpoint(&self, server: bool, protocol: &QualifiedName) -> String {
        let end = if server { "ServerEnd" } else { "ClientEnd" };
        format!("::fidl::endpoints::{end}<{}>", self.marker_path(protocol))
    }

    /// Whether a struct declaration has no members.
    pub fn is_empty_struct(&self, name: &QualifiedName) -> bool {
        matches!(self.compilation.find(name), Some(Decl::Struct(s)) if s.members.is_empty())
    }

    /// The `TypeMarker` implementing the wire format of `ty`.
    pub fn marker(&self, ty: &Type) -> String {
        let optional = |inner: String, opt: bool| {
            if opt { format!("{ENC}::Optional<{inner}>") } else { inner }
        };
        match ty {
            Type::Primitive(p) => Self::primitive(*p).to_string(),
            Type::String { max_len, optional: opt } => optional(
                match max_len {
                    Some(n) => format!("{ENC}::BoundedString<{n}>"),
                    None => format!("{ENC}::UnboundedString"),
                },
                *opt,
            ),
            Type::Vector { element, max_len, optional: opt } => {
                let e = self.marker(element);
                optional(
                    match max_len {
                        Some(n) => format!("{ENC}::Vector<{e}, {n}>"),
                        None => format!("{ENC}::UnboundedVector<{e}>"),
                    },
                    *opt,
                )
            }
            Type::Array { element, len } => {
                format!("{ENC}::Array<{}, {len}>", self.marker(element))
            }
            Type::Handle { object_type, rights, optional: opt, .. } => optional(
                format!(
                    "{ENC}::HandleType<{}, {object_type}, {rights:#x}>",
                    Self::handle_type(*object_type)
                ),
                *opt,
            ),
            Type::Endpoint { server, protocol, optional: opt } => {
                optional(format!("{ENC}::Endpoint<{}>", self.endpoint(*server, protocol)), *opt)
            }
            Type::Struct { name, boxed } => {
                let path = self.decl_path(name);
                if *boxed { format!("{ENC}::Boxed<{path}>") } else { path }
            }
            Type::Union { name, optional: true } => {
                format!("{ENC}::OptionalUnion<{}>", self.decl_path(name))
            }
            Type::Table { name }
            | Type::Union { name, .. }
            | Type::Enum { name }
            | Type::Bits { name } => self.decl_path(name),
            Type::FrameworkError => format!("{ENC}::FrameworkErr"),
        }
    }

    /// The Rust value type of `ty`.
    pub fn owned(&self, ty: &Type) -> String {
        let optional = |inner: String, opt: bool| {
            if opt { format!("::core::option::Option<{inner}>") } else { inner }
        };
        match ty {
            Type::Primitive(p) => Self::primitive(*p).to_string(),
            Type::String { optional: opt, .. } => {
                optional("::std::string::String".to_string(), *opt)
            }
            Type::Vector { element, optional: opt, .. } => {
                optional(format!("::std::vec::Vec<{}>", self.owned(element)), *opt)
            }
            Type::Array { element, len } => format!("[{}; {len}]", self.owned(element)),
            Type::Handle { object_type, optional: opt, .. } => {
                optional(Self::handle_type(*object_type).to_string(), *opt)
            }
            Type::Endpoint { server, protocol, optional: opt } => {
                optional(self.endpoint(*server, protocol), *opt)
            }
            Type::Struct { name, boxed: true } | Type::Union { name, optional: true } => {
                format!("::core::option::Option<::std::boxed::Box<{}>>", self.decl_path(name))
            }
            Type::Struct { name, .. }
            | Type::Table { name }
            | Type::Union { name, .. }
            | Type::Enum { name }
            | Type::Bits { name } => self.decl_path(name),
            Type::FrameworkError => format!("{ENC}::FrameworkErr"),
        }
    }

    /// Inline size in bytes of `ty` on the wire.
    pub fn inline_size(&self, ty: &Type) -> u32 {
        match ty {
            Type::Primitive(p) => p.size(),
            Type::String { .. } | Type::Vector { .. } | Type::Table { .. } | Type::Union { .. } => {
                16
            }
            Type::Array { element, len } => self.inline_size(element) * len,
            Type::Handle { .. } | Type::Endpoint { .. } | Type::FrameworkError => 4,
            Type::Struct { boxed: true, .. } => 8,
            Type::Struct { name, .. } | Type::Enum { name } | Type::Bits { name } => {
                match self.compilation.find(name) {
                    Some(Decl::Struct(s)) => s.shape.inline_size,
                    Some(Decl::Enum(e)) => e.subtype.size(),
                    Some(Decl::Bits(b)) => b.subtype.size(),
                    _ => 0,
                }
            }
        }
    }

    /// Whether `ty` contains a float anywhere (then Eq/Ord/Hash cannot be
    /// derived). `seen` guards against recursive types.
    pub fn has_float(&self, ty: &Type, seen: &mut Vec<QualifiedName>) -> bool {
        match ty {
            Type::Primitive(p) => matches!(p, PrimitiveType::Float32 | PrimitiveType::Float64),
            Type::Vector { element, .. } | Type::Array { element, .. } => {
                self.has_float(element, seen)
            }
            Type::Struct { name, .. } | Type::Table { name } | Type::Union { name, .. } => {
                if seen.contains(name) {
                    return false;
                }
                seen.push(name.clone());
                match self.compilation.find(name) {
                    Some(Decl::Struct(s)) => s.members.iter().any(|m| self.has_float(&m.ty, seen)),
                    Some(Decl::Table(t)) => t.members.iter().any(|m| self.has_float(&m.ty, seen)),
                    Some(Decl::Union(u)) => u.members.iter().any(|m| self.has_float(&m.ty, seen)),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Whether values of `ty` can be cloned (hold no handles).
    pub fn is_resource(&self, ty: &Type) -> bool {
        match ty {
            Type::Handle { .. } | Type::Endpoint { .. } => true,
            Type::Vector { element, .. } | Type::Array { element, .. } => self.is_resource(element),
            Type::Struct { name, .. } | Type::Table { name } | Type::Union { name, .. } => {
                match self.compilation.find(name) {
                    Some(Decl::Struct(s)) => s.resource,
                    Some(Decl::Table(t)) => t.resource,
                    Some(Decl::Union(u)) => u.resource,
                    _ => false,
                }
            }
            _ => false,
        }
    }
}

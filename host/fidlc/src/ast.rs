//! Syntax tree of one `.fidl` file, as written (names unresolved).

use crate::error::Span;

/// A dotted name such as `zx.Handle` or `fuchsia.io`.
#[derive(Clone, Debug)]
pub struct CompoundName {
    pub parts: Vec<String>,
    pub span: Span,
}

impl CompoundName {
    pub fn joined(&self) -> String {
        self.parts.join(".")
    }
}

#[derive(Clone, Debug)]
pub struct File {
    pub library: CompoundName,
    pub library_attributes: Vec<Attribute>,
    pub usings: Vec<Using>,
    pub decls: Vec<Decl>,
}

#[derive(Clone, Debug)]
pub struct Using {
    pub library: CompoundName,
    pub alias: Option<String>,
}

/// `@name` or `@name(value)` or `@name(key=value, ...)`. Doc comments are
/// attributes named `doc` with one string argument.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub args: Vec<AttributeArg>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct AttributeArg {
    /// None for the single anonymous argument.
    pub name: Option<String>,
    pub value: Constant,
}

#[derive(Clone, Debug)]
pub struct Decl {
    pub attributes: Vec<Attribute>,
    pub name: String,
    pub span: Span,
    pub kind: DeclKind,
}

#[derive(Clone, Debug)]
pub enum DeclKind {
    Const {
        ty: TypeCtor,
        value: Constant,
    },
    Alias {
        ty: TypeCtor,
    },
    /// `type Name = <layout>;`
    Type {
        layout: Layout,
    },
    Protocol {
        openness: Option<Openness>,
        members: Vec<ProtocolMember>,
    },
    /// `resource_definition Name : subtype { properties { ... }; };`
    Resource {
        subtype: TypeCtor,
        properties: Vec<ResourceProperty>,
    },
    /// `service Name { member client_end:P; ... };`
    Service {
        members: Vec<ServiceMember>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Openness {
    Open,
    Ajar,
    Closed,
}

#[derive(Clone, Debug)]
pub struct ResourceProperty {
    pub name: String,
    pub ty: TypeCtor,
}

#[derive(Clone, Debug)]
pub struct ServiceMember {
    pub ty: TypeCtor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutKind {
    Struct,
    Table,
    Union,
    Enum,
    Bits,
}

impl LayoutKind {
    pub fn keyword(self) -> &'static str {
        match self {
            LayoutKind::Struct => "struct",
            LayoutKind::Table => "table",
            LayoutKind::Union => "union",
            LayoutKind::Enum => "enum",
            LayoutKind::Bits => "bits",
        }
    }
}

/// A struct/table/union/enum/bits body, named or written inline.
#[derive(Clone, Debug)]
pub struct Layout {
    pub kind: LayoutKind,
    /// `Some(true)` for `strict`, `Some(false)` for `flexible`, None if unsaid.
    pub strict: Option<bool>,
    pub resource: bool,
    /// The `: uint32` of an enum or bits.
    pub subtype: Option<Box<TypeCtor>>,
    pub members: Vec<LayoutMember>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct LayoutMember {
    pub attributes: Vec<Attribute>,
    pub name: String,
    pub span: Span,
    /// Table and union members only.
    pub ordinal: Option<u64>,
    /// None for enum/bits members and for `reserved` ordinals.
    pub ty: Option<TypeCtor>,
    /// Enum/bits member value, or a struct member default.
    pub value: Option<Constant>,
    pub reserved: bool,
}

/// A use of a type: a name or an inline layout, with optional layout
/// parameters (`<...>`) and constraints (`:...`).
#[derive(Clone, Debug)]
pub struct TypeCtor {
    pub span: Span,
    pub target: TypeTarget,
    pub params: Vec<TypeParam>,
    pub constraints: Vec<Constant>,
}

#[derive(Clone, Debug)]
pub enum TypeTarget {
    Named(CompoundName),
    /// An anonymous layout with its own attributes (e.g. `@generated_name`).
    Layout {
        attributes: Vec<Attribute>,
        layout: Box<Layout>,
    },
}

#[derive(Clone, Debug)]
pub enum TypeParam {
    Type(TypeCtor),
    Const(Constant),
}

#[derive(Clone, Debug)]
pub enum Constant {
    Literal { value: Literal, span: Span },
    Name(CompoundName),
    Or(Box<Constant>, Box<Constant>),
}

impl Constant {
    pub fn span(&self) -> &Span {
        match self {
            Constant::Literal { span, .. } => span,
            Constant::Name(n) => &n.span,
            Constant::Or(a, _) => a.span(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Literal {
    /// Number text as written, with a leading '-' when negative.
    Number(String),
    Str(String),
    Bool(bool),
}

#[derive(Clone, Debug)]
pub enum ProtocolMember {
    Compose { name: CompoundName },
    Method(Box<Method>),
}

#[derive(Clone, Debug)]
pub struct Method {
    pub attributes: Vec<Attribute>,
    pub name: String,
    pub span: Span,
    pub strict: Option<bool>,
    /// None for events; `Some(None)` for an empty `()` request.
    pub request: Option<Option<TypeCtor>>,
    /// None for one-way methods; `Some(None)` for an empty `-> ()`.
    pub response: Option<Option<TypeCtor>>,
    pub error: Option<TypeCtor>,
}

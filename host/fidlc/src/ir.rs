//! The resolved library: every name bound, every layout named (anonymous
//! layouts get fidlc's generated names), type shapes and ordinals computed.
//! This is what back ends consume.

use std::fmt;

/// A declaration's full name: library plus declaration name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub library: String,
    pub name: String,
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.library, self.name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrimitiveType {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Float32,
    Float64,
}

impl PrimitiveType {
    /// Size and alignment in bytes.
    pub fn size(self) -> u32 {
        use PrimitiveType::*;
        match self {
            Bool | Int8 | Uint8 => 1,
            Int16 | Uint16 => 2,
            Int32 | Uint32 | Float32 => 4,
            Int64 | Uint64 | Float64 => 8,
        }
    }

    pub fn is_integer(self) -> bool {
        !matches!(self, PrimitiveType::Bool | PrimitiveType::Float32 | PrimitiveType::Float64)
    }

    pub fn is_signed(self) -> bool {
        use PrimitiveType::*;
        matches!(self, Int8 | Int16 | Int32 | Int64)
    }

    /// Inclusive value range of an integer type.
    pub fn integer_range(self) -> Option<(i128, i128)> {
        if !self.is_integer() {
            return None;
        }
        let bits = self.size() * 8;
        Some(if self.is_signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        })
    }

    /// The FIDL spelling, e.g. `uint32`.
    pub fn fidl_name(self) -> &'static str {
        use PrimitiveType::*;
        match self {
            Bool => "bool",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Int64 => "int64",
            Uint8 => "uint8",
            Uint16 => "uint16",
            Uint32 => "uint32",
            Uint64 => "uint64",
            Float32 => "float32",
            Float64 => "float64",
        }
    }

    pub fn from_fidl_name(name: &str) -> Option<Self> {
        use PrimitiveType::*;
        Some(match name {
            "bool" => Bool,
            "int8" => Int8,
            "int16" => Int16,
            "int32" => Int32,
            "int64" => Int64,
            "uint8" | "byte" => Uint8,
            "uint16" => Uint16,
            "uint32" => Uint32,
            "uint64" => Uint64,
            "float32" => Float32,
            "float64" => Float64,
            _ => return None,
        })
    }
}

/// A fully resolved type (aliases expanded).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Primitive(PrimitiveType),
    String {
        max_len: Option<u32>,
        optional: bool,
    },
    Vector {
        element: Box<Type>,
        max_len: Option<u32>,
        optional: bool,
    },
    Array {
        element: Box<Type>,
        len: u32,
    },
    /// A handle of a `resource_definition` (e.g. `zx.Handle`). `object_type`
    /// is 0 (NONE) when unconstrained; `rights` is 0x8000_0000 (SAME_RIGHTS)
    /// when unconstrained.
    Handle {
        resource: QualifiedName,
        object_type: u32,
        rights: u32,
        optional: bool,
    },
    /// `client_end:P` (`server == false`) or `server_end:P`.
    Endpoint {
        server: bool,
        protocol: QualifiedName,
        optional: bool,
    },
    /// `boxed` for `box<S>` (out of line, may be absent).
    Struct {
        name: QualifiedName,
        boxed: bool,
    },
    Table {
        name: QualifiedName,
    },
    Union {
        name: QualifiedName,
        optional: bool,
    },
    Enum {
        name: QualifiedName,
    },
    Bits {
        name: QualifiedName,
    },
    /// The `int32` framework error member of a flexible method's result union.
    FrameworkError,
}

/// Rights value meaning "keep the handle's rights".
pub const SAME_RIGHTS: u32 = 0x8000_0000;

impl Type {
    /// Whether the type is optional (may be absent on the wire).
    pub fn is_optional(&self) -> bool {
        match self {
            Type::String { optional, .. }
            | Type::Vector { optional, .. }
            | Type::Handle { optional, .. }
            | Type::Endpoint { optional, .. }
            | Type::Union { optional, .. } => *optional,
            Type::Struct { boxed, .. } => *boxed,
            _ => false,
        }
    }
}

/// Wire-format v2 shape of a type. Sizes in bytes; counts saturate at
/// `u32::MAX`, which also stands for "unbounded".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TypeShape {
    pub inline_size: u32,
    pub alignment: u32,
    /// Out-of-line nesting depth (each pointer or envelope adds one).
    pub depth: u32,
    pub max_handles: u32,
    pub max_out_of_line: u32,
    pub has_padding: bool,
    pub has_flexible_envelope: bool,
}

/// Attributes as written, doc comments included (as `doc`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attributes(pub Vec<Attribute>);

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    /// Arguments; the single unnamed argument is stored under name `value`.
    pub args: Vec<(String, ConstValue)>,
}

impl Attributes {
    pub fn get(&self, name: &str) -> Option<&Attribute> {
        self.0.iter().find(|a| a.name == name)
    }

    /// The `value` argument of attribute `name`, when it is a string.
    pub fn string_arg(&self, name: &str) -> Option<&str> {
        self.get(name)?.args.iter().find(|(n, _)| n == "value").and_then(|(_, v)| match v {
            ConstValue::String(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// Doc comment text (lines joined, each ending in '\n').
    pub fn doc(&self) -> Option<&str> {
        self.string_arg("doc")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Bool(bool),
    /// Any integer, enum or bits value.
    Int(i128),
    Float(f64),
    String(String),
}

#[derive(Clone, Debug)]
pub struct Library {
    pub name: String,
    pub attributes: Attributes,
    /// Declarations in source order; generated layouts (anonymous layouts,
    /// method result unions) come right before the declaration using them.
    pub decls: Vec<Decl>,
}

impl Library {
    pub fn find(&self, name: &str) -> Option<&Decl> {
        self.decls.iter().find(|d| d.name() == name)
    }
}

#[derive(Clone, Debug)]
pub enum Decl {
    Const(ConstDecl),
    Alias(AliasDecl),
    Struct(StructDecl),
    Table(TableDecl),
    Union(UnionDecl),
    Enum(EnumDecl),
    Bits(BitsDecl),
    Protocol(ProtocolDecl),
}

impl Decl {
    pub fn name(&self) -> &str {
        match self {
            Decl::Const(d) => &d.name.name,
            Decl::Alias(d) => &d.name.name,
            Decl::Struct(d) => &d.name.name,
            Decl::Table(d) => &d.name.name,
            Decl::Union(d) => &d.name.name,
            Decl::Enum(d) => &d.name.name,
            Decl::Bits(d) => &d.name.name,
            Decl::Protocol(d) => &d.name.name,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ConstDecl {
    pub name: QualifiedName,
    pub attributes: Attributes,
    pub ty: Type,
    pub value: ConstValue,
}

#[derive(Clone, Debug)]
pub struct AliasDecl {
    pub name: QualifiedName,
    pub attributes: Attributes,
    pub ty: Type,
}

#[derive(Clone, Debug)]
pub struct StructDecl {
    pub name: QualifiedName,
    pub attributes: Attributes,
    pub resource: bool,
    /// True for layouts written inline (named by fidlc's naming rules).
    pub anonymous: bool,
    pub members: Vec<StructMember>,
    pub shape: TypeShape,
}

#[derive(Clone, Debug)]
pub struct StructMember {
    pub name: String,
    pub attributes: Attributes,
    pub ty: Type,
    /// Byte offset within the struct's inline object.
    pub offset: u32,
}

#[derive(Clone, Debug)]
pub struct TableDecl {
    pub name: QualifiedName,
    pub attributes: Attributes,
    pub resource: bool,
    pub anonymous: bool,
    /// Members by increasing ordinal; `reserved` ordinals are left out.
    pub members: Vec<TableMember>,
    pub shape: TypeShape,
}

#[derive(Clone, Debug)]
pub struct TableMember {
    pub ordinal: u64,
    pub name: String,
    pub attributes: Attributes,
    pub ty: Type,
}

#[derive(Clone, Debug)]
pub struct UnionDecl {
    pub name: QualifiedName,
    pub attributes: Attributes,
    pub strict: bool,
    pub resource: bool,
    pub anonymous: bool,
    /// Generated for a method with `error` or a flexible two-way method:
    /// ordinal 1 success, 2 domain error, 3 framework error.
    pub is_result: bool,
    /// Members by increasing ordinal; `reserved` ordinals are left out.
    pub members: Vec<UnionMember>,
    pub shape: TypeShape,
}

#[derive(Clone, Debug)]
pub struct UnionMember {
    pub ordinal: u64,
    pub name: String,
    pub attributes: Attributes,
    pub ty: Type,
}

#[derive(Clone, Debug)]
pub struct EnumDecl {
    pub name: QualifiedName,
    pub attributes: Attributes,
    pub strict: bool,
    pub anonymous: bool,
    pub subtype: PrimitiveType,
    pub members: Vec<EnumMember>,
    /// Value reserved for "unknown" in flexible enums: the member marked
    /// `@unknown`, else the subtype's maximum.
    pub unknown_value: i128,
}

#[derive(Clone, Debug)]
pub struct EnumMember {
    pub name: String,
    pub attributes: Attributes,
    pub value: i128,
}

#[derive(Clone, Debug)]
pub struct BitsDecl {
    pub name: QualifiedName,
    pub attributes: Attributes,
    pub strict: bool,
    pub anonymous: bool,
    pub subtype: PrimitiveType,
    pub members: Vec<BitsMember>,
    /// OR of all member values.
    pub mask: u64,
}

#[derive(Clone, Debug)]
pub struct BitsMember {
    pub name: String,
    pub attributes: Attributes,
    pub value: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Openness {
    Open,
    Ajar,
    Closed,
}

#[derive(Clone, Debug)]
pub struct ProtocolDecl {
    pub name: QualifiedName,
    pub attributes: Attributes,
    pub openness: Openness,
    /// `Some("fuchsia.foo.Bar")` when the protocol is `@discoverable`.
    pub discoverable_name: Option<String>,
    /// Own methods first, then composed ones, as fidlc orders them.
    pub methods: Vec<Method>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    OneWay,
    TwoWay,
    Event,
}

#[derive(Clone, Debug)]
pub struct Method {
    pub name: String,
    pub attributes: Attributes,
    pub ordinal: u64,
    pub strict: bool,
    pub kind: MethodKind,
    /// Request payload (a struct, table or union type); None when empty or
    /// for events.
    pub request: Option<Type>,
    /// Response / event payload as written; None when empty or one-way.
    pub response: Option<Type>,
    /// Set when the response travels in a result union.
    pub result: Option<MethodResult>,
}

#[derive(Clone, Debug)]
pub struct MethodResult {
    /// The generated result union.
    pub union_name: QualifiedName,
    /// Type of union member 1 (the payload, or an empty struct).
    pub success: Type,
    /// Type of union member 2, for methods with `error`.
    pub error: Option<Type>,
    /// Whether member 3 (framework error) exists: the method is flexible.
    pub framework_error: bool,
}

impl Method {
    /// The type of the whole response body on the wire.
    pub fn response_body(&self) -> Option<Type> {
        match &self.result {
            Some(r) => Some(Type::Union { name: r.union_name.clone(), optional: false }),
            None => self.response.clone(),
        }
    }
}

//! Rust items for type declarations: structs, tables, unions, enums, bits,
//! constants and aliases, each with its `TypeMarker` implementation (the
//! contract in host/fidl/CODEGEN.md).

use std::fmt::Write;

use fidlc::ir::*;

use crate::names::{snake, string_literal, upper_camel, upper_snake};
use crate::types::TypeNames;

const TM: &str = "::fidl::encoding::TypeMarker";
const ENCODE_SIG: &str = "fn encode(value: Self, encoder: &mut ::fidl::encoding::Encoder, offset: usize, depth: ::fidl::encoding::Depth) -> ::fidl::Result<()>";
const DECODE_SIG: &str = "fn decode(decoder: &mut ::fidl::encoding::Decoder<'_>, offset: usize, depth: ::fidl::encoding::Depth) -> ::fidl::Result<Self>";

/// Writes `///` lines for a doc attribute.
pub fn doc(out: &mut String, attributes: &Attributes, indent: &str) {
    if let Some(text) = attributes.doc() {
        for line in text.trim_end_matches('\n').split('\n') {
            let _ = writeln!(out, "{indent}///{line}");
        }
    }
}

/// Derives of a struct, table or union: resource types are only Debug and
/// PartialEq; value types are Clone, and also Eq/Hash/Ord when they hold no
/// floats (as in-tree).
fn derives(names: &TypeNames<'_>, ty: &Type, resource: bool, extra: &str) -> String {
    if resource {
        format!("Debug, {extra}PartialEq")
    } else if names.has_float(ty, &mut Vec::new()) {
        format!("Clone, Debug, {extra}PartialEq")
    } else {
        format!("Clone, Debug, {extra}PartialEq, Eq, Hash, PartialOrd, Ord")
    }
}

fn marker_header(out: &mut String, rust: &str, align: u32, size: u32) {
    let _ = writeln!(out, "impl {TM} for {rust} {{");
    let _ = writeln!(out, "    type Owned = Self;");
    let _ = writeln!(out, "    #[inline(always)] fn inline_align() -> usize {{ {align} }}");
    let _ = writeln!(out, "    #[inline(always)] fn inline_size() -> usize {{ {size} }}");
}

pub fn struct_decl(out: &mut String, names: &TypeNames<'_>, s: &StructDecl) {
    let rust = upper_camel(&s.name.name);
    doc(out, &s.attributes, "");
    if s.members.is_empty() {
        let _ = writeln!(
            out,
            "#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]"
        );
        let _ = writeln!(out, "pub struct {rust};");
        marker_header(out, &rust, 1, 1);
        let _ = writeln!(
            out,
            "    {ENCODE_SIG} {{ <::fidl::encoding::EmptyStruct as {TM}>::encode((), encoder, offset, depth) }}"
        );
        let _ = writeln!(
            out,
            "    {DECODE_SIG} {{ <::fidl::encoding::EmptyStruct as {TM}>::decode(decoder, offset, depth)?; Ok(Self) }}"
        );
        let _ = writeln!(out, "}}\n");
        return;
    }
    let derive =
        derives(names, &Type::Struct { name: s.name.clone(), boxed: false }, s.resource, "");
    let _ = writeln!(out, "#[derive({derive})]");
    let _ = writeln!(out, "pub struct {rust} {{");
    for m in &s.members {
        doc(out, &m.attributes, "    ");
        let _ = writeln!(out, "    pub {}: {},", snake(&m.name), names.owned(&m.ty));
    }
    let _ = writeln!(out, "}}");
    marker_header(out, &rust, s.shape.alignment, s.shape.inline_size);
    let _ = writeln!(out, "    {ENCODE_SIG} {{");
    for m in &s.members {
        let _ = writeln!(
            out,
            "        <{} as {TM}>::encode(value.{}, encoder, offset + {}, depth)?;",
            names.marker(&m.ty),
            snake(&m.name),
            m.offset
        );
    }
    let _ = writeln!(out, "        Ok(())\n    }}");
    let _ = writeln!(out, "    {DECODE_SIG} {{");
    let mut end = 0;
    for m in &s.members {
        if m.offset > end {
            let _ = writeln!(
                out,
                "        decoder.check_padding(offset + {end}, {})?;",
                m.offset - end
            );
        }
        end = m.offset + names.inline_size(&m.ty);
    }
    if s.shape.inline_size > end {
        let _ = writeln!(
            out,
            "        decoder.check_padding(offset + {end}, {})?;",
            s.shape.inline_size - end
        );
    }
    let _ = writeln!(out, "        Ok(Self {{");
    for m in &s.members {
        let _ = writeln!(
            out,
            "            {}: <{} as {TM}>::decode(decoder, offset + {}, depth)?,",
            snake(&m.name),
            names.marker(&m.ty),
            m.offset
        );
    }
    let _ = writeln!(out, "        }})\n    }}\n}}\n");
}

pub fn table_decl(out: &mut String, names: &TypeNames<'_>, t: &TableDecl) {
    let rust = upper_camel(&t.name.name);
    doc(out, &t.attributes, "");
    let derive = derives(names, &Type::Table { name: t.name.clone() }, t.resource, "Default, ");
    let _ = writeln!(out, "#[derive({derive})]");
    let _ = writeln!(out, "pub struct {rust} {{");
    for m in &t.members {
        doc(out, &m.attributes, "    ");
        let _ = writeln!(
            out,
            "    pub {}: ::core::option::Option<{}>,",
            snake(&m.name),
            names.owned(&m.ty)
        );
    }
    let _ = writeln!(
        out,
        "    #[doc(hidden)]\n    pub __source_breaking: ::fidl::marker::SourceBreaking,"
    );
    let _ = writeln!(out, "}}");
    marker_header(out, &rust, 8, 16);
    let _ = writeln!(out, "    {ENCODE_SIG} {{");
    let mut max = String::from("0");
    for m in &t.members {
        max = format!("if value.{}.is_some() {{ {} }} else {{ {max} }}", snake(&m.name), m.ordinal);
    }
    let _ = writeln!(out, "        let max_ordinal: u64 = {max};");
    let _ =
        writeln!(out, "        let mut table = encoder.encode_table(offset, depth, max_ordinal)?;");
    for m in &t.members {
        let _ = writeln!(
            out,
            "        if let Some(v) = value.{} {{ table.field::<{}>({}, v)?; }}",
            snake(&m.name),
            names.marker(&m.ty),
            m.ordinal
        );
    }
    let _ = writeln!(out, "        let _ = &mut table;\n        Ok(())\n    }}");
    let _ = writeln!(out, "    {DECODE_SIG} {{");
    let _ = writeln!(out, "        let mut value = Self::default();");
    let _ = writeln!(
        out,
        "        decoder.decode_table(offset, depth, |decoder, ordinal, envelope| {{"
    );
    let _ = writeln!(out, "            match ordinal {{");
    for m in &t.members {
        let _ = writeln!(
            out,
            "                {} => value.{} = Some(envelope.decode::<{}>(decoder)?),",
            m.ordinal,
            snake(&m.name),
            names.marker(&m.ty)
        );
    }
    let _ = writeln!(out, "                _ => envelope.drop_unknown(decoder)?,");
    let _ = writeln!(
        out,
        "            }}\n            Ok(())\n        }})?;\n        Ok(value)\n    }}\n}}\n"
    );
}

pub fn union_decl(out: &mut String, names: &TypeNames<'_>, u: &UnionDecl) {
    let rust = upper_camel(&u.name.name);
    doc(out, &u.attributes, "");
    let derive =
        derives(names, &Type::Union { name: u.name.clone(), optional: false }, u.resource, "");
    let _ = writeln!(out, "#[derive({derive})]");
    let _ = writeln!(out, "pub enum {rust} {{");
    for m in &u.members {
        doc(out, &m.attributes, "    ");
        let _ = writeln!(out, "    {}({}),", upper_camel(&m.name), names.owned(&m.ty));
    }
    if !u.strict {
        let _ =
            writeln!(out, "    #[doc(hidden)]\n    __SourceBreaking {{ unknown_ordinal: u64 }},");
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "impl {rust} {{");
    let _ =
        writeln!(out, "    #[inline]\n    pub fn ordinal(&self) -> u64 {{\n        match *self {{");
    for m in &u.members {
        let _ = writeln!(out, "            Self::{}(_) => {},", upper_camel(&m.name), m.ordinal);
    }
    if !u.strict {
        let _ = writeln!(
            out,
            "            Self::__SourceBreaking {{ unknown_ordinal }} => unknown_ordinal,"
        );
    }
    let _ = writeln!(out, "        }}\n    }}");
    if !u.strict {
        let _ = writeln!(
            out,
            "    #[inline]\n    pub fn unknown_variant_for_testing() -> Self {{ Self::__SourceBreaking {{ unknown_ordinal: 0 }} }}"
        );
        let _ = writeln!(
            out,
            "    #[inline]\n    pub fn is_unknown(&self) -> bool {{ matches!(self, Self::__SourceBreaking {{ .. }}) }}"
        );
    }
    let _ = writeln!(out, "}}");
    marker_header(out, &rust, 8, 16);
    let _ = writeln!(out, "    {ENCODE_SIG} {{\n        match value {{");
    for m in &u.members {
        let _ = writeln!(
            out,
            "            Self::{}(v) => encoder.encode_union_member::<{}>(offset, depth, {}, v),",
            upper_camel(&m.name),
            names.marker(&m.ty),
            m.ordinal
        );
    }
    if !u.strict {
        let _ = writeln!(
            out,
            "            Self::__SourceBreaking {{ unknown_ordinal }} => Err(::fidl::encoding::unknown_union_member_error(unknown_ordinal)),"
        );
    }
    let _ = writeln!(out, "        }}\n    }}");
    let _ = writeln!(out, "    {DECODE_SIG} {{");
    let _ = writeln!(
        out,
        "        let (ordinal, envelope) = decoder.decode_union_envelope(offset, depth)?;"
    );
    let _ = writeln!(out, "        Ok(match ordinal {{");
    for m in &u.members {
        let _ = writeln!(
            out,
            "            {} => Self::{}(envelope.decode::<{}>(decoder)?),",
            m.ordinal,
            upper_camel(&m.name),
            names.marker(&m.ty)
        );
    }
    if u.strict {
        let _ = writeln!(
            out,
            "            _ => return Err(::fidl::Error::UnknownStrictUnionMember {{ ordinal }}),"
        );
    } else {
        let _ = writeln!(
            out,
            "            _ => {{ envelope.drop_unknown(decoder)?; Self::__SourceBreaking {{ unknown_ordinal: ordinal }} }}"
        );
    }
    let _ = writeln!(out, "        }})\n    }}\n}}\n");
}

fn int_literal(value: i128, prim: PrimitiveType) -> String {
    format!("{value}{}", TypeNames::primitive(prim))
}

pub fn enum_decl(out: &mut String, e: &EnumDecl) {
    let rust = upper_camel(&e.name.name);
    let prim = TypeNames::primitive(e.subtype);
    doc(out, &e.attributes, "");
    let _ = writeln!(out, "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    if e.strict {
        let _ = writeln!(out, "#[repr({prim})]");
    } else {
        let _ = writeln!(out, "#[non_exhaustive]");
    }
    let _ = writeln!(out, "pub enum {rust} {{");
    for m in &e.members {
        doc(out, &m.attributes, "    ");
        if e.strict {
            let _ = writeln!(
                out,
                "    {} = {},",
                upper_camel(&m.name),
                int_literal(m.value, e.subtype)
            );
        } else {
            let _ = writeln!(out, "    {},", upper_camel(&m.name));
        }
    }
    if !e.strict {
        let _ = writeln!(
            out,
            "    #[doc(hidden)]\n    __SourceBreaking {{ unknown_ordinal: {prim} }},"
        );
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "impl {rust} {{");
    let _ = writeln!(
        out,
        "    #[inline]\n    pub fn from_primitive(prim: {prim}) -> ::core::option::Option<Self> {{\n        match prim {{"
    );
    for m in &e.members {
        let _ = writeln!(
            out,
            "            {} => Some(Self::{}),",
            int_literal(m.value, e.subtype),
            upper_camel(&m.name)
        );
    }
    let _ = writeln!(out, "            _ => None,\n        }}\n    }}");
    if e.strict {
        let _ = writeln!(
            out,
            "    #[inline]\n    pub const fn into_primitive(self) -> {prim} {{ self as {prim} }}"
        );
    } else {
        let _ = writeln!(
            out,
            "    #[inline]\n    pub fn from_primitive_allow_unknown(prim: {prim}) -> Self {{\n        match prim {{"
        );
        for m in &e.members {
            let _ = writeln!(
                out,
                "            {} => Self::{},",
                int_literal(m.value, e.subtype),
                upper_camel(&m.name)
            );
        }
        let _ = writeln!(
            out,
            "            unknown_ordinal => Self::__SourceBreaking {{ unknown_ordinal }},\n        }}\n    }}"
        );
        let _ = writeln!(
            out,
            "    #[inline]\n    pub fn unknown() -> Self {{ Self::__SourceBreaking {{ unknown_ordinal: {} }} }}",
            int_literal(e.unknown_value, e.subtype)
        );
        let _ = writeln!(
            out,
            "    #[inline]\n    pub const fn into_primitive(self) -> {prim} {{\n        match self {{"
        );
        for m in &e.members {
            let _ = writeln!(
                out,
                "            Self::{} => {},",
                upper_camel(&m.name),
                int_literal(m.value, e.subtype)
            );
        }
        let _ = writeln!(
            out,
            "            Self::__SourceBreaking {{ unknown_ordinal }} => unknown_ordinal,\n        }}\n    }}"
        );
        let _ = writeln!(
            out,
            "    #[inline]\n    pub fn is_unknown(&self) -> bool {{ matches!(self, Self::__SourceBreaking {{ .. }}) }}"
        );
    }
    let _ = writeln!(out, "}}");
    let size = e.subtype.size();
    marker_header(out, &rust, size, size);
    let _ = writeln!(
        out,
        "    {ENCODE_SIG} {{ let _ = depth; encoder.write_num(value.into_primitive(), offset); Ok(()) }}"
    );
    let decode = if e.strict {
        "Self::from_primitive(prim).ok_or(::fidl::Error::InvalidEnumValue)"
    } else {
        "Ok(Self::from_primitive_allow_unknown(prim))"
    };
    let _ = writeln!(
        out,
        "    {DECODE_SIG} {{ let _ = depth; let prim = decoder.read_num::<{prim}>(offset); {decode} }}\n}}\n"
    );
}

pub fn bits_decl(out: &mut String, b: &BitsDecl) {
    let rust = upper_camel(&b.name.name);
    let prim = TypeNames::primitive(b.subtype);
    let _ = writeln!(out, "::fidl::__codegen::bitflags::bitflags! {{");
    doc(out, &b.attributes, "    ");
    let _ =
        writeln!(out, "    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    let _ = writeln!(out, "    pub struct {rust}: {prim} {{");
    for m in &b.members {
        doc(out, &m.attributes, "        ");
        let _ = writeln!(out, "        const {} = {};", upper_snake(&m.name), m.value);
    }
    let _ = writeln!(out, "    }}\n}}");
    if !b.strict {
        let _ = writeln!(out, "impl {rust} {{");
        let _ = writeln!(
            out,
            "    #[inline]\n    pub fn from_bits_allow_unknown(bits: {prim}) -> Self {{ Self::from_bits_retain(bits) }}"
        );
        let _ = writeln!(
            out,
            "    #[inline]\n    pub fn has_unknown_bits(&self) -> bool {{ self.get_unknown_bits() != 0 }}"
        );
        let _ = writeln!(
            out,
            "    #[inline]\n    pub fn get_unknown_bits(&self) -> {prim} {{ self.bits() & !Self::all().bits() }}"
        );
        let _ = writeln!(out, "}}");
    }
    let size = b.subtype.size();
    marker_header(out, &rust, size, size);
    let check = if b.strict {
        "if value.bits() & !Self::all().bits() != 0 { return Err(::fidl::Error::InvalidBitsValue); } "
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "    {ENCODE_SIG} {{ let _ = depth; {check}encoder.write_num(value.bits(), offset); Ok(()) }}"
    );
    let decode = if b.strict {
        "Self::from_bits(prim).ok_or(::fidl::Error::InvalidBitsValue)"
    } else {
        "Ok(Self::from_bits_retain(prim))"
    };
    let _ = writeln!(
        out,
        "    {DECODE_SIG} {{ let _ = depth; let prim = decoder.read_num::<{prim}>(offset); {decode} }}\n}}\n"
    );
}

pub fn const_decl(out: &mut String, names: &TypeNames<'_>, c: &ConstDecl) {
    doc(out, &c.attributes, "");
    let name = upper_snake(&c.name.name);
    let (ty, value) = match (&c.ty, &c.value) {
        (Type::String { .. }, ConstValue::String(s)) => ("&str".to_string(), string_literal(s)),
        (Type::Primitive(p), ConstValue::Bool(b)) => {
            (TypeNames::primitive(*p).to_string(), b.to_string())
        }
        (Type::Primitive(p), ConstValue::Float(f)) => {
            (TypeNames::primitive(*p).to_string(), format!("{f:?}"))
        }
        (Type::Primitive(p), ConstValue::Int(v)) => {
            let prim = TypeNames::primitive(*p).to_string();
            let lit = if p.is_integer() { v.to_string() } else { format!("{v}.0") };
            (prim, lit)
        }
        (Type::Enum { name: e }, ConstValue::Int(v)) => {
            let path = names.decl_path(e);
            let member = match names.compilation.find(e) {
                Some(Decl::Enum(decl)) => {
                    decl.members.iter().find(|m| m.value == *v).map(|m| upper_camel(&m.name))
                }
                _ => None,
            };
            let value = match member {
                Some(m) => format!("{path}::{m}"),
                None => format!("{path}::__SourceBreaking {{ unknown_ordinal: {v} }}"),
            };
            (path, value)
        }
        (Type::Bits { name: b }, ConstValue::Int(v)) => {
            let path = names.decl_path(b);
            (path.clone(), format!("{path}::from_bits_retain({v})"))
        }
        _ => return,
    };
    let _ = writeln!(out, "pub const {name}: {ty} = {value};\n");
}

pub fn alias_decl(out: &mut String, names: &TypeNames<'_>, a: &AliasDecl) {
    doc(out, &a.attributes, "");
    let _ = writeln!(out, "pub type {} = {};\n", upper_camel(&a.name.name), names.owned(&a.ty));
}

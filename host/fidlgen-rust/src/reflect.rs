//! Test-only reflection impls (enabled by `Build::reflection(module)`).
//!
//! The module `M` named by the option must provide:
//! - `M::Value` with variants `Null`, `Int(i128)` and
//!   `Object { name: String, fields: Vec<(M::Key, M::Value)> }`,
//!   and `M::Key::{Name(String), Ordinal(u64)}`;
//! - `M::Ctx` (the handles of a test case);
//! - `trait M::Reflect: Sized { fn from_value(&M::Value, &mut M::Ctx) ->
//!   Result<Self, String>; fn to_value(&self) -> M::Value; }` implemented
//!   for primitives, `String`, `Vec`, arrays, `Option`, `Box`, handles and
//!   endpoints;
//! - `M::decode_value::<T>(&M::Value, &mut M::Ctx) -> Result<Option<T>, String>`
//!   (a `decode({...})` literal built through `T`'s own decoder, else None);
//! - `M::object(&M::Value, type_name, known_member_names) ->
//!   Result<&[(M::Key, M::Value)], String>`;
//! - `M::member(fields, name) -> &M::Value` (`Null` when absent);
//! - `M::int(&M::Value) -> Result<i128, String>`;
//! - `M::TypeOps::of::<T>()` for `T: TypeMarker<Owned = T> + Reflect`.
//!
//! The generated module gets `pub fn __reflect_type(name) -> Option<M::TypeOps>`
//! keyed by FIDL declaration name.

use std::collections::HashSet;
use std::fmt::Write;

use fidlc::ir::{Decl, QualifiedName};

use crate::names::{snake, upper_camel};
use crate::types::TypeNames;

pub fn reflection(
    out: &mut String,
    names: &TypeNames<'_>,
    m: &str,
    hidden: &HashSet<QualifiedName>,
) {
    let mut registered = Vec::new();
    for decl in &names.compilation.library.decls {
        match decl {
            Decl::Struct(s) if !hidden.contains(&s.name) => {
                let rust = upper_camel(&s.name.name);
                let fidl = &s.name.name;
                let member_names: Vec<String> =
                    s.members.iter().map(|mb| format!("{:?}", mb.name)).collect();
                let _ = writeln!(out, "impl {m}::Reflect for {rust} {{");
                let _ = writeln!(
                    out,
                    "    fn from_value(value: &{m}::Value, ctx: &mut {m}::Ctx) -> ::core::result::Result<Self, ::std::string::String> {{"
                );
                let _ = writeln!(
                    out,
                    "        if let Some(v) = {m}::decode_value::<Self>(value, ctx)? {{ return Ok(v); }}"
                );
                let _ = writeln!(
                    out,
                    "        let fields = {m}::object(value, {fidl:?}, &[{}])?;",
                    member_names.join(", ")
                );
                let _ = writeln!(out, "        let _ = &fields;");
                if s.members.is_empty() {
                    let _ = writeln!(out, "        Ok({rust})");
                } else {
                    let _ = writeln!(out, "        Ok(Self {{");
                    for mb in &s.members {
                        let _ = writeln!(
                            out,
                            "            {}: {m}::Reflect::from_value({m}::member(fields, {:?}), ctx).map_err(|e| format!(\"{}.{}: {{e}}\"))?,",
                            snake(&mb.name),
                            mb.name,
                            fidl,
                            mb.name
                        );
                    }
                    let _ = writeln!(out, "        }})");
                }
                let _ = writeln!(out, "    }}");
                let _ = writeln!(out, "    fn to_value(&self) -> {m}::Value {{");
                let _ = writeln!(
                    out,
                    "        {m}::Value::Object {{ name: {fidl:?}.to_string(), fields: vec!["
                );
                for mb in &s.members {
                    let _ = writeln!(
                        out,
                        "            ({m}::Key::Name({:?}.to_string()), {m}::Reflect::to_value(&self.{})),",
                        mb.name,
                        snake(&mb.name)
                    );
                }
                let _ = writeln!(out, "        ] }}\n    }}\n}}");
                registered.push((fidl.clone(), rust));
            }
            Decl::Table(t) => {
                let rust = upper_camel(&t.name.name);
                let fidl = &t.name.name;
                let member_names: Vec<String> =
                    t.members.iter().map(|mb| format!("{:?}", mb.name)).collect();
                let _ = writeln!(out, "impl {m}::Reflect for {rust} {{");
                let _ = writeln!(
                    out,
                    "    fn from_value(value: &{m}::Value, ctx: &mut {m}::Ctx) -> ::core::result::Result<Self, ::std::string::String> {{"
                );
                let _ = writeln!(
                    out,
                    "        if let Some(v) = {m}::decode_value::<Self>(value, ctx)? {{ return Ok(v); }}"
                );
                let _ = writeln!(
                    out,
                    "        let fields = {m}::object(value, {fidl:?}, &[{}])?;",
                    member_names.join(", ")
                );
                let _ = writeln!(out, "        let _ = &fields;");
                let _ = writeln!(out, "        Ok(Self {{");
                for mb in &t.members {
                    let _ = writeln!(
                        out,
                        "            {}: {m}::Reflect::from_value({m}::member(fields, {:?}), ctx).map_err(|e| format!(\"{}.{}: {{e}}\"))?,",
                        snake(&mb.name),
                        mb.name,
                        fidl,
                        mb.name
                    );
                }
                let _ = writeln!(out, "            ..Default::default()\n        }})\n    }}");
                let _ = writeln!(out, "    fn to_value(&self) -> {m}::Value {{");
                let _ = writeln!(out, "        let mut fields = Vec::new();");
                for mb in &t.members {
                    let _ = writeln!(
                        out,
                        "        if let Some(v) = &self.{} {{ fields.push(({m}::Key::Name({:?}.to_string()), {m}::Reflect::to_value(v))); }}",
                        snake(&mb.name),
                        mb.name
                    );
                }
                let _ = writeln!(
                    out,
                    "        {m}::Value::Object {{ name: {fidl:?}.to_string(), fields }}\n    }}\n}}"
                );
                registered.push((fidl.clone(), rust));
            }
            Decl::Union(u) if !hidden.contains(&u.name) => {
                let rust = upper_camel(&u.name.name);
                let fidl = &u.name.name;
                let member_names: Vec<String> =
                    u.members.iter().map(|mb| format!("{:?}", mb.name)).collect();
                let _ = writeln!(out, "impl {m}::Reflect for {rust} {{");
                let _ = writeln!(
                    out,
                    "    fn from_value(value: &{m}::Value, ctx: &mut {m}::Ctx) -> ::core::result::Result<Self, ::std::string::String> {{"
                );
                let _ = writeln!(
                    out,
                    "        if let Some(v) = {m}::decode_value::<Self>(value, ctx)? {{ return Ok(v); }}"
                );
                let _ = writeln!(
                    out,
                    "        let fields = {m}::object(value, {fidl:?}, &[{}])?;",
                    member_names.join(", ")
                );
                let _ = writeln!(out, "        match fields {{");
                for mb in &u.members {
                    let _ = writeln!(
                        out,
                        "            [({m}::Key::Name(n), v)] if n == {:?} => Ok(Self::{}({m}::Reflect::from_value(v, ctx)?)),",
                        mb.name,
                        upper_camel(&mb.name)
                    );
                }
                if u.strict {
                    let _ = writeln!(
                        out,
                        "            [({m}::Key::Ordinal(o), _)] => Err(format!(\"unrepresentable: unknown ordinal {{o}} of strict union {fidl}\")),"
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "            [({m}::Key::Ordinal(o), _)] => Ok(Self::__SourceBreaking {{ unknown_ordinal: *o }}),"
                    );
                }
                let _ = writeln!(
                    out,
                    "            [] => Err(\"unrepresentable: a Rust union value always has a member set\".to_string()),"
                );
                let _ = writeln!(
                    out,
                    "            _ => Err(format!(\"union {fidl} literal must set exactly one known member\")),"
                );
                let _ = writeln!(out, "        }}\n    }}");
                let _ = writeln!(out, "    fn to_value(&self) -> {m}::Value {{");
                let _ = writeln!(out, "        let field = match self {{");
                for mb in &u.members {
                    let _ = writeln!(
                        out,
                        "            Self::{}(v) => ({m}::Key::Name({:?}.to_string()), {m}::Reflect::to_value(v)),",
                        upper_camel(&mb.name),
                        mb.name
                    );
                }
                if !u.strict {
                    let _ = writeln!(
                        out,
                        "            Self::__SourceBreaking {{ unknown_ordinal }} => ({m}::Key::Ordinal(*unknown_ordinal), {m}::Value::Null),"
                    );
                }
                let _ = writeln!(
                    out,
                    "        }};\n        {m}::Value::Object {{ name: {fidl:?}.to_string(), fields: vec![field] }}\n    }}\n}}"
                );
                registered.push((fidl.clone(), rust));
            }
            Decl::Enum(e) => {
                let rust = upper_camel(&e.name.name);
                let prim = TypeNames::primitive(e.subtype);
                let _ = writeln!(out, "impl {m}::Reflect for {rust} {{");
                let _ = writeln!(
                    out,
                    "    fn from_value(value: &{m}::Value, _ctx: &mut {m}::Ctx) -> ::core::result::Result<Self, ::std::string::String> {{"
                );
                let _ = writeln!(
                    out,
                    "        let prim = {prim}::try_from({m}::int(value)?).map_err(|_| \"enum value out of range\".to_string())?;"
                );
                if e.strict {
                    let _ = writeln!(
                        out,
                        "        Self::from_primitive(prim).ok_or_else(|| format!(\"unrepresentable: {{prim}} is not a member of strict enum {}\"))",
                        e.name.name
                    );
                } else {
                    let _ = writeln!(out, "        Ok(Self::from_primitive_allow_unknown(prim))");
                }
                let _ = writeln!(
                    out,
                    "    }}\n    fn to_value(&self) -> {m}::Value {{ {m}::Value::Int(self.into_primitive() as i128) }}\n}}"
                );
            }
            Decl::Bits(b) => {
                let rust = upper_camel(&b.name.name);
                let prim = TypeNames::primitive(b.subtype);
                let _ = writeln!(out, "impl {m}::Reflect for {rust} {{");
                let _ = writeln!(
                    out,
                    "    fn from_value(value: &{m}::Value, _ctx: &mut {m}::Ctx) -> ::core::result::Result<Self, ::std::string::String> {{"
                );
                let _ = writeln!(
                    out,
                    "        {prim}::try_from({m}::int(value)?).map(Self::from_bits_retain).map_err(|_| \"bits value out of range\".to_string())"
                );
                let _ = writeln!(
                    out,
                    "    }}\n    fn to_value(&self) -> {m}::Value {{ {m}::Value::Int(self.bits() as i128) }}\n}}"
                );
            }
            _ => {}
        }
    }
    let _ = writeln!(
        out,
        "pub fn __reflect_type(name: &str) -> ::core::option::Option<{m}::TypeOps> {{\n    match name {{"
    );
    for (fidl, rust) in registered {
        let _ = writeln!(out, "        {fidl:?} => Some({m}::TypeOps::of::<{rust}>()),");
    }
    let _ = writeln!(out, "        _ => None,\n    }}\n}}");
}

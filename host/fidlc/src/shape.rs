//! Wire-format v2 type shapes and struct member offsets.
//!
//! Inline size and alignment never look through a pointer or envelope, so
//! a struct that contains itself inline is an error ("includes-cycle"),
//! while recursion through `box`, optional unions, vectors, tables or unions
//! is fine: the out-of-line properties of a recursive type are unbounded
//! (`u32::MAX`).

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Span};
use crate::ir::{Decl, QualifiedName, Type, TypeShape};

const UNBOUNDED: u32 = u32::MAX;

fn round8(n: u32) -> u32 {
    n.saturating_add(7) & !7
}

fn add(a: u32, b: u32) -> u32 {
    a.saturating_add(b)
}

fn mul(a: u32, b: u32) -> u32 {
    a.saturating_mul(b)
}

fn align_to(offset: u32, alignment: u32) -> u32 {
    offset.div_ceil(alignment) * alignment
}

/// Computes shapes of all layout declarations by name.
pub struct ShapeCalculator<'d> {
    decls: HashMap<QualifiedName, &'d Decl>,
    spans: &'d HashMap<QualifiedName, Span>,
    inline: HashMap<QualifiedName, (u32, u32)>,
    shapes: HashMap<QualifiedName, TypeShape>,
    in_progress: HashSet<QualifiedName>,
}

impl<'d> ShapeCalculator<'d> {
    pub fn new(
        decls: impl Iterator<Item = (QualifiedName, &'d Decl)>,
        spans: &'d HashMap<QualifiedName, Span>,
    ) -> Self {
        ShapeCalculator {
            decls: decls.collect(),
            spans,
            inline: HashMap::new(),
            shapes: HashMap::new(),
            in_progress: HashSet::new(),
        }
    }

    /// Inline size and alignment of a type.
    pub fn inline_of(&mut self, ty: &Type) -> Result<(u32, u32), Error> {
        Ok(match ty {
            Type::Primitive(p) => (p.size(), p.size()),
            Type::String { .. } | Type::Vector { .. } | Type::Table { .. } | Type::Union { .. } => {
                (16, 8)
            }
            Type::Array { element, len } => {
                let (s, a) = self.inline_of(element)?;
                (mul(s, *len), a)
            }
            Type::Handle { .. } | Type::Endpoint { .. } | Type::FrameworkError => (4, 4),
            Type::Struct { boxed: true, .. } => (8, 8),
            Type::Struct { name, boxed: false } => self.struct_inline(name)?,
            Type::Enum { name } | Type::Bits { name } => match self.decls.get(name) {
                Some(Decl::Enum(e)) => (e.subtype.size(), e.subtype.size()),
                Some(Decl::Bits(b)) => (b.subtype.size(), b.subtype.size()),
                _ => (4, 4),
            },
        })
    }

    fn struct_inline(&mut self, name: &QualifiedName) -> Result<(u32, u32), Error> {
        if let Some(v) = self.inline.get(name) {
            return Ok(*v);
        }
        let span = self.spans.get(name).cloned().unwrap_or(Span {
            file: String::new(),
            line: 0,
            column: 0,
        });
        if !self.in_progress.insert(name.clone()) {
            return Err(Error::new(
                &span,
                format!("there is an includes-cycle in declaration '{}'", name.name),
            ));
        }
        let result = self.struct_offsets(name).map(|(size, align, _)| (size, align));
        self.in_progress.remove(name);
        let v = result?;
        self.inline.insert(name.clone(), v);
        Ok(v)
    }

    /// Size, alignment and member offsets of a struct.
    pub fn struct_offsets(&mut self, name: &QualifiedName) -> Result<(u32, u32, Vec<u32>), Error> {
        let Some(Decl::Struct(s)) = self.decls.get(name).copied() else {
            return Ok((1, 1, Vec::new()));
        };
        if s.members.is_empty() {
            return Ok((1, 1, Vec::new()));
        }
        let mut offset = 0u32;
        let mut alignment = 1u32;
        let mut offsets = Vec::new();
        for m in &s.members {
            let (size, align) = self.inline_of(&m.ty)?;
            offset = align_to(offset, align);
            offsets.push(offset);
            offset = add(offset, size);
            alignment = alignment.max(align);
        }
        Ok((align_to(offset, alignment), alignment, offsets))
    }

    /// Full shape of a type.
    pub fn shape_of(&mut self, ty: &Type) -> Result<TypeShape, Error> {
        let (inline_size, alignment) = self.inline_of(ty)?;
        let base = TypeShape { inline_size, alignment, ..TypeShape::default() };
        Ok(match ty {
            Type::Primitive(_) | Type::Enum { .. } | Type::Bits { .. } | Type::FrameworkError => {
                base
            }
            Type::Handle { .. } | Type::Endpoint { .. } => TypeShape { max_handles: 1, ..base },
            Type::String { max_len, .. } => TypeShape {
                depth: 1,
                max_out_of_line: max_len.map_or(UNBOUNDED, round8),
                has_padding: max_len.is_none_or(|m| m % 8 != 0),
                ..base
            },
            Type::Vector { element, max_len, .. } => {
                let e = self.shape_of(element)?;
                let count = max_len.unwrap_or(UNBOUNDED);
                TypeShape {
                    depth: add(e.depth, 1),
                    max_handles: if e.max_handles == 0 { 0 } else { mul(count, e.max_handles) },
                    max_out_of_line: add(
                        round8(mul(count, e.inline_size)),
                        mul(count, e.max_out_of_line),
                    ),
                    has_padding: e.has_padding || e.inline_size % 8 != 0,
                    has_flexible_envelope: e.has_flexible_envelope,
                    ..base
                }
            }
            Type::Array { element, len } => {
                let e = self.shape_of(element)?;
                TypeShape {
                    depth: e.depth,
                    max_handles: mul(*len, e.max_handles),
                    max_out_of_line: mul(*len, e.max_out_of_line),
                    has_padding: e.has_padding,
                    has_flexible_envelope: e.has_flexible_envelope,
                    ..base
                }
            }
            Type::Struct { name, boxed } => {
                let s = self.decl_shape(name)?;
                if *boxed {
                    TypeShape {
                        depth: add(s.depth, 1),
                        max_out_of_line: add(round8(s.inline_size), s.max_out_of_line),
                        has_padding: s.has_padding || s.inline_size % 8 != 0,
                        max_handles: s.max_handles,
                        has_flexible_envelope: s.has_flexible_envelope,
                        ..base
                    }
                } else {
                    s
                }
            }
            Type::Table { name } | Type::Union { name, .. } => self.decl_shape(name)?,
        })
    }

    /// Shape of a struct, table or union declaration. Recursion back into a
    /// declaration still being computed makes the result unbounded.
    pub fn decl_shape(&mut self, name: &QualifiedName) -> Result<TypeShape, Error> {
        if let Some(s) = self.shapes.get(name) {
            return Ok(*s);
        }
        if self.in_progress.contains(name) {
            return Ok(TypeShape {
                inline_size: 0,
                alignment: 8,
                depth: UNBOUNDED,
                max_handles: UNBOUNDED,
                max_out_of_line: UNBOUNDED,
                has_padding: false,
                has_flexible_envelope: false,
            });
        }
        let Some(decl) = self.decls.get(name).copied() else {
            return Ok(TypeShape::default());
        };
        let (inline_size, alignment) = match decl {
            Decl::Struct(_) => self.struct_inline(name)?,
            _ => (16, 8),
        };
        self.in_progress.insert(name.clone());
        let result = self.compute_decl_shape(decl, inline_size, alignment);
        self.in_progress.remove(name);
        let shape = result?;
        self.shapes.insert(name.clone(), shape);
        Ok(shape)
    }

    fn compute_decl_shape(
        &mut self,
        decl: &Decl,
        inline_size: u32,
        alignment: u32,
    ) -> Result<TypeShape, Error> {
        let mut shape = TypeShape { inline_size, alignment, ..TypeShape::default() };
        match decl {
            Decl::Struct(s) => {
                let (_, _, offsets) = self.struct_offsets(&s.name)?;
                let mut end = 0;
                for (m, offset) in s.members.iter().zip(offsets) {
                    let ms = self.shape_of(&m.ty)?;
                    shape.has_padding |= ms.has_padding || offset != end;
                    end = add(offset, ms.inline_size);
                    shape.depth = shape.depth.max(ms.depth);
                    shape.max_handles = add(shape.max_handles, ms.max_handles);
                    shape.max_out_of_line = add(shape.max_out_of_line, ms.max_out_of_line);
                    shape.has_flexible_envelope |= ms.has_flexible_envelope;
                }
                shape.has_padding |= !s.members.is_empty() && end != inline_size;
            }
            Decl::Table(t) => {
                shape.depth = 1;
                shape.has_flexible_envelope = true;
                let max_ordinal = t.members.iter().map(|m| m.ordinal).max().unwrap_or(0) as u32;
                shape.max_out_of_line = mul(max_ordinal, 8);
                for m in &t.members {
                    let ms = self.shape_of(&m.ty)?;
                    self.add_envelope(&mut shape, &ms);
                    shape.max_handles = add(shape.max_handles, ms.max_handles);
                    shape.depth = shape.depth.max(add(ms.depth, 2));
                }
            }
            Decl::Union(u) => {
                shape.depth = 1;
                shape.has_flexible_envelope = !u.strict;
                let mut ool = 0;
                for m in &u.members {
                    let ms = self.shape_of(&m.ty)?;
                    let mut single = TypeShape::default();
                    self.add_envelope(&mut single, &ms);
                    ool = ool.max(single.max_out_of_line);
                    shape.has_padding |= single.has_padding;
                    shape.has_flexible_envelope |= single.has_flexible_envelope;
                    shape.max_handles = shape.max_handles.max(ms.max_handles);
                    shape.depth = shape.depth.max(add(ms.depth, 1));
                }
                shape.max_out_of_line = ool;
            }
            _ => {}
        }
        Ok(shape)
    }

    /// Accounts for one envelope holding a value of shape `ms`: values of 4
    /// bytes or less are inlined, larger ones go out of line, 8-aligned.
    fn add_envelope(&self, shape: &mut TypeShape, ms: &TypeShape) {
        if ms.inline_size > 4 {
            shape.max_out_of_line =
                add(shape.max_out_of_line, add(round8(ms.inline_size), ms.max_out_of_line));
            shape.has_padding |= !ms.inline_size.is_multiple_of(8);
        } else {
            shape.max_out_of_line = add(shape.max_out_of_line, ms.max_out_of_line);
            shape.has_padding |= ms.inline_size < 4;
        }
        shape.has_padding |= ms.has_padding;
        shape.has_flexible_envelope |= ms.has_flexible_envelope;
    }
}

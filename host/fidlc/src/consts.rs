//! Constant expressions: literals, references to constants and to enum/bits
//! members, and `|` of bits or unsigned integers.

use crate::ast::{Constant, Literal};
use crate::error::Error;
use crate::ir::{ConstValue, PrimitiveType, Type};
use crate::parser::parse_unsigned;

/// Parses an integer literal as written (may start with '-').
pub fn parse_integer(text: &str) -> Option<i128> {
    match text.strip_prefix('-') {
        Some(rest) => parse_unsigned(rest).map(|v| -i128::from(v)),
        None => parse_unsigned(text).map(i128::from),
    }
}

/// Checks that a literal fits `expected` and converts it.
pub fn literal_value(
    literal: &Literal,
    expected: &Type,
    underlying: Option<PrimitiveType>,
    span: &crate::error::Span,
) -> Result<ConstValue, Error> {
    let mismatch = || {
        Error::new(span, format!("constant cannot be interpreted as type {}", type_label(expected)))
    };
    match (literal, expected) {
        (Literal::Bool(b), Type::Primitive(PrimitiveType::Bool)) => Ok(ConstValue::Bool(*b)),
        (Literal::Str(s), Type::String { max_len, .. }) => {
            if let Some(max) = max_len
                && s.len() as u64 > u64::from(*max)
            {
                return Err(Error::new(
                    span,
                    format!("string constant of {} bytes exceeds the bound {max}", s.len()),
                ));
            }
            Ok(ConstValue::String(s.clone()))
        }
        (Literal::Number(text), _) => {
            let prim = underlying.ok_or_else(mismatch)?;
            match prim {
                PrimitiveType::Float32 | PrimitiveType::Float64 => text
                    .parse::<f64>()
                    .ok()
                    .or_else(|| parse_integer(text).map(|v| v as f64))
                    .map(ConstValue::Float)
                    .ok_or_else(mismatch),
                PrimitiveType::Bool => Err(mismatch()),
                _ => {
                    let value = parse_integer(text).ok_or_else(mismatch)?;
                    check_range(value, prim, span)?;
                    Ok(ConstValue::Int(value))
                }
            }
        }
        _ => Err(mismatch()),
    }
}

pub fn check_range(
    value: i128,
    prim: PrimitiveType,
    span: &crate::error::Span,
) -> Result<(), Error> {
    let (min, max) = prim.integer_range().unwrap_or((i128::MIN, i128::MAX));
    if value < min || value > max {
        return Err(Error::new(
            span,
            format!("constant value {value} does not fit in {}", prim.fidl_name()),
        ));
    }
    Ok(())
}

/// A short label for a type in messages.
pub fn type_label(ty: &Type) -> String {
    match ty {
        Type::Primitive(p) => p.fidl_name().to_string(),
        Type::String { .. } => "string".to_string(),
        Type::Vector { .. } => "vector".to_string(),
        Type::Array { .. } => "array".to_string(),
        Type::Handle { resource, .. } => resource.name.clone(),
        Type::Endpoint { server: false, .. } => "client_end".to_string(),
        Type::Endpoint { server: true, .. } => "server_end".to_string(),
        Type::Struct { name, .. }
        | Type::Table { name }
        | Type::Union { name, .. }
        | Type::Enum { name }
        | Type::Bits { name } => name.to_string(),
        Type::FrameworkError => "framework error".to_string(),
    }
}

/// Whether the constant is the bare word `optional`.
pub fn is_optional_marker(c: &Constant) -> bool {
    matches!(c, Constant::Name(n) if n.parts.len() == 1 && n.parts[0] == "optional")
}

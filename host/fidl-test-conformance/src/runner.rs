//! Runs GIDL cases through the generated bindings' real encode and decode
//! paths and reports pass, fail (with the reason) or skip (with the reason).

use std::mem::ManuallyDrop;

use fidl::{Channel, Event, MessageBufEtc, NullableHandle, ObjectType, Rights};

use crate::gidl::{Case, CaseKind, HandleDef, HandleKind};
use crate::reflect::{Ctx, Key, TypeOps, Value};

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

/// Looks up a generated type by FIDL name.
pub type Lookup = fn(&str) -> Option<TypeOps>;

/// Why a case is outside what these bindings support, if it is. The Rust
/// bindings follow the Dropped unknown-data policy, so cases written for
/// the Stored policy do not apply.
pub fn skip_reason(case: &Case) -> Option<String> {
    let allow = case.bindings_allowlist.as_ref()?;
    if allow.iter().any(|b| b == "rust") {
        return None;
    }
    if contains_unknown_data(case.value.as_ref()) || case.name.ends_with("Stored") {
        return Some(
            "Stored unknown-data policy (these bindings drop unknown data, like in-tree Rust)"
                .into(),
        );
    }
    if case.err.as_deref() == Some("NON_RESOURCE_UNKNOWN_HANDLES") {
        return Some("goes with the Stored unknown-data policy; Dropped closes the handles (see ...CloseHandles)".into());
    }
    None
}

fn contains_unknown_data(value: Option<&Value>) -> bool {
    match value {
        Some(Value::UnknownData { .. }) => true,
        Some(Value::Object { fields, .. }) => {
            fields.iter().any(|(_, v)| contains_unknown_data(Some(v)))
        }
        Some(Value::List(items)) => items.iter().any(|v| contains_unknown_data(Some(v))),
        _ => false,
    }
}

/// Creates the handles of `handle_defs`, with the requested rights.
fn create_handles(defs: &[HandleDef], lookup: Lookup) -> Result<Ctx, String> {
    let mut ctx = Ctx { lookup: Some(lookup), ..Ctx::default() };
    for (i, def) in defs.iter().enumerate() {
        let handle: NullableHandle = match def.kind {
            HandleKind::Event => Event::create().into_handle(),
            HandleKind::Channel => Channel::create().0.into_handle(),
        };
        let handle = match def.rights {
            Some(bits) => handle
                .replace_handle(Rights::from_bits_retain(bits))
                .map_err(|s| format!("reducing rights of #{i}: {s}"))?,
            None => handle,
        };
        let koid = handle.koid().map_err(|s| format!("koid of #{i}: {s}"))?.raw_koid();
        ctx.koids.push(koid);
        ctx.handles.push(Some(handle));
    }
    Ok(ctx)
}

fn unrepresentable(message: &str) -> bool {
    message.contains("unrepresentable:")
}

fn type_ops(case: &Case, lookup: Lookup) -> Result<(String, TypeOps), String> {
    let name = match (&case.type_name, &case.value) {
        (Some(t), _) => t.clone(),
        (None, Some(Value::Object { name, .. })) => name.clone(),
        (None, Some(Value::Decode(spec))) => spec.type_name.clone(),
        _ => return Err("case names no type".into()),
    };
    let ops = lookup(&name).ok_or_else(|| format!("no generated type '{name}'"))?;
    Ok((name, ops))
}

/// Runs one case. A value the Rust types cannot hold (an unknown member of
/// a strict enum, a union with no member) is a skip only for
/// `encode_failure` cases, where in-tree Rust cannot run them either;
/// anywhere else it is a failure.
pub fn run(case: &Case, lookup: Lookup) -> Outcome {
    if let Some(reason) = skip_reason(case) {
        return Outcome::Skipped(reason);
    }
    match run_inner(case, lookup) {
        Ok(()) => Outcome::Passed,
        Err(m) if case.kind == CaseKind::EncodeFailure && unrepresentable(&m) => {
            Outcome::Skipped(m)
        }
        Err(m) => Outcome::Failed(m),
    }
}

fn run_inner(case: &Case, lookup: Lookup) -> Result<(), String> {
    let (type_name, ops) = type_ops(case, lookup)?;
    let mut ctx = create_handles(&case.handle_defs, lookup)?;
    match case.kind {
        CaseKind::Success => {
            let value = case.value.as_ref().ok_or("missing value")?;
            let (bytes, dispositions) = encode_ok(case, &ops, value, &mut ctx)?;
            let infos = transfer(&bytes, dispositions)?;
            let (decoded, _keep) =
                (ops.decode)(&bytes, infos).map_err(|e| format!("decode failed: {e}"))?;
            compare(value, &decoded, &ctx, &type_name)
        }
        CaseKind::EncodeSuccess => {
            let value = case.value.as_ref().ok_or("missing value")?;
            encode_ok(case, &ops, value, &mut ctx).map(drop)
        }
        CaseKind::DecodeSuccess => {
            let value = case.value.as_ref().ok_or("missing value")?;
            let bytes = case.bytes.as_ref().ok_or("missing bytes")?;
            let indices = case.handles.as_deref().unwrap_or_default();
            let infos = ctx.handle_infos(indices)?;
            let views = handle_views(&infos, indices, &ctx);
            let (decoded, keep) =
                (ops.decode)(bytes, infos).map_err(|e| format!("decode failed: {e}"))?;
            compare(value, &decoded, &ctx, &type_name)?;
            // Handles the value does not hold (unknown data) must be closed.
            // (Handles it holds were checked by koid in `compare`; a handle
            // whose rights were reduced has a new raw value.)
            let mut kept = Vec::new();
            referenced_handles(value, &mut kept);
            if let Some((index, _, _)) = views
                .iter()
                .find(|(index, raw, koid)| !kept.contains(index) && is_open(*raw, *koid))
            {
                return Err(format!("handle #{index} of dropped unknown data left open"));
            }
            drop(keep);
            Ok(())
        }
        CaseKind::EncodeFailure => {
            let value = case.value.as_ref().ok_or("missing value")?;
            let expected = case.err.as_deref().ok_or("missing err")?;
            match (ops.encode)(value, &mut ctx)? {
                Ok(_) => Err(format!("encode succeeded, expected {expected}")),
                Err(e) => check_code(&e, expected),
            }
        }
        CaseKind::DecodeFailure => {
            let bytes = case.bytes.as_ref().ok_or("missing bytes")?;
            let expected = case.err.as_deref().ok_or("missing err")?;
            let indices = case.handles.as_deref().unwrap_or_default();
            let infos = ctx.handle_infos(indices)?;
            let views = handle_views(&infos, indices, &ctx);
            match (ops.decode)(bytes, infos) {
                Ok((v, _)) => Err(format!("decode succeeded with {v:?}, expected {expected}")),
                Err(e) => {
                    check_code(&e, expected)?;
                    match views.iter().find(|(_, raw, koid)| is_open(*raw, *koid)) {
                        Some((index, _, _)) => {
                            Err(format!("handle #{index} left open after a failed decode"))
                        }
                        None => Ok(()),
                    }
                }
            }
        }
    }
}

/// `(#N, raw handle value, koid)` of each handle given to a decoder.
fn handle_views(
    infos: &[fidl::HandleInfo],
    indices: &[usize],
    ctx: &Ctx,
) -> Vec<(usize, u32, u64)> {
    infos
        .iter()
        .zip(indices)
        .map(|(info, &i)| (i, info.handle.raw_handle(), ctx.koids[i]))
        .collect()
}

/// Whether raw handle value `raw` still names the object with `koid`.
fn is_open(raw: u32, koid: u64) -> bool {
    // SAFETY: the view is never dropped, so it neither closes nor owns the
    // handle; a stale value only makes `koid()` fail or name another object.
    let view = ManuallyDrop::new(unsafe { NullableHandle::from_raw(raw) });
    view.koid().is_ok_and(|k| k.raw_koid() == koid)
}

/// Indices of the handles (`#N`, `restrict(#N, ..)`) a value refers to.
fn referenced_handles(value: &Value, out: &mut Vec<usize>) {
    match value {
        Value::Handle(i) | Value::Restrict { handle: i, .. } => out.push(*i),
        Value::List(items) => items.iter().for_each(|v| referenced_handles(v, out)),
        Value::Object { fields, .. } => fields.iter().for_each(|(_, v)| referenced_handles(v, out)),
        _ => {}
    }
}

fn check_code(error: &fidl::Error, expected: &str) -> Result<(), String> {
    match error.conformance_code() {
        Some(code) if code == expected => Ok(()),
        code => Err(format!("got {code:?} ({error}), expected {expected}")),
    }
}

/// Encodes `value` and checks bytes and handles against the case.
fn encode_ok(
    case: &Case,
    ops: &TypeOps,
    value: &Value,
    ctx: &mut Ctx,
) -> Result<(Vec<u8>, Vec<fidl::HandleDisposition<'static>>), String> {
    let (bytes, dispositions) =
        (ops.encode)(value, ctx)?.map_err(|e| format!("encode failed: {e}"))?;
    let expected = case.bytes.as_ref().ok_or("missing bytes")?;
    if &bytes != expected {
        return Err(format!(
            "bytes differ:\n  got      {}\n  expected {}",
            hex(&bytes),
            hex(expected)
        ));
    }
    let actual: Vec<(u64, u32, u32)> = dispositions
        .iter()
        .map(|d| {
            // SAFETY: the disposition owns this live handle until it is
            // written or dropped; the view is never dropped, so the handle is
            // neither closed nor owned twice.
            let view = ManuallyDrop::new(unsafe { NullableHandle::from_raw(d.raw_handle()) });
            let koid = view.koid().map(|k| k.raw_koid()).unwrap_or(0);
            (koid, d.object_type.into_raw(), d.rights.bits())
        })
        .collect();
    if let Some(expected) = &case.handle_dispositions {
        let want: Vec<(u64, u32, u32)> =
            expected.iter().map(|d| (ctx.koids[d.handle], d.object_type, d.rights)).collect();
        if actual != want {
            return Err(format!(
                "handle dispositions (koid, type, rights) differ: got {actual:?}, expected {want:?}"
            ));
        }
    } else {
        let want: Vec<u64> = case.handles.iter().flatten().map(|&i| ctx.koids[i]).collect();
        let got: Vec<u64> = actual.iter().map(|a| a.0).collect();
        if got != want {
            return Err(format!("handles (koids) differ: got {got:?}, expected {want:?}"));
        }
    }
    Ok((bytes, dispositions))
}

/// Sends the encoded message through a channel, as the bindings would, and
/// returns the handles as the receiver sees them. Object type and rights
/// checks belong to the decoder, so the dispositions are sent unchecked.
fn transfer(
    bytes: &[u8],
    mut dispositions: Vec<fidl::HandleDisposition<'static>>,
) -> Result<Vec<fidl::HandleInfo>, String> {
    let (a, b) = Channel::create();
    for d in &mut dispositions {
        d.object_type = ObjectType::NONE;
        d.rights = Rights::SAME_RIGHTS;
    }
    a.write_etc(bytes, &mut dispositions).map_err(|s| format!("channel write: {s}"))?;
    let mut buf = MessageBufEtc::new();
    b.read_etc(&mut buf).map_err(|s| format!("channel read: {s}"))?;
    let (_, infos) = buf.split();
    Ok(infos)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// Compares an expected GIDL value with a decoded one.
pub fn compare(expected: &Value, actual: &Value, ctx: &Ctx, path: &str) -> Result<(), String> {
    let mismatch = || Err(format!("{path}: expected {expected:?}, got {actual:?}"));
    match (expected, actual) {
        (Value::Null, Value::Null) => Ok(()),
        (Value::Int(a), Value::Int(b)) if a == b => Ok(()),
        (Value::Int(a), Value::Float(b)) if *a as f64 == *b => Ok(()),
        (Value::Float(a), Value::Float(b)) if a == b || (a.is_nan() && b.is_nan()) => Ok(()),
        (Value::Bool(a), Value::Bool(b)) if a == b => Ok(()),
        (Value::String(a), Value::String(b)) if a == b => Ok(()),
        (Value::List(a), Value::List(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, ctx, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Object { fields: want, .. }, Value::Object { fields: got, .. }) => {
            for (key, value) in got {
                let sub = format!("{path}.{}", key_label(key));
                match want.iter().find(|(k, _)| k == key) {
                    Some((_, w)) => compare(w, value, ctx, &sub)?,
                    None => compare(&Value::Null, value, ctx, &sub)?,
                }
            }
            for (key, value) in want {
                if !got.iter().any(|(k, _)| k == key) && *value != Value::Null {
                    return Err(format!(
                        "{path}.{}: expected {value:?}, but it is absent",
                        key_label(key)
                    ));
                }
            }
            Ok(())
        }
        (Value::Handle(i), Value::DecodedHandle { koid, .. })
            if ctx.koids.get(*i) == Some(koid) =>
        {
            Ok(())
        }
        (
            Value::Restrict { handle, object_type, rights },
            Value::DecodedHandle { koid, object_type: t, rights: r },
        ) if ctx.koids.get(*handle) == Some(koid) && object_type == t && rights == r => Ok(()),
        _ => mismatch(),
    }
}

fn key_label(key: &Key) -> String {
    match key {
        Key::Name(n) => n.clone(),
        Key::Ordinal(o) => o.to_string(),
    }
}

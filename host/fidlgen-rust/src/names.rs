//! Rust spellings of FIDL names, following the in-tree Rust back end:
//! types and enum/union variants in UpperCamelCase, fields and methods in
//! snake_case, constants and bits members in UPPER_SNAKE_CASE, Rust keywords
//! escaped as raw identifiers (or suffixed with `_` where `r#` is invalid).

const KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Splits a FIDL identifier into lowercase words at `_` and case changes.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn escape(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        if matches!(name.as_str(), "self" | "Self" | "crate" | "super") {
            format!("{name}_")
        } else {
            format!("r#{name}")
        }
    } else {
        name
    }
}

/// `obj_type` -> `ObjType`, `CHANNEL` -> `Channel`.
pub fn upper_camel(name: &str) -> String {
    let s: String = words(name)
        .into_iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    escape(s)
}

/// `fooBar` -> `foo_bar`.
pub fn snake(name: &str) -> String {
    escape(words(name).join("_"))
}

/// `fooBar` -> `FOO_BAR`.
pub fn upper_snake(name: &str) -> String {
    escape(words(name).join("_").to_uppercase())
}

/// Crate name of a library's bindings: `fuchsia.foo` -> `fidl_fuchsia_foo`.
pub fn crate_name(library: &str) -> String {
    format!("fidl_{}", library.replace('.', "_"))
}

/// A Rust string literal for `s`.
pub fn string_literal(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions() {
        assert_eq!(upper_camel("obj_type"), "ObjType");
        assert_eq!(upper_camel("CHANNEL"), "Channel");
        assert_eq!(upper_camel("StrictBitsUint8"), "StrictBitsUint8");
        assert_eq!(upper_camel("HTTPServer"), "HttpServer");
        assert_eq!(snake("fooBar"), "foo_bar");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(upper_snake("rightsBasic"), "RIGHTS_BASIC");
        assert_eq!(upper_snake("SIGNAL_PEER"), "SIGNAL_PEER");
        assert_eq!(crate_name("test.conformance"), "fidl_test_conformance");
    }
}

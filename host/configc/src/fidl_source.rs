//! The FIDL library describing a configuration as a struct (what in-tree `configc fidl`
//! emits): one member per schema field, in schema (key) order.

use config_encoder::{ConfigDecl, ConfigNestedValueType, ConfigValueType};

/// The FIDL library name of the generated struct for client library `lib_name`:
/// `cf.sc.internal.<lib_name without '_' or '-'>` (FIDL library components allow no '_').
pub fn library_name(lib_name: &str) -> String {
    let component: String = lib_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    format!("cf.sc.internal.{component}")
}

fn nested_fidl_type(type_: &ConfigNestedValueType) -> String {
    match type_ {
        ConfigNestedValueType::String { max_size } => format!("string:{max_size}"),
        other => other.name().to_string(),
    }
}

/// The FIDL spelling of a field type (`uint32`, `string:10`, `vector<string:5>:3`).
pub fn fidl_type(type_: &ConfigValueType) -> String {
    match type_ {
        ConfigValueType::String { max_size } => format!("string:{max_size}"),
        ConfigValueType::Vector { max_count, nested_type } => {
            format!("vector<{}>:{max_count}", nested_fidl_type(nested_type))
        }
        other => other.name().to_string(),
    }
}

/// `library <library>; type Config = struct { ... };`
pub fn fidl_source(library: &str, decl: &ConfigDecl) -> String {
    let mut out = format!("library {library};\n\ntype Config = struct {{\n");
    for field in &decl.fields {
        out.push_str(&format!("    {} {};\n", field.key, fidl_type(&field.type_)));
    }
    out.push_str("};\n");
    out
}

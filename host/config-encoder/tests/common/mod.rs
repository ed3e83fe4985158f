//! Schemas shared by the tests.

use config_encoder::ConfigDecl;

/// The proxy_manager schema, fields listed out of key order on purpose.
pub const PROXY_MANAGER_CML: &str = r#"{
    include: [ "syslog/client.shard.cml" ],
    program: { runner: "elf", binary: "bin/proxy_manager" },
    config: {
        max_wake_sources: { type: "uint32", mutability: [ "parent" ] },
        max_proxies: { type: "uint32", mutability: [ "parent" ] },
    },
}"#;

/// One field of each shape that needs out-of-line data, listed out of key order.
pub const MIXED_CML: &str = r#"{
    config: {
        tags: { type: "vector", max_count: 3, element: { type: "string", max_size: 5 } },
        nums: { type: "vector", max_count: 4, element: { type: "uint16" } },
        name: { type: "string", max_size: 10 },
        flag: { type: "bool" },
    },
}"#;

pub fn decl(cml: &str) -> ConfigDecl {
    ConfigDecl::from_cml_str(cml).expect("valid schema").expect("schema has fields")
}

#[allow(dead_code)] // not every test binary uses it
pub fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

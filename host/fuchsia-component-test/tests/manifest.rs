//! Manifest parsing and URL resolution.

use fuchsia_component_test::Error;
use fuchsia_component_test::manifest::{Availability, Manifest, UseSource};
use fuchsia_component_test::resolver::{component_name, resolve_in};
use fuchsia_runtime::host::ComponentEntry;

#[test]
fn shards_become_host_diagnostics_uses_and_merge_with_explicit_uses() {
    let manifest = Manifest::parse(
        r##"{
            include: ["syslog/client.shard.cml", "inspect/client.shard.cml", "trace/client.shard.cml"],
            program: { runner: "elf", binary: "bin/pm" },
            use: [
                { protocol: "fuchsia.logger.LogSink", from: "parent/diagnostics" },
                { protocol: ["a.A", "b.B"] },
                { protocol: "c.C", path: "/svc/renamed", availability: "optional" },
                { dictionary: "diagnostics" },
                { config: "fuchsia.config.Ignored", key: "k", type: "bool" },
            ],
        }"##,
    )
    .unwrap();
    assert_eq!(manifest.binary.as_deref(), Some("bin/pm"));
    let uses: Vec<_> =
        manifest.uses.iter().map(|u| (u.name.as_str(), u.svc_entry.as_str())).collect();
    assert_eq!(
        uses,
        vec![
            ("fuchsia.logger.LogSink", "fuchsia.logger.LogSink"),
            ("fuchsia.inspect.InspectSink", "fuchsia.inspect.InspectSink"),
            ("fuchsia.tracing.provider.Registry", "fuchsia.tracing.provider.Registry"),
            ("a.A", "a.A"),
            ("b.B", "b.B"),
            ("c.C", "renamed"),
        ]
    );
    assert_eq!(manifest.uses[0].from, UseSource::ParentDictionary("diagnostics".into()));
    assert_eq!(manifest.uses[2].availability, Availability::Optional);
    assert_eq!(manifest.uses[3].from, UseSource::Parent);
    assert_eq!(manifest.uses[5].availability, Availability::Optional);
    assert_eq!(manifest.used_dictionaries, vec!["diagnostics".to_owned()]);
}

#[test]
fn exposes_map_to_declared_capabilities_and_their_paths() {
    let manifest = Manifest::parse(
        r##"{
            capabilities: [{ protocol: "a.A" }, { protocol: "b.B", path: "/custom/b" }],
            expose: [
                { protocol: "a.A", from: "self" },
                { protocol: "b.B", from: "self", as: "b.Renamed" },
            ],
        }"##,
    )
    .unwrap();
    assert_eq!(manifest.exposed_protocol("a.A").unwrap().outgoing_path, "svc/a.A");
    assert_eq!(manifest.exposed_protocol("b.Renamed").unwrap().outgoing_path, "custom/b");
    assert!(manifest.exposed_protocol("b.B").is_none());
    assert!(manifest.exposed_protocol("c.C").is_none());
}

#[test]
fn invalid_manifests_are_rejected_with_a_reason() {
    let cases = [
        ("{", "invalid JSON5"),
        ("[]", "must be an object"),
        (r##"{ include: ["other/shard.cml"] }"##, "no host equivalent"),
        (r##"{ children: [{ name: "c", url: "#meta/c.cm" }] }"##, "`children`"),
        (r##"{ offer: [{ protocol: "a", from: "parent", to: "#c" }] }"##, "`offer`"),
        (r##"{ expose: [{ protocol: "a.A", from: "self" }] }"##, "not declared"),
        (r##"{ expose: [{ protocol: "a.A" }] }"##, "needs `from`"),
        (
            r##"{ capabilities: [{ protocol: "a.A" }], expose: [{ protocol: "a.A", from: "#c" }] }"##,
            "children",
        ),
        (r##"{ expose: [{ protocol: "a.A", from: "framework" }] }"##, "unsupported expose source"),
        (r##"{ use: [{ protocol: "a.A", availability: "sometimes" }] }"##, "invalid availability"),
        (r##"{ use: [{ protocol: "a.A", from: "elsewhere" }] }"##, "invalid use source"),
        (r##"{ use: [{ protocol: "a.A", path: "/data/a" }] }"##, "not in /svc"),
        (r##"{ use: [{ protocol: ["a.A", "b.B"], path: "/svc/x" }] }"##, "exactly one"),
        (
            r##"{ use: [{ protocol: "a.A", path: "/svc/x" }, { protocol: "b.B", path: "/svc/x" }] }"##,
            "two protocols",
        ),
        (r##"{ use: [{ protocol: 3 }] }"##, "expected a name"),
        (r##"{ use: [{ protocol: "a.A", path: "/svc/.." }] }"##, "not in /svc"),
        (r##"{ use: [{ protocol: "a/A" }] }"##, "not a valid protocol name"),
        (r##"{ capabilities: [{ protocol: ".." }] }"##, "not a valid protocol name"),
        (
            r##"{ capabilities: [{ protocol: "a.A" }], expose: [{ protocol: "a.A", from: "self", as: "" }] }"##,
            "not a valid protocol name",
        ),
        (r##"{ use: {} }"##, "must be a list"),
        (r##"{ use: ["a.A"] }"##, "must be objects"),
        (r##"{ program: { binary: 1 } }"##, "must be a string"),
        (r##"{ capabilities: [{ protocol: "a.A" }, { protocol: "a.A" }] }"##, "declared twice"),
        (r##"{ capabilities: [{ protocol: "a.A", path: "svc/a" }] }"##, "must be absolute"),
        (
            r##"{ capabilities: [{ protocol: ["a.A", "b.B"] }], expose: [{ protocol: ["a.A", "b.B"], from: "self", as: "c" }] }"##,
            "exactly one",
        ),
        (
            r##"{ capabilities: [{ protocol: ["a.A", "b.B"] }], expose: [{ protocol: "a.A", from: "self", as: "c" }, { protocol: "b.B", from: "self", as: "c" }] }"##,
            "exposed twice",
        ),
    ];
    for (text, reason) in cases {
        let error = Manifest::parse(text).expect_err(text);
        assert!(error.contains(reason), "{text}: {error}");
    }
}

fn main_a() {}
fn main_b() {}

fn entry(package: &'static str, main: fn()) -> ComponentEntry {
    ComponentEntry { package, manifest_dir: env!("CARGO_MANIFEST_DIR"), main }
}

#[test]
fn urls_resolve_to_the_entry_whose_binary_matches() {
    let entries = [entry("echo-server", main_a), entry("echo_relay", main_b)];
    let resolved = resolve_in("#meta/echo_server.cm", &entries).unwrap();
    assert_eq!(resolved.main as usize, main_a as fn() as usize);
    assert!(resolved.manifest.exposed_protocol("test.protocol.Echo").is_some());
    let resolved = resolve_in("fuchsia-pkg://fuchsia.com/x#meta/echo_relay.cm", &entries).unwrap();
    assert_eq!(resolved.main as usize, main_b as fn() as usize);
}

#[test]
fn resolution_errors_name_the_problem() {
    let entries =
        [entry("echo_server", main_a), entry("echo-server", main_b), entry("other", main_a)];
    assert!(matches!(
        resolve_in("#meta/echo_server.cm", &entries),
        Err(Error::AmbiguousUrl { packages, .. }) if packages.len() == 2
    ));
    assert!(matches!(
        resolve_in("#meta/echo_relay.cm", &entries),
        Err(Error::UnresolvableUrl { name, .. }) if name == "echo_relay"
    ));
    let mut broken = entry("broken", main_a);
    broken.manifest_dir = "/nonexistent";
    assert!(matches!(
        resolve_in("#meta/echo_server.cm", &[broken]),
        Err(Error::UnresolvableUrl { .. })
    ));
    for url in ["meta/x.cm", "#meta/x", "#x.cm", "#meta/.cm", "#meta/a/b.cm"] {
        assert!(matches!(component_name(url), Err(Error::InvalidUrl(_))), "{url}");
    }
    assert_eq!(component_name("#meta/pm.cm").unwrap(), "pm");
}

#[test]
fn an_invalid_manifest_file_fails_resolution_with_its_path() {
    let error = Manifest::read(std::path::Path::new("/nonexistent/meta/x.cml")).unwrap_err();
    assert!(error.to_string().contains("/nonexistent/meta/x.cml"));
}

proptest::proptest! {
    /// Arbitrary manifest text is parsed or rejected with a reason, never a panic.
    #[test]
    fn arbitrary_manifest_text_never_panics(text in r#"[{}\[\]:,"a-z/#. 0-9_]{0,80}"#) {
        let _ = Manifest::parse(&text);
    }
}

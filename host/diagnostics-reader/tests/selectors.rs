//! Selector syntax.

use diagnostics_reader::{Selector, sanitize_moniker_for_selectors};

#[test]
fn component_parts_match_monikers_with_escapes_and_wildcards() {
    let exact = Selector::parse(r"realm_builder\:auto-1/proxy_manager:root").unwrap();
    assert!(exact.matches_moniker("realm_builder:auto-1/proxy_manager"));
    assert!(!exact.matches_moniker("realm_builder:auto-2/proxy_manager"));
    assert!(!exact.matches_moniker("realm_builder:auto-1/proxy_manager/child"));

    let star = Selector::parse(r"realm_builder\:*/proxy_*:root").unwrap();
    assert!(star.matches_moniker("realm_builder:auto-9/proxy_manager"));
    assert!(!star.matches_moniker("realm_builder:auto-9/other"));

    let recursive = Selector::parse(r"core/**:root").unwrap();
    assert!(recursive.matches_moniker("core"));
    assert!(recursive.matches_moniker("core/a/b"));
    assert!(!recursive.matches_moniker("other/a"));

    let literal_star = Selector::parse(r"a\*b:root").unwrap();
    assert!(literal_star.matches_moniker("a*b"));
    assert!(!literal_star.matches_moniker("axb"));
}

#[test]
fn malformed_selectors_are_rejected() {
    for text in [
        "no-tree",
        "a:b:c:d",
        ":root",
        "a:",
        "a//b:root",
        "**/a:root",
        r"a\x:root",
        "a\\",
        "a:[name=x:root",
        "a:[oops]root",
        "a:[name=]root",
        "a:root:",
    ] {
        assert!(Selector::parse(text).is_err(), "{text:?} should be rejected");
    }
}

#[test]
fn tree_name_filters_parse() {
    use diagnostics_reader::TreeNames;
    let all = Selector::parse("a:[...]root").unwrap();
    let some = Selector::parse(r#"a:[name=one, name="two"]root/x:y"#).unwrap();
    let default = Selector::parse("a:root").unwrap();
    for (selector, name, expected) in [
        (&all, "anything", true),
        (&some, "one", true),
        (&some, "two", true),
        (&some, "root", false),
        (&default, "root", true),
        (&default, "one", false),
    ] {
        assert_eq!(selector.tree_names().matches(name), expected, "{selector:?} {name}");
    }
    assert_eq!(all.tree_names(), &TreeNames::All);
    assert_eq!(some.tree_names(), &TreeNames::Some(vec!["one".into(), "two".into()]));
}

#[test]
fn sanitizing_escapes_selector_metacharacters() {
    assert_eq!(
        sanitize_moniker_for_selectors("realm_builder:auto-1/pm"),
        r"realm_builder\:auto-1/pm"
    );
    assert_eq!(sanitize_moniker_for_selectors(r"a*b\c,d"), r"a\*b\\c\,d");
}

proptest::proptest! {
    /// Any text parses to a selector or an error; neither parsing nor matching panics.
    #[test]
    fn arbitrary_selector_text_never_panics(text in r"[a-z:/*\\\[\]=,. \x22-]{0,40}", moniker in r"[a-z:/*-]{0,20}") {
        if let Ok(selector) = Selector::parse(&text) {
            let _ = selector.matches_moniker(&moniker);
            let _ = selector.tree_names().matches(&moniker);
        }
    }

    /// Sanitized monikers select exactly themselves.
    #[test]
    fn a_sanitized_moniker_matches_itself(segments in proptest::collection::vec(r"[a-z0-9_:*,\\.-]{1,8}", 1..4)) {
        let moniker = segments.join("/");
        let selector = Selector::parse(&format!("{}:root", sanitize_moniker_for_selectors(&moniker))).unwrap();
        proptest::prop_assert!(selector.matches_moniker(&moniker));
        let other = format!("{moniker}x");
        proptest::prop_assert!(!selector.matches_moniker(&other));
    }
}

//! Successful compilation: names, resolved types, shapes, protocols.

use fidlc::ir::*;

fn compile(text: &str) -> fidlc::Compilation {
    fidlc::Compiler::new().source("a.fidl", text).compile().unwrap_or_else(|e| panic!("{e}"))
}

fn q(name: &str) -> QualifiedName {
    QualifiedName { library: "test.lib".to_string(), name: name.to_string() }
}

const PROTOCOLS: &str = r#"
library test.lib;
using zx;

/// A thing.
@discoverable
open protocol Thing {
    strict OneWay(struct { x uint32; });
    flexible TwoWay(table { 1: a string; }) -> (struct { y vector<uint8>:10; });
    strict WithError() -> () error int32;
    strict -> OnEvent(resource union { 1: h zx.Handle:<CHANNEL, zx.Rights.READ | zx.Rights.WRITE>; });
    @selector("Renamed")
    strict Selected() -> ();
    compose Base;
};

closed protocol Base {
    strict Ping() -> ();
};
"#;

#[test]
fn method_kinds_ordinals_and_generated_names() {
    let c = compile(PROTOCOLS);
    let Some(Decl::Protocol(p)) = c.library.find("Thing") else { panic!() };
    assert_eq!(p.openness, Openness::Open);
    assert_eq!(p.discoverable_name.as_deref(), Some("test.lib.Thing"));
    assert_eq!(p.attributes.doc(), Some(" A thing.\n"));
    let names: Vec<&str> = p.methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["OneWay", "TwoWay", "WithError", "OnEvent", "Selected", "Ping"]);
    let m = &p.methods[0];
    assert_eq!((m.kind, m.strict), (MethodKind::OneWay, true));
    assert_eq!(m.request, Some(Type::Struct { name: q("ThingOneWayRequest"), boxed: false }));
    assert_eq!(m.ordinal, fidlc::method_ordinal("test.lib", "Thing", "OneWay"));
    let m = &p.methods[1];
    assert_eq!(m.request, Some(Type::Table { name: q("ThingTwoWayRequest") }));
    let r = m.result.as_ref().expect("flexible two-way uses a result union");
    assert_eq!(r.union_name, q("Thing_TwoWay_Result"));
    assert_eq!(r.success, Type::Struct { name: q("Thing_TwoWay_Response"), boxed: false });
    assert!(r.framework_error && r.error.is_none());
    let m = &p.methods[2];
    let r = m.result.as_ref().expect("error syntax uses a result union");
    assert_eq!(r.error, Some(Type::Primitive(PrimitiveType::Int32)));
    assert!(!r.framework_error);
    assert!(
        matches!(c.library.find("Thing_WithError_Response"), Some(Decl::Struct(s)) if s.members.is_empty())
    );
    let Some(Decl::Union(u)) = c.library.find("Thing_WithError_Result") else { panic!() };
    assert!(u.is_result && u.strict);
    assert_eq!(u.members.iter().map(|m| m.ordinal).collect::<Vec<_>>(), [1, 2]);
    let m = &p.methods[3];
    assert_eq!((m.kind, m.strict), (MethodKind::Event, true));
    assert_eq!(m.response, Some(Type::Union { name: q("ThingOnEventRequest"), optional: false }));
    assert_eq!(p.methods[4].ordinal, fidlc::method_ordinal("test.lib", "Thing", "Renamed"));
    assert!(p.methods[4].result.is_none());
    // Composed methods keep the ordinal of the protocol that defines them.
    assert_eq!(p.methods[5].ordinal, fidlc::method_ordinal("test.lib", "Base", "Ping"));
    let Some(Decl::Union(ev)) = c.library.find("ThingOnEventRequest") else { panic!() };
    assert!(!ev.strict, "unions default to flexible");
    assert_eq!(
        ev.members[0].ty,
        Type::Handle {
            resource: QualifiedName { library: "zx".into(), name: "Handle".into() },
            object_type: 4,
            rights: 0xc,
            optional: false
        }
    );
}

#[test]
fn protocol_defaults_to_open_with_flexible_methods() {
    let c = compile("library test.lib;\nprotocol P { M(); };");
    let Some(Decl::Protocol(p)) = c.library.find("P") else { panic!() };
    assert_eq!(p.openness, Openness::Open);
    assert!(!p.methods[0].strict);
    assert!(p.discoverable_name.is_none());
}

#[test]
fn aliases_consts_enums_bits() {
    let c = compile(
        r#"library test.lib;
        const MAX uint32 = 0x10;
        alias Name = string:MAX;
        type E = flexible enum : int8 { A = -1; @unknown B = 5; };
        type F = strict enum { X = 1; };
        type B = strict bits : uint8 { ONE = 1; FOUR = 0b100; };
        const BOTH B = B.ONE | B.FOUR;
        type S = struct { n Name:optional; e E; v vector<Name>:MAX; a array<uint16, MAX>; };
        "#,
    );
    let Some(Decl::Const(k)) = c.library.find("BOTH") else { panic!() };
    assert_eq!(k.value, ConstValue::Int(5));
    let Some(Decl::Enum(e)) = c.library.find("E") else { panic!() };
    assert_eq!((e.subtype, e.unknown_value, e.strict), (PrimitiveType::Int8, 5, false));
    let Some(Decl::Enum(f)) = c.library.find("F") else { panic!() };
    assert_eq!((f.subtype, f.unknown_value), (PrimitiveType::Uint32, u32::MAX as i128));
    let Some(Decl::Bits(b)) = c.library.find("B") else { panic!() };
    assert_eq!(b.mask, 5);
    let Some(Decl::Struct(s)) = c.library.find("S") else { panic!() };
    assert_eq!(s.members[0].ty, Type::String { max_len: Some(16), optional: true });
    assert_eq!(
        s.members[2].ty,
        Type::Vector {
            element: Box::new(Type::String { max_len: Some(16), optional: false }),
            max_len: Some(16),
            optional: false
        }
    );
    let offsets: Vec<u32> = s.members.iter().map(|m| m.offset).collect();
    assert_eq!(offsets, [0, 16, 24, 40]);
    assert_eq!(s.shape.inline_size, 72);
    assert!(s.shape.has_padding);
    assert_eq!(s.shape.depth, 2);
    assert_eq!(s.shape.max_out_of_line, 16 + (16 * 16 + 16 * 16));
}

#[test]
fn shapes_of_tables_unions_and_recursion() {
    let c = compile(
        r#"library test.lib;
        type T = table { 1: a uint8; 3: b uint64; };
        type U = strict union { 1: a uint32; 2: b string:3; };
        type Node = struct { next box<Node>; };
        type P = struct { a uint8; b uint32; };
        "#,
    );
    let Some(Decl::Table(t)) = c.library.find("T") else { panic!() };
    assert_eq!((t.shape.inline_size, t.shape.alignment), (16, 8));
    assert_eq!(t.shape.max_out_of_line, 3 * 8 + 8);
    assert!(t.shape.has_flexible_envelope);
    let Some(Decl::Union(u)) = c.library.find("U") else { panic!() };
    assert_eq!(u.shape.max_out_of_line, 16 + 8);
    // fidlc's depth: a union adds one level (its envelope), a table two.
    assert_eq!((u.shape.depth, t.shape.depth), (2, 2));
    assert!(!u.shape.has_flexible_envelope);
    let Some(Decl::Struct(n)) = c.library.find("Node") else { panic!() };
    assert_eq!(n.shape.inline_size, 8);
    assert_eq!(n.shape.depth, u32::MAX);
    let Some(Decl::Struct(p)) = c.library.find("P") else { panic!() };
    assert_eq!((p.shape.inline_size, p.members[1].offset, p.shape.has_padding), (8, 4, true));
}

#[test]
fn dependency_library_is_resolved() {
    let c = fidlc::Compiler::new()
        .source("a.fidl", "library test.lib;\nusing dep.x as d;\ntype S = struct { e d.E; };")
        .dependency("dep.fidl", "library dep.x;\ntype E = enum : uint16 { A = 1; };")
        .compile()
        .unwrap();
    let Some(Decl::Struct(s)) = c.library.find("S") else { panic!() };
    let Type::Enum { name } = &s.members[0].ty else { panic!() };
    assert_eq!(name.library, "dep.x");
    assert!(matches!(c.find(name), Some(Decl::Enum(e)) if e.subtype == PrimitiveType::Uint16));
    assert_eq!(s.shape.inline_size, 2);
}

#[test]
fn elements_removed_before_head_are_left_out() {
    let c = compile(
        r#"@available(added=1)
        library test.lib;
        @available(added=1, removed=2)
        type Old = struct {};
        type S = struct {
            a uint8;
            @available(removed=3)
            b uint32;
        };
        protocol P {
            M();
            @available(added=1, replaced=2)
            N();
        };
        "#,
    );
    assert!(c.library.find("Old").is_none());
    let Some(Decl::Struct(s)) = c.library.find("S") else { panic!() };
    assert_eq!(s.members.len(), 1);
    assert_eq!(s.shape.inline_size, 1);
    let Some(Decl::Protocol(p)) = c.library.find("P") else { panic!() };
    assert_eq!(p.methods.len(), 1);
}

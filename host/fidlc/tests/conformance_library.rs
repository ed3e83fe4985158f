//! Compiles the shared GIDL conformance library (`*.test.fidl`) and checks
//! names, shapes and offsets the conformance bytes depend on.

use std::path::PathBuf;

use fidlc::ir::{Decl, Type};

fn conformance_dir() -> PathBuf {
    std::env::var_os("GIDL_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
    })
}

fn compile() -> fidlc::Compilation {
    let mut compiler = fidlc::Compiler::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(conformance_dir())
        .expect("conformance dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".test.fidl"))
        .collect();
    paths.sort();
    for p in paths {
        let f = fidlc::SourceFile::read(&p).expect("readable");
        compiler = compiler.source(f.path, f.text);
    }
    compiler.compile().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn whole_library_compiles() {
    let c = compile();
    assert_eq!(c.library.name, "test.conformance");
    assert!(c.library.decls.len() > 200, "{} decls", c.library.decls.len());
}

#[test]
fn anonymous_layouts_get_fidlc_names() {
    let c = compile();
    assert!(matches!(c.library.find("TableOfEndpointsTable"), Some(Decl::Table(t)) if t.anonymous));
    assert!(matches!(c.library.find("UnionOfEndpointsUnion"), Some(Decl::Union(u)) if u.anonymous));
}

#[test]
fn handle_constraints_resolve_against_local_resource() {
    let c = compile();
    let Some(Decl::Struct(s)) = c.library.find("EventWithReducedRights") else { panic!() };
    match &s.members[0].ty {
        Type::Handle { object_type, rights, optional, .. } => {
            assert_eq!(*object_type, 5);
            assert_eq!(*rights, 0x1 | 0x2 | 0x4000 | 0x8000);
            assert!(!optional);
        }
        other => panic!("{other:?}"),
    }
    let Some(Decl::Struct(s)) = c.library.find("MultipleHandleSubtypes") else { panic!() };
    let types: Vec<u32> = s
        .members
        .iter()
        .map(|m| match m.ty {
            Type::Handle { object_type, .. } => object_type,
            _ => panic!(),
        })
        .collect();
    assert_eq!(types, [0, 5, 4]);
}

#[test]
fn struct_shapes_and_offsets() {
    let c = compile();
    let Some(Decl::Struct(s)) = c.library.find("ShortStringThenHandle") else { panic!() };
    assert_eq!(s.shape.inline_size, 24);
    assert_eq!(s.members[1].offset, 16);
    assert_eq!(s.shape.max_handles, 1);
    let Some(Decl::Struct(e)) = c.library.find("EmptyStruct") else { panic!() };
    assert_eq!((e.shape.inline_size, e.shape.alignment), (1, 1));
}

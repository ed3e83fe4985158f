//! Structured configuration given to registered children.

mod common;

use config_encoder::{ConfigDecl, ConfigFields, ConfigOverride, parse_values_file};
use fidl_test_protocol::{EchoMarker, EchoProxy};
use fuchsia_async as fasync;
use fuchsia_component_test::{
    Capability, ChildOptions, Error, RealmBuilder, RealmInstance, Ref, Route,
};
use futures::FutureExt;
use std::path::Path;

fn run<F: std::future::Future>(future: F) -> F::Output {
    fasync::LocalExecutor::default().run_singlethreaded(future)
}

fn meta(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("meta").join(file)
}

/// The VMO contents component manager would give config_reader with `overrides`.
fn expected_hex(overrides: &[ConfigOverride]) -> String {
    let decl = ConfigDecl::from_cml_file(&meta("config_reader.cml")).unwrap().unwrap();
    let values = parse_values_file(&decl, &meta("config_reader_config_values.json5")).unwrap();
    let bytes = ConfigFields::resolve(&decl, values, overrides).unwrap().encode_as_fidl_struct();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn reader_config(realm: &RealmInstance) -> String {
    let echo = realm.root.connect_to_protocol_at_exposed_dir::<EchoProxy>().unwrap();
    echo.echo_string("config").await.unwrap()
}

async fn reader_realm(
    setup: impl AsyncFnOnce(&RealmBuilder, &fuchsia_component_test::ChildRef),
) -> Result<RealmInstance, Error> {
    let builder = RealmBuilder::new().await?;
    let reader = builder.add_child("reader", "#meta/config_reader.cm", ChildOptions::new()).await?;
    builder
        .add_route(
            Route::new()
                .capability(Capability::protocol::<EchoMarker>())
                .from(&reader)
                .to(Ref::parent()),
        )
        .await?;
    setup(&builder, &reader).await;
    builder.build().await
}

#[test]
fn packaged_values_reach_the_component_as_its_config_vmo() {
    run(async {
        let realm = reader_realm(async |_, _| {}).await.unwrap();
        assert_eq!(reader_config(&realm).await, expected_hex(&[]));
    });
}

#[test]
fn overrides_after_init_from_package_replace_packaged_values() {
    run(async {
        let realm = reader_realm(async |builder, reader| {
            builder.init_mutable_config_from_package(reader).await.unwrap();
            builder.set_config_value(reader, "max_items", 9u32.into()).await.unwrap();
        })
        .await
        .unwrap();
        let overridden =
            expected_hex(&[ConfigOverride { key: "max_items".into(), value: 9u32.into() }]);
        assert_eq!(reader_config(&realm).await, overridden);
        assert_ne!(overridden, expected_hex(&[]));
    });
}

#[test]
fn init_to_empty_needs_every_field() {
    run(async {
        let missing = reader_realm(async |builder, reader| {
            builder.init_mutable_config_to_empty(reader).await.unwrap();
            builder.set_config_value(reader, "max_items", 9u32.into()).await.unwrap();
        })
        .await;
        assert!(matches!(missing, Err(Error::MissingConfigValue { key, .. }) if key == "label"));

        let realm = reader_realm(async |builder, reader| {
            builder.init_mutable_config_to_empty(reader).await.unwrap();
            builder.set_config_value(reader, "max_items", 4u32.into()).await.unwrap();
            builder.set_config_value(reader, "label", "packaged".into()).await.unwrap();
        })
        .await
        .unwrap();
        assert_eq!(reader_config(&realm).await, expected_hex(&[]), "same values, same bytes");
    });
}

#[test]
fn set_config_value_errors_are_reported_at_the_call() {
    run(async {
        let builder = RealmBuilder::new().await.unwrap();
        let reader = builder
            .add_child("reader", "#meta/config_reader.cm", ChildOptions::new())
            .await
            .unwrap();
        assert!(matches!(
            builder.set_config_value(&reader, "max_items", 1u32.into()).await,
            Err(Error::ConfigNotMutable(_))
        ));
        builder.init_mutable_config_from_package(&reader).await.unwrap();
        let override_error = |result: Result<(), Error>| match result {
            Err(Error::ConfigOverride { source, .. }) => source,
            other => panic!("expected a ConfigOverride error, got {other:?}"),
        };
        assert!(matches!(
            override_error(builder.set_config_value(&reader, "nope", 1u32.into()).await),
            config_encoder::ResolutionError::FieldDoesNotExist { .. }
        ));
        assert!(matches!(
            override_error(builder.set_config_value(&reader, "max_items", "text".into()).await),
            config_encoder::ResolutionError::InvalidValue { .. }
        ));
        assert!(matches!(
            override_error(
                builder.set_config_value(&reader, "label", "far too long a label".into()).await
            ),
            config_encoder::ResolutionError::InvalidValue { .. }
        ));

        let fixed =
            builder.add_child("fixed", "#meta/config_fixed.cm", ChildOptions::new()).await.unwrap();
        builder.init_mutable_config_from_package(&fixed).await.unwrap();
        assert!(matches!(
            override_error(builder.set_config_value(&fixed, "fixed", true.into()).await),
            config_encoder::ResolutionError::FieldIsNotMutable { .. }
        ));

        let local = builder
            .add_local_child("local", |_| async { Ok(()) }.boxed(), ChildOptions::new())
            .await
            .unwrap();
        assert!(matches!(
            builder.init_mutable_config_from_package(&local).await,
            Err(Error::NoConfigSchema(_))
        ));
        assert!(matches!(
            RealmBuilder::new().await.unwrap().init_mutable_config_to_empty(&reader).await,
            Err(Error::NoSuchChild(_))
        ));
    });
}

#[test]
fn a_config_schema_without_packaged_values_fails_at_build() {
    run(async {
        let builder = RealmBuilder::new().await.unwrap();
        builder.add_child("fixed", "#meta/config_fixed.cm", ChildOptions::new()).await.unwrap();
        assert!(matches!(builder.build().await, Err(Error::ConfigValues { .. })));
    });
}

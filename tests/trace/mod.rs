// Copyright 2026 The Fuchsia Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//! Wake attribution in traces, read back as in-tree tests read them: the hermetic trace
//! manager in the realm, a session over `fuchsia.tracing.controller`, its socket read to
//! the end and parsed as FXT. Category `power` holds an async span per activation (named
//! by the wake source), an instant per waking message and the pending-messages counter.

use super::attribution::{deliver, fidl_request, handle_all};
use super::linger::re_added;
use super::{Realm, Setup, add, read_message, wait_for_active};
use fidl_fuchsia_starnix_proxy::ProxyManagerRemoveProxyRequest;
use fidl_fuchsia_tracing_controller::{
    ProvisionerProxy, SessionMarker, SessionProxy, StartOptions, StopOptions, TraceConfig,
};
use fuchsia_async as fasync;
use futures::AsyncReadExt;
use fxt::{ArgValue, EventPayload, EventRecord, TraceRecord};

/// The provider name of the component's process: its manifest's name.
const PROVIDER: &str = "proxy_manager.cm";

/// Waits until the component's trace provider has registered, then starts a session
/// recording `categories`; returns it and the task reading its socket to the end.
async fn start_tracing(
    provisioner: &ProvisionerProxy,
    categories: &[&str],
) -> (SessionProxy, fasync::Task<Vec<u8>>) {
    // The provider registers from its own thread as the component starts; a session
    // started after that starts it before StartTracing answers.
    while !provisioner
        .get_providers()
        .await
        .unwrap()
        .iter()
        .any(|provider| provider.name.as_deref() == Some(PROVIDER))
    {}
    let (session, server) = fidl::endpoints::create_proxy::<SessionMarker>();
    let (reader, writer) = zx::Socket::create_stream();
    let config = TraceConfig {
        categories: Some(categories.iter().map(|c| (*c).to_owned()).collect()),
        ..Default::default()
    };
    provisioner.initialize_tracing(server, &config, writer).unwrap();
    let reading = fasync::Task::local(async move {
        let mut bytes = Vec::new();
        fasync::Socket::from_socket(reader).read_to_end(&mut bytes).await.unwrap();
        bytes
    });
    session.start_tracing(&StartOptions::default()).await.unwrap().unwrap();
    (session, reading)
}

/// Stops the session with its results written, ends it, and returns the component's events.
async fn stop_tracing(session: SessionProxy, reading: fasync::Task<Vec<u8>>) -> Vec<EventRecord> {
    let options = StopOptions { write_results: Some(true), ..Default::default() };
    let stopped = session.stop_tracing(&options).await.unwrap().unwrap();
    let stats = stopped.provider_stats.unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].records_dropped, Some(0), "the buffer held the whole trace");
    drop(session);
    let (records, warnings) = fxt::parse_full_session(&reading.await).unwrap();
    assert_eq!(warnings, vec![]);
    records
        .into_iter()
        .filter_map(|record| match record {
            TraceRecord::Event(event) => Some(event),
            _ => None,
        })
        .inspect(|event| {
            assert_eq!(
                event.provider.as_ref().map(|p| p.name.to_string()).as_deref(),
                Some(PROVIDER)
            );
            assert_eq!(Some(event.process.0), stats[0].pid);
        })
        .collect()
}

/// The argument `key` of `event`.
fn arg<'e>(event: &'e EventRecord, key: &str) -> Option<&'e ArgValue> {
    event.args.iter().find(|arg| arg.name == key).map(|arg| &arg.value)
}

/// The two spans of track `name`, one after the other: each begun with a `source_id`, the
/// first ended with ordinal 0xa1 and the second with none. Their (source id, span id).
fn two_spans(events: &[EventRecord], name: &str) -> [(u64, u64); 2] {
    let spans: Vec<_> = named(events, name)
        .into_iter()
        .map(|event| (event.payload.clone(), arg(event, "source_id"), arg(event, "ordinal")))
        .collect();
    let [
        (EventPayload::AsyncBegin { id: first }, Some(ArgValue::Unsigned64(first_source)), None),
        (EventPayload::AsyncEnd { id: first_end }, None, Some(ArgValue::Unsigned64(0xa1))),
        (EventPayload::AsyncBegin { id: second }, Some(ArgValue::Unsigned64(second_source)), None),
        (EventPayload::AsyncEnd { id: second_end }, None, None),
    ] = spans.as_slice()
    else {
        panic!("two spans of {name}, the first ended with ordinal 0xa1: {spans:?}");
    };
    assert_eq!((first, second), (first_end, second_end), "each span ends as it began");
    [(*first_source, *first), (*second_source, *second)]
}

/// The events named `name`.
fn named<'e>(events: &'e [EventRecord], name: &str) -> Vec<&'e EventRecord> {
    events.iter().filter(|event| event.name == name).collect()
}

#[fuchsia::test]
async fn each_activation_is_a_span_with_its_waking_message_and_pending_count() {
    let realm = Realm::start(Setup { trace_manager: true, ..Setup::default() }).await;
    let provisioner = realm.provisioner.as_ref().unwrap();
    let (session, reading) = start_tracing(provisioner, &["power"]).await;

    let (id, pair) = add(&realm.manager, "wifi").await;
    wait_for_active(&realm.manager, &[]).await;
    // A FIDL request wakes the container, then a message without a FIDL header.
    deliver(&pair, &fidl_request(0xa1)).await;
    wait_for_active(&realm.manager, &[id]).await;
    handle_all(&realm, &pair).await;
    deliver(&pair, b"not fidl").await;
    wait_for_active(&realm.manager, &[id]).await;
    handle_all(&realm, &pair).await;
    let events = stop_tracing(session, reading).await;
    assert!(events.iter().all(|event| event.category == "power"));

    // One async span per activation, on the wake source's own track (its name), begun with
    // the source's id and ended with the ordinal that caused it, where there is one.
    let [(first_source, first), (second_source, second)] = two_spans(&events, "wifi");
    assert_eq!((first_source, second_source), (id, id));
    assert_ne!(first, second, "each activation is its own span");

    // The waking messages, within their spans.
    let waking = named(&events, "proxy_manager:waking_message");
    let causes: Vec<_> = waking
        .iter()
        .map(|event| (event.payload.clone(), arg(event, "name"), arg(event, "ordinal")))
        .collect();
    let wifi = ArgValue::String("wifi".into());
    assert_eq!(
        causes,
        vec![
            (EventPayload::Instant, Some(&wifi), Some(&ArgValue::Unsigned64(0xa1))),
            (EventPayload::Instant, Some(&wifi), None),
        ]
    );
    let spans = named(&events, "wifi");
    for (instant, (begin, end)) in waking.iter().zip([(spans[0], spans[1]), (spans[2], spans[3])]) {
        assert!(begin.timestamp <= instant.timestamp && instant.timestamp <= end.timestamp);
    }

    // The pending-messages counter of the proxy's wake source: positive at each activation,
    // zero at each deactivation.
    let pending: Vec<_> = named(&events, "proxy_manager:pending_messages")
        .into_iter()
        .map(|event| (event.payload.clone(), arg(event, "pending").cloned()))
        .collect();
    let sample = |n| (EventPayload::Counter { id }, Some(ArgValue::Signed64(n)));
    assert_eq!(pending, vec![sample(1), sample(0), sample(1), sample(0)]);
}

#[fuchsia::test]
async fn a_session_without_the_power_category_gets_no_attribution_events() {
    let realm = Realm::start(Setup { trace_manager: true, ..Setup::default() }).await;
    let provisioner = realm.provisioner.as_ref().unwrap();
    let (session, reading) = start_tracing(provisioner, &["other"]).await;
    let (id, pair) = add(&realm.manager, "wifi").await;
    deliver(&pair, &fidl_request(0xa1)).await;
    wait_for_active(&realm.manager, &[id]).await;
    handle_all(&realm, &pair).await;
    assert_eq!(stop_tracing(session, reading).await, vec![]);
}

#[fuchsia::test]
async fn a_takeover_ends_the_lingering_span_and_begins_the_new_source_s() {
    let realm = Realm::start(Setup { trace_manager: true, ..Setup::default() }).await;
    let provisioner = realm.provisioner.as_ref().unwrap();
    let (session, reading) = start_tracing(provisioner, &["power"]).await;

    // A proxy ends with a message unhandled; the runner re-adds one with the same counter.
    let (old, pair) = add(&realm.manager, "wifi").await;
    deliver(&pair, &fidl_request(0xa1)).await;
    wait_for_active(&realm.manager, &[old]).await;
    let remove = ProxyManagerRemoveProxyRequest { id: Some(old), ..Default::default() };
    realm.manager.remove_proxy(&remove).await.unwrap().unwrap();
    let (spec, again) = re_added("wifi", &pair);
    let new = realm.manager.add_proxy(spec).await.unwrap().unwrap().id.unwrap();
    wait_for_active(&realm.manager, &[new]).await;
    // The container handles everything: the new source's activation ends.
    again.remote.write(b"reconnected", &mut []).unwrap();
    read_message(&again.container).await;
    let pending = again.counter.read().unwrap();
    again.counter.add(-pending).unwrap();
    wait_for_active(&realm.manager, &[]).await;
    let events = stop_tracing(session, reading).await;

    // Two spans on the source's track, one after the other: the old source's, ended at the
    // takeover with the ordinal that woke it, then the new source's, begun at the takeover
    // (no message of its own caused it) and ended when the container had handled all.
    let [(first_source, _), (second_source, _)] = two_spans(&events, "wifi");
    assert_eq!((first_source, second_source), (old, new));
    let spans = named(&events, "wifi");
    assert!(spans[1].timestamp <= spans[2].timestamp, "the new span begins as the old one ends");
    // Only the message that first woke the container is a waking message.
    assert_eq!(named(&events, "proxy_manager:waking_message").len(), 1);
}

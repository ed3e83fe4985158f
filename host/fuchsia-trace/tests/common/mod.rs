//! Recording a trace the way the trace manager does, without one: each test runs in its own
//! component instance (its own engine), hands the engine a buffer, starts it, and reads the
//! buffer back as FXT after stopping it.

use fuchsia_runtime::host::{ComponentInstance, EnteredInstance};
use fuchsia_trace::host::{BufferingMode, Engine, engine};
use std::sync::Arc;
use trace_engine::MetadataRecord;

/// Buffer size of a recording, bytes.
pub const BUFFER_BYTES: u64 = 1 << 16;

/// A started engine of a fresh component instance the calling thread has entered.
pub struct Recording {
    pub engine: Arc<Engine>,
    buffer: zx::Vmo,
    _entered: EnteredInstance,
}

/// Enters a new instance named `name` and starts its engine for `categories`.
pub fn record(name: &str, categories: &[&str]) -> Recording {
    record_into(name, categories, BUFFER_BYTES)
}

/// As [`record`], with a buffer of `bytes`.
pub fn record_into(name: &str, categories: &[&str], bytes: u64) -> Recording {
    let recording = initialized(name, categories, bytes);
    recording.engine.start(Vec::new()).expect("start");
    recording
}

/// Enters a new instance and initializes its engine without starting it.
pub fn initialized(name: &str, categories: &[&str], bytes: u64) -> Recording {
    let instance =
        ComponentInstance::new(format!("realm_builder:t/{name}"), format!("#meta/{name}.cm"), []);
    let entered = instance.enter();
    let engine = engine();
    let buffer = zx::Vmo::create(bytes).expect("vmo");
    let provider_buffer = buffer.duplicate_handle(zx::Rights::SAME_RIGHTS).expect("duplicate");
    let categories = categories.iter().map(|c| (*c).to_owned()).collect();
    engine.initialize(provider_buffer, BufferingMode::Oneshot, categories).expect("initialize");
    Recording { engine, buffer, _entered: entered }
}

impl Recording {
    /// Stops the engine and returns the session as the trace manager would stream it.
    pub fn stop(&self) -> Vec<u8> {
        self.engine.stop();
        let contents = trace_engine::read_buffer(&self.buffer).expect("buffer");
        let mut session = MetadataRecord::MagicNumber.to_bytes().expect("magic");
        let info = MetadataRecord::ProviderInfo { provider_id: 1, name: "test.cm" };
        session.extend(info.to_bytes().expect("provider info"));
        session.extend(contents.records);
        session
    }

    /// Stops the engine and returns its event records, in order.
    pub fn events(&self) -> Vec<fxt::EventRecord> {
        let (records, warnings) = fxt::parse_full_session(&self.stop()).expect("parse");
        assert_eq!(warnings, vec![], "parsing warnings");
        records
            .into_iter()
            .filter_map(|record| match record {
                fxt::TraceRecord::Event(event) => Some(event),
                _ => None,
            })
            .collect()
    }

    /// Records dropped because the buffer was full (after `stop`).
    pub fn records_dropped(&self) -> u64 {
        trace_engine::read_buffer(&self.buffer).expect("buffer").header.num_records_dropped
    }
}

/// The names of `events`.
pub fn names(events: &[fxt::EventRecord]) -> Vec<String> {
    events.iter().map(|event| event.name.to_string()).collect()
}

/// The argument `key` of `event`.
pub fn arg<'e>(event: &'e fxt::EventRecord, key: &str) -> Option<&'e fxt::ArgValue> {
    event.args.iter().find(|arg| arg.name == key).map(|arg| &arg.value)
}

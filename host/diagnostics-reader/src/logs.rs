//! Logs read from the host archivist's log store (`fuchsia::host`): selection by moniker,
//! conversion to [`LogsData`], and the [`Subscription`] stream.

use crate::Error;
use crate::selectors::Selector;
use diagnostics_data::{
    BuilderArgs, ExtendedMoniker, LogsData, LogsDataBuilder, LogsField, LogsProperty, Severity,
    Timestamp,
};
use fuchsia::host::{FieldValue, LogRecord};
use futures::channel::mpsc;
use futures::stream::{FusedStream, Stream};
use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

fn severity(severity: fuchsia::Severity) -> Severity {
    match severity {
        fuchsia::Severity::Trace => Severity::Trace,
        fuchsia::Severity::Debug => Severity::Debug,
        fuchsia::Severity::Info => Severity::Info,
        fuchsia::Severity::Warn => Severity::Warn,
        fuchsia::Severity::Error => Severity::Error,
        fuchsia::Severity::Fatal => Severity::Fatal,
    }
}

/// A stored record as archivist serves it.
fn to_data(record: &LogRecord) -> LogsData {
    let moniker = ExtendedMoniker::parse_str(&record.moniker)
        .unwrap_or_else(|_| ExtendedMoniker::ComponentInstance(record.moniker.clone()));
    let mut builder = LogsDataBuilder::new(BuilderArgs {
        moniker,
        timestamp: Timestamp::from_nanos(record.timestamp_ns),
        component_url: Some(record.url.clone()),
        severity: severity(record.severity),
    })
    .set_message(record.message.clone())
    .set_rolled_out(record.rolled_out);
    for tag in &record.tags {
        builder = builder.add_tag(tag.clone());
    }
    if let Some(file) = &record.file {
        builder = builder.set_file(file.clone());
    }
    if let Some(line) = record.line {
        builder = builder.set_line(line.into());
    }
    for (key, value) in &record.fields {
        let key = LogsField::Other(key.clone());
        builder = builder.add_key(match value {
            FieldValue::Int(value) => LogsProperty::Int(key, *value),
            FieldValue::Uint(value) => LogsProperty::Uint(key, *value),
            FieldValue::Double(value) => LogsProperty::Double(key, *value),
            FieldValue::Bool(value) => LogsProperty::Bool(key, *value),
            FieldValue::Text(value) => LogsProperty::String(key, value.clone()),
        });
    }
    builder.build()
}

/// The records from `cursor` on of the components `selectors` select (all without
/// selectors), and the cursor after them.
pub(crate) fn read_selected(selectors: &[Selector], cursor: u64) -> (Vec<LogsData>, u64) {
    let (records, next) = fuchsia::host::read_from(cursor);
    let selected = records
        .iter()
        .filter(|record| {
            selectors.is_empty() || selectors.iter().any(|s| s.matches_moniker(&record.moniker))
        })
        .map(|record| to_data(record))
        .collect();
    (selected, next)
}

/// The records of the selected components kept when it was made, then each new one: a
/// stream that never ends (and never yields an error on the host).
///
/// Owned by the task that polls it; it holds a cursor into the log store, the records read
/// but not yet yielded, and while it waits a listener the store notifies on every append.
pub struct Subscription {
    selectors: Vec<Selector>,
    cursor: u64,
    ready: VecDeque<LogsData>,
    appended: Option<event_listener::EventListener>,
}

impl Subscription {
    pub(crate) fn new(selectors: Vec<Selector>) -> Self {
        Subscription { selectors, cursor: 0, ready: VecDeque::new(), appended: None }
    }

    /// Waits until the archive serves the subscription: at once on the host.
    pub async fn wait_for_ready(&self) {}

    /// Splits the subscription into its records and its errors.
    pub fn split_streams(self) -> (SubscriptionResultsStream<LogsData>, mpsc::Receiver<Error>) {
        let (errors, receiver) = mpsc::channel(ERROR_CHANNEL_SIZE);
        (
            SubscriptionResultsStream { subscription: self, _errors: errors, _data: PhantomData },
            receiver,
        )
    }
}

/// How many errors the error stream of `split_streams` holds, as in-tree.
const ERROR_CHANNEL_SIZE: usize = 2;

impl Stream for Subscription {
    type Item = Result<LogsData, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(data) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(data)));
            }
            if let Some(appended) = &mut this.appended
                && Pin::new(appended).poll(cx).is_pending()
            {
                return Poll::Pending;
            }
            // Listen before reading, so that a record appended after the read wakes us.
            this.appended = Some(fuchsia::host::listen());
            let (records, next) = read_selected(&this.selectors, this.cursor);
            this.cursor = next;
            this.ready.extend(records);
        }
    }
}

impl FusedStream for Subscription {
    fn is_terminated(&self) -> bool {
        false
    }
}

/// The records of a split [`Subscription`].
pub struct SubscriptionResultsStream<T> {
    subscription: Subscription,
    /// Keeps the error stream open as long as the records flow (no error is ever sent).
    _errors: mpsc::Sender<Error>,
    /// The in-tree type is generic over the data it yields; here only logs.
    _data: PhantomData<fn() -> T>,
}

impl Stream for SubscriptionResultsStream<LogsData> {
    type Item = LogsData;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<LogsData>> {
        let subscription = Pin::new(&mut self.get_mut().subscription);
        // The subscription yields no error on the host.
        subscription.poll_next(cx).map(|item| item.and_then(Result::ok))
    }
}

impl FusedStream for SubscriptionResultsStream<LogsData> {
    fn is_terminated(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_record_becomes_the_logs_data_archivist_serves() {
        let record = LogRecord {
            moniker: "realm_builder:auto-1/pm".to_owned(),
            url: "#meta/pm.cm".to_owned(),
            timestamp_ns: 42,
            severity: fuchsia::Severity::Fatal,
            message: "gone".to_owned(),
            fields: vec![
                ("i".to_owned(), FieldValue::Int(-1)),
                ("u".to_owned(), FieldValue::Uint(u64::MAX)),
                ("d".to_owned(), FieldValue::Double(0.5)),
                ("b".to_owned(), FieldValue::Bool(false)),
                ("t".to_owned(), FieldValue::Text("x".to_owned())),
            ],
            tags: vec!["pm".to_owned()],
            file: Some("src/main.rs".to_owned()),
            line: Some(9),
            rolled_out: 2,
        };
        let data = to_data(&record);
        assert_eq!(data.moniker.to_string(), "realm_builder:auto-1/pm");
        assert_eq!(data.metadata.component_url(), Some("#meta/pm.cm"));
        assert_eq!(data.metadata.timestamp, Timestamp::from_nanos(42));
        assert_eq!((data.severity(), data.msg()), (Severity::Fatal, Some("gone")));
        let keys: Vec<String> = data.payload_keys_strings().collect();
        assert_eq!(keys, ["b=false", "d=0.5", "i=-1", "t=x", format!("u={}", u64::MAX).as_str()]);
        assert_eq!(data.tags(), Some(&vec!["pm".to_owned()]));
        assert_eq!((data.file_path(), data.line_number()), (Some("src/main.rs"), Some(&9)));
        assert_eq!(data.rolled_out_logs(), Some(2));
    }
}

//! Async client: many two-way calls in flight on one channel, responses
//! routed by txid, and an event stream.

pub mod sync;
mod waker_set;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use futures::future::FusedFuture;
use futures::stream::{FusedStream, Stream};
use zx::{HandleInfo, Status};

use crate::encoding::{
    DynamicFlags, IncomingMessage, Openness, TransactionHeader, TypeMarker, encode_message,
};
use crate::{AsyncChannel, Error, Result};
use waker_set::WakerSet;

/// Largest txid a client allocates (the high bit is reserved for
/// `zx_channel_call`).
const MAX_TX_ID: u32 = 0x7fff_ffff;

/// The shared client of one channel; cloning shares it.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("protocol_name", &self.inner.protocol_name).finish()
    }
}

struct ClientInner {
    channel: AsyncChannel,
    protocol_name: &'static str,
    /// Calls, events and the terminal error. Locked briefly by any task that
    /// sends, polls a call or polls the event stream (any thread); never
    /// held across an await.
    state: Mutex<ClientState>,
    /// Tasks to wake when a message arrives (see [`WakerSet`]).
    waiters: Arc<WakerSet>,
}

#[derive(Default)]
struct ClientState {
    /// Last txid handed out; the next search starts after it.
    last_tx_id: u32,
    /// Two-way calls in flight, by txid.
    calls: HashMap<u32, CallSlot>,
    /// Events not yet taken by the event stream.
    events: VecDeque<IncomingMessage>,
    event_receiver: EventReceiverState,
    /// Set once the channel is unusable (peer closed, epitaph, protocol
    /// violation); every later call and the event stream report it.
    terminal: Option<Error>,
}

enum CallSlot {
    /// Waiting for the response to a call with this ordinal.
    Waiting { ordinal: u64 },
    /// The response (or why it cannot come) arrived; not yet polled.
    Ready(Result<IncomingMessage>),
    /// The caller dropped its future; the response is discarded on arrival.
    Abandoned,
}

#[derive(Default, PartialEq, Eq)]
enum EventReceiverState {
    /// Events are kept until the receiver is taken.
    #[default]
    NotTaken,
    Taken,
    /// The receiver was dropped: events are discarded.
    Dropped,
}

impl ClientInner {
    fn lock(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads every available message and routes it. Wakes all waiters when
    /// anything was delivered or the client became terminal.
    fn read_available(&self, state: &mut ClientState) {
        let waker = Waker::from(self.waiters.clone());
        let mut cx = Context::from_waker(&waker);
        let mut delivered = false;
        while state.terminal.is_none() {
            let mut bytes = Vec::new();
            let mut handles: Vec<HandleInfo> = Vec::new();
            match self.channel.read_etc(&mut cx, &mut bytes, &mut handles) {
                Poll::Pending => break,
                Poll::Ready(Err(Status::PEER_CLOSED)) => {
                    state.terminal = Some(Error::ClientChannelClosed {
                        status: Status::PEER_CLOSED,
                        protocol_name: self.protocol_name,
                        epitaph: None,
                    });
                }
                Poll::Ready(Err(status)) => state.terminal = Some(Error::ClientRead(status)),
                Poll::Ready(Ok(())) => self.dispatch(state, IncomingMessage::new(bytes, handles)),
            }
            delivered = true;
        }
        if delivered {
            self.waiters.wake_all();
        }
    }

    fn dispatch(&self, state: &mut ClientState, message: Result<IncomingMessage>) {
        let message = match message {
            Ok(message) => message,
            Err(error) => {
                state.terminal = Some(error);
                return;
            }
        };
        if message.header().is_epitaph() {
            state.terminal = Some(match message.decode_body::<i32>() {
                Ok(raw) => Error::ClientChannelClosed {
                    status: Status::from_raw(raw),
                    protocol_name: self.protocol_name,
                    epitaph: Some(raw as u32),
                },
                Err(error) => error,
            });
            return;
        }
        let tx_id = message.tx_id();
        if tx_id == 0 {
            if state.event_receiver != EventReceiverState::Dropped {
                state.events.push_back(message);
            }
            return;
        }
        match state.calls.get_mut(&tx_id) {
            Some(slot @ CallSlot::Waiting { .. }) => {
                let CallSlot::Waiting { ordinal } = *slot else { return };
                *slot = CallSlot::Ready(if message.ordinal() == ordinal {
                    Ok(message)
                } else {
                    Err(Error::InvalidResponseOrdinal {
                        expected: ordinal,
                        actual: message.ordinal(),
                    })
                });
            }
            Some(CallSlot::Abandoned) => {
                state.calls.remove(&tx_id);
            }
            Some(CallSlot::Ready(_)) | None => {
                state.terminal = Some(Error::InvalidResponseTxid { tx_id });
            }
        }
    }

    fn allocate_tx_id(state: &mut ClientState) -> u32 {
        loop {
            state.last_tx_id = if state.last_tx_id >= MAX_TX_ID { 1 } else { state.last_tx_id + 1 };
            if !state.calls.contains_key(&state.last_tx_id) {
                return state.last_tx_id;
            }
        }
    }

    fn write(&self, bytes: &[u8], handles: &mut [zx::HandleDisposition<'static>]) -> Result<()> {
        match self.channel.write_etc(bytes, handles) {
            // The peer is gone: the caller learns why (epitaph or not) when it
            // reads, as in-tree.
            Ok(()) | Err(Status::PEER_CLOSED) => Ok(()),
            Err(status) => Err(Error::ClientWrite(status)),
        }
    }

    fn poll_response(&self, tx_id: u32, cx: &mut Context<'_>) -> Poll<Result<IncomingMessage>> {
        self.waiters.register(cx.waker());
        let mut state = self.lock();
        self.read_available(&mut state);
        match state.calls.remove(&tx_id) {
            Some(CallSlot::Ready(result)) => Poll::Ready(result),
            Some(CallSlot::Waiting { ordinal }) => match &state.terminal {
                Some(error) => Poll::Ready(Err(error.clone())),
                None => {
                    state.calls.insert(tx_id, CallSlot::Waiting { ordinal });
                    Poll::Pending
                }
            },
            Some(CallSlot::Abandoned) | None => {
                Poll::Ready(Err(Error::InvalidResponseTxid { tx_id }))
            }
        }
    }

    fn abandon(&self, tx_id: u32) {
        let mut state = self.lock();
        if let Some(slot) = state.calls.get_mut(&tx_id) {
            match slot {
                CallSlot::Waiting { .. } => *slot = CallSlot::Abandoned,
                CallSlot::Ready(_) | CallSlot::Abandoned => {
                    state.calls.remove(&tx_id);
                }
            }
        }
    }
}

impl Client {
    /// A client of `protocol_name` on `channel`.
    pub fn new(channel: AsyncChannel, protocol_name: &'static str) -> Client {
        Client {
            inner: Arc::new(ClientInner {
                channel,
                protocol_name,
                state: Mutex::new(ClientState::default()),
                waiters: Arc::new(WakerSet::default()),
            }),
        }
    }

    /// The channel.
    pub fn as_channel(&self) -> &AsyncChannel {
        &self.inner.channel
    }

    /// Unwraps the channel; gives the client back while other clones exist.
    pub fn into_channel(self) -> std::result::Result<AsyncChannel, Client> {
        match Arc::try_unwrap(self.inner) {
            Ok(inner) => Ok(inner.channel),
            Err(inner) => Err(Client { inner }),
        }
    }

    /// Sends a one-way message. A closed peer is not an error (as in-tree);
    /// the closure shows in calls and the event stream.
    pub fn send<Req: TypeMarker>(
        &self,
        body: Req::Owned,
        ordinal: u64,
        flags: DynamicFlags,
    ) -> Result<()> {
        let (bytes, mut handles) =
            encode_message::<Req>(TransactionHeader::new(0, ordinal, flags), body)?;
        self.inner.write(&bytes, &mut handles)
    }

    /// Sends a two-way call; the future resolves to `decode(response body)`.
    pub fn send_query<Req: TypeMarker, Resp: TypeMarker, Output: 'static>(
        &self,
        body: Req::Owned,
        ordinal: u64,
        flags: DynamicFlags,
        decode: fn(Resp::Owned) -> Result<Output>,
    ) -> QueryResponseFut<Output> {
        let tx_id = {
            let mut state = self.inner.lock();
            if let Some(error) = &state.terminal {
                return QueryResponseFut::ready(Err(error.clone()));
            }
            let tx_id = ClientInner::allocate_tx_id(&mut state);
            state.calls.insert(tx_id, CallSlot::Waiting { ordinal });
            tx_id
        };
        let sent = encode_message::<Req>(TransactionHeader::new(tx_id, ordinal, flags), body)
            .and_then(|(bytes, mut handles)| self.inner.write(&bytes, &mut handles));
        if let Err(error) = sent {
            self.inner.lock().calls.remove(&tx_id);
            return QueryResponseFut::ready(Err(error));
        }
        QueryResponseFut {
            state: FutState::Pending {
                client: self.inner.clone(),
                tx_id,
                decode: Box::new(move |message: IncomingMessage| {
                    decode(message.decode_body::<Resp>()?)
                }),
            },
        }
    }

    /// The receiver of this client's events.
    ///
    /// # Panics
    /// If it was already taken (a programming error, as in-tree).
    pub fn take_event_receiver(&self) -> EventReceiver {
        let mut state = self.inner.lock();
        assert!(
            state.event_receiver == EventReceiverState::NotTaken,
            "the event receiver of {} was already taken",
            self.inner.protocol_name
        );
        state.event_receiver = EventReceiverState::Taken;
        EventReceiver { inner: self.inner.clone(), terminated: false }
    }
}

type DecodeFn<T> = Box<dyn FnOnce(IncomingMessage) -> Result<T> + Send>;

/// The future of a two-way call's response.
#[must_use = "futures do nothing unless polled"]
pub struct QueryResponseFut<T> {
    state: FutState<T>,
}

enum FutState<T> {
    Ready(Result<T>),
    Pending { client: Arc<ClientInner>, tx_id: u32, decode: DecodeFn<T> },
    Done,
}

impl<T> QueryResponseFut<T> {
    fn ready(result: Result<T>) -> Self {
        QueryResponseFut { state: FutState::Ready(result) }
    }
}

impl<T> fmt::Debug for QueryResponseFut<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueryResponseFut")
    }
}

impl<T> Unpin for QueryResponseFut<T> {}

impl<T> Future for QueryResponseFut<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.get_mut();
        if let FutState::Pending { client, tx_id, .. } = &this.state {
            let message = match client.poll_response(*tx_id, cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(message) => message,
            };
            if let FutState::Pending { decode, .. } =
                std::mem::replace(&mut this.state, FutState::Done)
            {
                return Poll::Ready(message.and_then(decode));
            }
        }
        match std::mem::replace(&mut this.state, FutState::Done) {
            FutState::Ready(result) => Poll::Ready(result),
            FutState::Pending { .. } | FutState::Done => {
                Poll::Ready(Err(Error::PollAfterCompletion))
            }
        }
    }
}

impl<T> FusedFuture for QueryResponseFut<T> {
    fn is_terminated(&self) -> bool {
        matches!(self.state, FutState::Done)
    }
}

impl<T> Drop for QueryResponseFut<T> {
    fn drop(&mut self) {
        if let FutState::Pending { client, tx_id, .. } = &self.state {
            client.abandon(*tx_id);
        }
    }
}

/// The stream of raw events of one client; generated event streams decode
/// them.
pub struct EventReceiver {
    inner: Arc<ClientInner>,
    terminated: bool,
}

impl fmt::Debug for EventReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventReceiver").field("terminated", &self.terminated).finish()
    }
}

impl EventReceiver {
    /// The next event; after the channel closes: `Err(ClientChannelClosed)`
    /// once if an epitaph or a protocol error ended it, then `None`.
    pub fn poll_next_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<IncomingMessage>>> {
        if self.terminated {
            return Poll::Ready(None);
        }
        self.inner.waiters.register(cx.waker());
        let mut state = self.inner.lock();
        self.inner.read_available(&mut state);
        if let Some(event) = state.events.pop_front() {
            return Poll::Ready(Some(Ok(event)));
        }
        match &state.terminal {
            None => Poll::Pending,
            Some(error) => {
                self.terminated = true;
                match error {
                    Error::ClientChannelClosed { epitaph: None, .. } => Poll::Ready(None),
                    error => Poll::Ready(Some(Err(error.clone()))),
                }
            }
        }
    }

    /// Whether the stream has ended.
    pub fn is_terminated(&self) -> bool {
        self.terminated
    }
}

impl Stream for EventReceiver {
    type Item = Result<IncomingMessage>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_next_event(cx)
    }
}

impl FusedStream for EventReceiver {
    fn is_terminated(&self) -> bool {
        self.terminated
    }
}

impl Drop for EventReceiver {
    fn drop(&mut self) {
        let mut state = self.inner.lock();
        state.event_receiver = EventReceiverState::Dropped;
        state.events.clear();
    }
}

/// Judges an event with an ordinal the protocol does not declare: a flexible
/// event on an open or ajar protocol gives `Ok(ordinal)` (its handles are
/// closed); anything else is `UnknownOrdinal`.
pub fn unknown_event(
    message: IncomingMessage,
    openness: Openness,
    protocol_name: &'static str,
) -> Result<u64> {
    let ordinal = message.ordinal();
    if message.is_flexible() && openness != Openness::Closed {
        Ok(ordinal)
    } else {
        Err(Error::UnknownOrdinal { ordinal, protocol_name })
    }
}

//! The Starnix runner's proxy loop, as written in-tree, runs on this crate: a
//! LocalExecutor in a std thread receives proxies over an async_channel and spawns one
//! local scope task per proxy, which selects over two fused OnSignals and forwards
//! messages with `read_uninit`, counting inbound messages on a zx::Counter.

use fuchsia_async as fasync;
use futures::FutureExt;
use std::cell::RefCell;
use std::mem::MaybeUninit;
use std::pin::pin;
use std::rc::Rc;

const MAX_BYTES: usize = zx::sys::ZX_CHANNEL_MAX_MSG_BYTES as usize;
const MAX_HANDLES: usize = zx::sys::ZX_CHANNEL_MAX_MSG_HANDLES as usize;

type BounceBytes = Rc<RefCell<[MaybeUninit<u8>; MAX_BYTES]>>;
type BounceHandles = Rc<RefCell<[MaybeUninit<zx::NullableHandle>; MAX_HANDLES]>>;

struct ChannelProxy {
    container_channel: zx::Channel,
    remote_channel: zx::Channel,
    message_counter: zx::Counter,
}

enum WaitReturn {
    Container,
    Remote,
}

/// Starts the proxy thread; it runs until `new_proxies` is closed.
fn run_proxy_thread(
    new_proxies: async_channel::Receiver<ChannelProxy>,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("proxy_thread".to_string())
        .spawn(move || {
            let mut executor = fasync::LocalExecutor::default();
            executor.run_singlethreaded(async move {
                let tasks = fasync::Scope::new();
                let bounce_bytes: BounceBytes =
                    Rc::new(RefCell::new([MaybeUninit::uninit(); MAX_BYTES]));
                let bounce_handles: BounceHandles =
                    Rc::new(RefCell::new([const { MaybeUninit::uninit() }; MAX_HANDLES]));
                while let Ok(proxy) = new_proxies.recv().await {
                    tasks.spawn_local(start_proxy(
                        proxy,
                        bounce_bytes.clone(),
                        bounce_handles.clone(),
                    ));
                }
                tasks.join().await;
            });
        })
        .unwrap()
}

async fn start_proxy(proxy: ChannelProxy, bytes: BounceBytes, handles: BounceHandles) {
    loop {
        let mut container_wait = pin!(
            fasync::OnSignals::new(
                proxy.container_channel.as_handle_ref(),
                zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED,
            )
            .fuse()
        );
        let mut remote_wait = pin!(
            fasync::OnSignals::new(
                proxy.remote_channel.as_handle_ref(),
                zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED,
            )
            .fuse()
        );
        let result = futures::select! {
            res = container_wait => res.map(|s| (s, WaitReturn::Container)),
            res = remote_wait => res.map(|s| (s, WaitReturn::Remote)),
        };
        let Ok((signals, finished_wait)) = result else { break };
        let forwarded = match finished_wait {
            WaitReturn::Container => forward_message(
                signals,
                &proxy.container_channel,
                &proxy.remote_channel,
                None,
                &mut bytes.borrow_mut(),
                &mut handles.borrow_mut(),
            ),
            WaitReturn::Remote => forward_message(
                signals,
                &proxy.remote_channel,
                &proxy.container_channel,
                Some(&proxy.message_counter),
                &mut bytes.borrow_mut(),
                &mut handles.borrow_mut(),
            ),
        };
        if forwarded.is_err() {
            break;
        }
    }
}

/// Forwards one message if readable; Err once the read side's peer is closed.
fn forward_message(
    signals: zx::Signals,
    read_channel: &zx::Channel,
    write_channel: &zx::Channel,
    message_counter: Option<&zx::Counter>,
    bytes: &mut [MaybeUninit<u8>; MAX_BYTES],
    handles: &mut [MaybeUninit<zx::NullableHandle>; MAX_HANDLES],
) -> Result<(), zx::Status> {
    if signals.contains(zx::Signals::CHANNEL_READABLE) {
        let (actual_bytes, actual_handles) = match read_channel.read_uninit(bytes, handles) {
            zx::ChannelReadResult::Ok(r) => r,
            zx::ChannelReadResult::BufferTooSmall { .. } => {
                return Err(zx::Status::BUFFER_TOO_SMALL);
            }
            zx::ChannelReadResult::Err(status) => return Err(status),
        };
        if let Some(counter) = message_counter {
            counter.add(1)?;
        }
        write_channel.write(actual_bytes, actual_handles)?;
    }
    if signals.contains(zx::Signals::CHANNEL_PEER_CLOSED) {
        Err(zx::Status::PEER_CLOSED)
    } else {
        Ok(())
    }
}

struct Ends {
    container_client: zx::Channel,
    remote_server: zx::Channel,
    counter: zx::Counter,
}

fn new_proxy() -> (ChannelProxy, Ends) {
    let (container_client, container_channel) = zx::Channel::create();
    let (remote_channel, remote_server) = zx::Channel::create();
    let message_counter = zx::Counter::create();
    let counter = message_counter.duplicate_handle(zx::Rights::SAME_RIGHTS).unwrap();
    (
        ChannelProxy { container_channel, remote_channel, message_counter },
        Ends { container_client, remote_server, counter },
    )
}

fn wait(handle: &impl zx::AsHandleRef, signals: zx::Signals) -> zx::Signals {
    handle.as_handle_ref().wait_one(signals, zx::MonotonicInstant::INFINITE).to_result().unwrap()
}

fn read(channel: &zx::Channel) -> Vec<u8> {
    wait(channel, zx::Signals::CHANNEL_READABLE);
    let mut buf = zx::MessageBuf::new();
    channel.read(&mut buf).unwrap();
    buf.bytes().to_vec()
}

#[test]
fn proxies_forward_both_ways_and_count_inbound_messages() {
    let (sender, receiver) = async_channel::unbounded();
    let thread = run_proxy_thread(receiver);
    let (first, first_ends) = new_proxy();
    let (second, second_ends) = new_proxy();
    sender.send_blocking(first).unwrap();
    sender.send_blocking(second).unwrap();

    // Inbound (remote -> container) messages are counted; outbound are not.
    first_ends.remote_server.write(b"in-1", &mut []).unwrap();
    first_ends.remote_server.write(b"in-2", &mut []).unwrap();
    assert_eq!(read(&first_ends.container_client), b"in-1");
    assert_eq!(read(&first_ends.container_client), b"in-2");
    assert_eq!(first_ends.counter.read().unwrap(), 2);
    first_ends.container_client.write(b"out", &mut []).unwrap();
    assert_eq!(read(&first_ends.remote_server), b"out");
    assert_eq!(first_ends.counter.read().unwrap(), 2);

    // Handles travel through the proxy.
    let event = zx::Event::create();
    let koid = event.koid().unwrap();
    second_ends.remote_server.write(b"handle", &mut [event.into_handle()]).unwrap();
    wait(&second_ends.container_client, zx::Signals::CHANNEL_READABLE);
    let mut buf = zx::MessageBuf::new();
    second_ends.container_client.read(&mut buf).unwrap();
    assert_eq!(buf.bytes(), b"handle");
    assert_eq!(buf.take_handle(0).unwrap().koid().unwrap(), koid);
    assert_eq!(second_ends.counter.read().unwrap(), 1);

    // Closing one side ends that proxy, which closes the other side.
    drop(first_ends.container_client);
    wait(&first_ends.remote_server, zx::Signals::CHANNEL_PEER_CLOSED);
    drop(second_ends.remote_server);
    wait(&second_ends.container_client, zx::Signals::CHANNEL_PEER_CLOSED);

    drop(sender);
    thread.join().unwrap();
}

#[test]
fn a_message_queued_with_peer_closed_is_forwarded_before_the_proxy_ends() {
    let (sender, receiver) = async_channel::unbounded();
    let (proxy, ends) = new_proxy();
    // Everything is queued before the proxy starts: both READABLE and PEER_CLOSED are
    // asserted at the first wait.
    ends.remote_server.write(b"a", &mut []).unwrap();
    ends.remote_server.write(b"b", &mut []).unwrap();
    drop(ends.remote_server);
    sender.send_blocking(proxy).unwrap();
    drop(sender);
    run_proxy_thread(receiver).join().unwrap();
    // The first wait saw READABLE and PEER_CLOSED together: the proxy forwarded one
    // message, then ended (the in-tree loop forwards one message per wakeup).
    let mut buf = zx::MessageBuf::new();
    ends.container_client.read(&mut buf).unwrap();
    assert_eq!(buf.bytes(), b"a");
    assert_eq!(ends.counter.read().unwrap(), 1);
    assert_eq!(ends.container_client.read(&mut buf), Err(zx::Status::PEER_CLOSED));
}

#[test]
fn proxy_task_under_test_executor_with_task_local() {
    let mut executor = fasync::TestExecutor::new();
    let (proxy, ends) = new_proxy();
    let bytes: BounceBytes = Rc::new(RefCell::new([MaybeUninit::uninit(); MAX_BYTES]));
    let handles: BounceHandles =
        Rc::new(RefCell::new([const { MaybeUninit::uninit() }; MAX_HANDLES]));
    let _task = fasync::Task::local(start_proxy(proxy, bytes, handles));
    let mut main = pin!(async {
        fasync::OnSignals::new(&ends.counter, zx::Signals::COUNTER_NON_POSITIVE).await.unwrap();
        ends.remote_server.write(&[0, 1, 2], &mut []).unwrap();
        fasync::OnSignals::new(&ends.counter, zx::Signals::COUNTER_POSITIVE).await.unwrap();
        ends.counter.add(-1).unwrap();
        fasync::OnSignals::new(&ends.counter, zx::Signals::COUNTER_NON_POSITIVE).await.unwrap();
        drop(ends.container_client);
        fasync::OnSignals::new(ends.remote_server, zx::Signals::CHANNEL_PEER_CLOSED).await.unwrap();
    });
    assert!(executor.run_until_stalled(&mut main).is_ready());
}

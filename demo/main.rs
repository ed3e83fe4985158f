//! Host demo: a few proxies on the proxy thread carry traffic with handles in both directions,
//! and the demo prints what each one delivered.

use proxy_manager::proxy::{ChannelProxy, ProxyRegistration};
use proxy_manager::proxy_thread::{Work, run_proxy_thread};

const PROXIES: usize = 3;
const MESSAGES_PER_PROXY: usize = 1000;

/// The container's side of one proxy, and what it received.
struct Endpoint {
    name: String,
    remote: zx::Channel,
    container: zx::Channel,
    counter: zx::Counter,
}

fn read_blocking(channel: &zx::Channel, buf: &mut zx::MessageBuf) -> Result<(), zx::Status> {
    loop {
        match channel.read(buf) {
            Err(zx::Status::SHOULD_WAIT) => {
                channel
                    .wait_one(
                        zx::Signals::CHANNEL_READABLE | zx::Signals::CHANNEL_PEER_CLOSED,
                        zx::MonotonicInstant::INFINITE,
                    )
                    .to_result()?;
            }
            other => return other,
        }
    }
}

fn main() -> anyhow::Result<()> {
    let (sender, receiver) = async_channel::unbounded();
    let proxy_thread = run_proxy_thread(receiver)?;

    let endpoints: Vec<Endpoint> = (0..PROXIES)
        .map(|i| {
            let (container, container_channel) = zx::Channel::create();
            let (remote_channel, remote) = zx::Channel::create();
            let message_counter = zx::Counter::create();
            let counter = message_counter.duplicate_handle(zx::Rights::SAME_RIGHTS)?;
            let name = format!("proxy-{i}");
            let proxy = ChannelProxy {
                container_channel,
                remote_channel,
                message_counter,
                name: name.clone(),
            };
            sender
                .try_send(Work::Proxy {
                    proxy,
                    registration: ProxyRegistration::default(),
                    on_end: Box::new(|_| {}),
                })
                .map_err(|_| anyhow::anyhow!("the proxy thread is gone"))?;
            Ok(Endpoint { name, remote, container, counter })
        })
        .collect::<anyhow::Result<_>>()?;
    drop(sender);

    let workers: Vec<_> = endpoints
        .into_iter()
        .map(|endpoint| {
            std::thread::spawn(move || -> anyhow::Result<String> {
                let mut buf = zx::MessageBuf::new();
                let (mut received, mut handles, mut replies) = (0, 0, 0);
                for i in 0..MESSAGES_PER_PROXY {
                    let mut attached = if i % 10 == 0 { vec![zx::Event::create().into_handle()] } else { vec![] };
                    endpoint.remote.write(format!("message {i}").as_bytes(), &mut attached)?;
                    read_blocking(&endpoint.container, &mut buf)?;
                    received += 1;
                    handles += buf.n_handles();
                    endpoint.counter.add(-1)?;
                    endpoint.container.write(b"ack", &mut [])?;
                    read_blocking(&endpoint.remote, &mut buf)?;
                    replies += 1;
                }
                Ok(format!(
                    "{:<8} into container: {received} messages ({handles} with a handle); replies to remote: {replies}; counter now {}",
                    endpoint.name,
                    endpoint.counter.read()?
                ))
            })
        })
        .collect();
    for worker in workers {
        println!("{}", worker.join().map_err(|_| anyhow::anyhow!("worker panicked"))??);
    }
    proxy_thread.join().map_err(|_| anyhow::anyhow!("proxy thread panicked"))?;
    println!("all proxies ended");
    Ok(())
}

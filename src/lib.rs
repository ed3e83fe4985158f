//! proxy_manager: forwards channel messages into a Starnix container, counting every message
//! that enters it so that the container is not suspended while one is unhandled, and tracks
//! the container's wake sources.

pub mod component;
pub mod config;
pub mod inspect;
pub mod manager;
pub mod proxy;
pub mod proxy_stats;
pub mod proxy_thread;
pub mod server;
pub mod wake_monitor;
pub mod wake_sources;

//! proxy_manager: forwards channel messages into a Starnix container, counting every message
//! that enters it so that the container is not suspended while one is unhandled.

pub mod proxy;
pub mod wake_sources;

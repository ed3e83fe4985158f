//! proxy_manager's structured configuration, as declared in the `config` block of
//! proxy_manager.cml: `proxy_manager_config::Config::take_from_startup_handle()`.

include!(concat!(env!("OUT_DIR"), "/proxy_manager_config.rs"));

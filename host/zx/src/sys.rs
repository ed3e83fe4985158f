//! Raw Zircon ABI types and constants (`zx::sys`).

#![allow(non_camel_case_types)]

pub type zx_handle_t = u32;
pub type zx_status_t = i32;
pub type zx_signals_t = u32;
pub type zx_rights_t = u32;
pub type zx_koid_t = u64;
pub type zx_obj_type_t = u32;
pub type zx_time_t = i64;
pub type zx_duration_t = i64;
pub type zx_handle_op_t = u32;

pub const ZX_HANDLE_INVALID: zx_handle_t = 0;
/// The two low bits of every valid handle value are set.
pub const ZX_HANDLE_FIXED_BITS_MASK: zx_handle_t = 0x3;

pub const ZX_KOID_INVALID: zx_koid_t = 0;
pub const ZX_KOID_KERNEL: zx_koid_t = 1;
/// The first koid given to an ordinary object.
pub const ZX_KOID_FIRST: zx_koid_t = 1024;

/// The largest message a channel carries, in bytes.
pub const ZX_CHANNEL_MAX_MSG_BYTES: u32 = 65536;
/// The most handles a channel message carries.
pub const ZX_CHANNEL_MAX_MSG_HANDLES: u32 = 64;

pub const ZX_HANDLE_OP_MOVE: zx_handle_op_t = 0;
pub const ZX_HANDLE_OP_DUPLICATE: zx_handle_op_t = 1;

pub const ZX_TIME_INFINITE: zx_time_t = i64::MAX;
pub const ZX_TIME_INFINITE_PAST: zx_time_t = i64::MIN;

pub const ZX_OK: zx_status_t = 0;

/// Size of an object name buffer, NUL included.
pub const ZX_MAX_NAME_LEN: usize = 32;

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

/// `zx_socket_create` options: a byte stream (0) or a datagram socket.
pub const ZX_SOCKET_STREAM: u32 = 0;
pub const ZX_SOCKET_DATAGRAM: u32 = 1 << 0;
/// `zx_socket_read` option: leave the bytes read in the socket.
pub const ZX_SOCKET_PEEK: u32 = 1 << 3;
/// `zx_socket_set_disposition` values.
pub const ZX_SOCKET_DISPOSITION_WRITE_DISABLED: u32 = 1 << 0;
pub const ZX_SOCKET_DISPOSITION_WRITE_ENABLED: u32 = 1 << 1;

/// The most bytes a FIFO's elements may take (`elem_count * elem_size`).
pub const ZX_FIFO_MAX_SIZE_BYTES: u32 = 4096;

/// `ZX_INFO_SOCKET`.
#[repr(C)]
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct zx_info_socket_t {
    pub options: u32,
    pub padding1: [u8; 4],
    pub rx_buf_max: usize,
    pub rx_buf_size: usize,
    pub rx_buf_available: usize,
    pub tx_buf_max: usize,
    pub tx_buf_size: usize,
}

//! `zx::Status`: the Zircon status codes (`zx_status_t`).
//!
//! Follows the in-tree `sdk/rust/zx-status/src/lib.rs`: the constants carry Zircon's names
//! without the `ZX_ERR_` prefix; Display prints that name (`ACCESS_DENIED`, `OK`), Debug
//! prints `Status(ACCESS_DENIED)`, and a code without a name prints
//! `Unknown zircon status code: N` (Display) or `Status(N)` (Debug).

use std::fmt;

/// A Zircon status code. `Status::OK` is 0, errors are negative.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Status(i32);

macro_rules! statuses {
    ($($name:ident = $value:expr;)*) => {
        impl Status {
            $(pub const $name: Status = Status($value);)*

            /// The constant's name (`OK`, `PEER_CLOSED`, ...), if the code has one.
            fn name(&self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some(stringify!($name)),)*
                    _ => None,
                }
            }
        }
    };
}

statuses! {
    OK = 0;
    INTERNAL = -1;
    NOT_SUPPORTED = -2;
    NO_RESOURCES = -3;
    NO_MEMORY = -4;
    INTERRUPTED_RETRY = -6;
    INVALID_ARGS = -10;
    BAD_HANDLE = -11;
    WRONG_TYPE = -12;
    BAD_SYSCALL = -13;
    OUT_OF_RANGE = -14;
    BUFFER_TOO_SMALL = -15;
    BAD_STATE = -20;
    TIMED_OUT = -21;
    SHOULD_WAIT = -22;
    CANCELED = -23;
    PEER_CLOSED = -24;
    NOT_FOUND = -25;
    ALREADY_EXISTS = -26;
    ALREADY_BOUND = -27;
    UNAVAILABLE = -28;
    ACCESS_DENIED = -30;
    IO = -40;
    IO_REFUSED = -41;
    IO_DATA_INTEGRITY = -42;
    IO_DATA_LOSS = -43;
    IO_NOT_PRESENT = -44;
    IO_OVERRUN = -45;
    IO_MISSED_DEADLINE = -46;
    IO_INVALID = -47;
    BAD_PATH = -50;
    NOT_DIR = -51;
    NOT_FILE = -52;
    FILE_BIG = -53;
    NO_SPACE = -54;
    NOT_EMPTY = -55;
    STOP = -60;
    NEXT = -61;
    ASYNC = -62;
    PROTOCOL_NOT_SUPPORTED = -70;
    ADDRESS_UNREACHABLE = -71;
    ADDRESS_IN_USE = -72;
    NOT_CONNECTED = -73;
    CONNECTION_REFUSED = -74;
    CONNECTION_RESET = -75;
    CONNECTION_ABORTED = -76;
}

impl Status {
    /// Wraps a raw `zx_status_t`.
    pub const fn from_raw(raw: i32) -> Status {
        Status(raw)
    }

    /// The raw `zx_status_t`.
    pub const fn into_raw(self) -> i32 {
        self.0
    }

    /// `Ok(())` for `ZX_OK`, the status as an error otherwise.
    pub fn ok(raw: i32) -> Result<(), Status> {
        if raw == Status::OK.0 { Ok(()) } else { Err(Status(raw)) }
    }
}

/// `Ok(())` for `ZX_OK`, the status as an error otherwise.
pub fn ok(raw: i32) -> Result<(), Status> {
    Status::ok(raw)
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "Status({name})"),
            None => write!(f, "Status({})", self.0),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Unknown zircon status code: {}", self.0),
        }
    }
}

impl std::error::Error for Status {}

impl Status {
    /// The status as an `std::io::Error` (what `From<Status>` gives), as in-tree.
    pub fn into_io_error(self) -> std::io::Error {
        self.into()
    }
}

/// The I/O error kind of a status, as in-tree (sdk/rust/zx-status/src/lib.rs).
impl From<Status> for std::io::ErrorKind {
    fn from(status: Status) -> std::io::ErrorKind {
        use std::io::ErrorKind::*;
        match status {
            Status::INTERRUPTED_RETRY => Interrupted,
            Status::BAD_HANDLE => BrokenPipe,
            Status::TIMED_OUT => TimedOut,
            Status::SHOULD_WAIT => WouldBlock,
            Status::PEER_CLOSED => ConnectionAborted,
            Status::NOT_FOUND => NotFound,
            Status::ALREADY_EXISTS | Status::ALREADY_BOUND => AlreadyExists,
            Status::UNAVAILABLE => AddrNotAvailable,
            Status::ACCESS_DENIED => PermissionDenied,
            Status::IO_REFUSED => ConnectionRefused,
            Status::IO_DATA_INTEGRITY => InvalidData,
            Status::BAD_PATH | Status::INVALID_ARGS | Status::OUT_OF_RANGE | Status::WRONG_TYPE => {
                InvalidInput
            }
            _ => Other,
        }
    }
}

/// The status of an I/O error kind, as in-tree.
impl From<std::io::ErrorKind> for Status {
    fn from(kind: std::io::ErrorKind) -> Status {
        use std::io::ErrorKind::*;
        match kind {
            NotFound => Status::NOT_FOUND,
            PermissionDenied => Status::ACCESS_DENIED,
            ConnectionRefused => Status::IO_REFUSED,
            ConnectionAborted | BrokenPipe => Status::PEER_CLOSED,
            AddrInUse => Status::ALREADY_BOUND,
            AddrNotAvailable => Status::UNAVAILABLE,
            AlreadyExists => Status::ALREADY_EXISTS,
            WouldBlock => Status::SHOULD_WAIT,
            InvalidInput => Status::INVALID_ARGS,
            TimedOut => Status::TIMED_OUT,
            Interrupted => Status::INTERRUPTED_RETRY,
            _ => Status::IO,
        }
    }
}

/// An I/O error carrying only the status's kind, as in-tree.
impl From<Status> for std::io::Error {
    fn from(status: Status) -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::from(status))
    }
}

/// The status of an I/O error's kind, as in-tree.
impl From<std::io::Error> for Status {
    fn from(error: std::io::Error) -> Status {
        error.kind().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_carry_the_in_tree_kinds_both_ways() {
        use std::io::ErrorKind;
        let cases = [
            (Status::SHOULD_WAIT, ErrorKind::WouldBlock),
            (Status::PEER_CLOSED, ErrorKind::ConnectionAborted),
            (Status::TIMED_OUT, ErrorKind::TimedOut),
            (Status::INVALID_ARGS, ErrorKind::InvalidInput),
            (Status::NOT_FOUND, ErrorKind::NotFound),
            (Status::ACCESS_DENIED, ErrorKind::PermissionDenied),
        ];
        for (status, kind) in cases {
            assert_eq!(std::io::Error::from(status).kind(), kind);
            assert_eq!(Status::from(std::io::Error::from(kind)), status);
        }
        assert_eq!(Status::BAD_STATE.into_io_error().kind(), ErrorKind::Other);
        assert_eq!(Status::from(ErrorKind::BrokenPipe), Status::PEER_CLOSED);
        assert_eq!(Status::from(ErrorKind::UnexpectedEof), Status::IO);
    }

    #[test]
    fn values_match_zircon() {
        assert_eq!(Status::PEER_CLOSED.into_raw(), -24);
        assert_eq!(Status::ACCESS_DENIED.into_raw(), -30);
        assert_eq!(Status::BUFFER_TOO_SMALL.into_raw(), -15);
        assert_eq!(Status::ok(0), Ok(()));
        assert_eq!(Status::ok(-14), Err(Status::OUT_OF_RANGE));
    }

    #[test]
    fn display_prints_the_bare_name_as_in_tree() {
        assert_eq!(Status::ACCESS_DENIED.to_string(), "ACCESS_DENIED");
        assert_eq!(Status::PEER_CLOSED.to_string(), "PEER_CLOSED");
        assert_eq!(Status::OK.to_string(), "OK");
    }

    #[test]
    fn debug_wraps_the_name_in_status_as_in_tree() {
        assert_eq!(format!("{:?}", Status::ACCESS_DENIED), "Status(ACCESS_DENIED)");
        assert_eq!(format!("{:?}", Status::OK), "Status(OK)");
    }

    #[test]
    fn an_unknown_code_prints_its_number_as_in_tree() {
        assert_eq!(Status::from_raw(-999).to_string(), "Unknown zircon status code: -999");
        assert_eq!(format!("{:?}", Status::from_raw(-999)), "Status(-999)");
        assert_eq!(Status::from_raw(7).to_string(), "Unknown zircon status code: 7");
    }
}

//! Event names: the strings an event may be named by.

use std::borrow::Cow;
use std::ffi::CStr;

/// A string that can name a trace event, as in-tree: `&'static str`, `&'static CStr`, an
/// owned `String` (written inline in the record in-tree), a `Cow<'static, str>`, or a
/// reference to any of them. Only category names must be static ([`crate::CategoryString`]).
pub trait AsTraceStrRef {
    /// The name as UTF-8 (lossy for a non-UTF-8 C string).
    fn as_trace_str(&self) -> Cow<'_, str>;
}

impl AsTraceStrRef for &'static CStr {
    fn as_trace_str(&self) -> Cow<'_, str> {
        self.to_string_lossy()
    }
}

impl AsTraceStrRef for &'static str {
    fn as_trace_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl AsTraceStrRef for String {
    fn as_trace_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl AsTraceStrRef for Cow<'static, str> {
    fn as_trace_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_ref())
    }
}

impl<T: AsTraceStrRef> AsTraceStrRef for &T {
    fn as_trace_str(&self) -> Cow<'_, str> {
        (*self).as_trace_str()
    }
}

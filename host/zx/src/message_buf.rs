//! Growable buffers for whole channel messages.

use crate::{HandleInfo, NullableHandle};

/// A message's bytes and handles, as `Channel::read` fills them.
#[derive(Debug, Default)]
pub struct MessageBuf {
    pub(crate) bytes: Vec<u8>,
    pub(crate) handles: Vec<NullableHandle>,
}

impl MessageBuf {
    pub fn new() -> MessageBuf {
        MessageBuf::default()
    }

    pub fn new_with(bytes: Vec<u8>, handles: Vec<NullableHandle>) -> MessageBuf {
        MessageBuf { bytes, handles }
    }

    pub fn split_mut(&mut self) -> (&mut Vec<u8>, &mut Vec<NullableHandle>) {
        (&mut self.bytes, &mut self.handles)
    }

    pub fn split(self) -> (Vec<u8>, Vec<NullableHandle>) {
        (self.bytes, self.handles)
    }

    pub fn ensure_capacity_bytes(&mut self, n_bytes: usize) {
        self.bytes.reserve(n_bytes.saturating_sub(self.bytes.len()));
    }

    pub fn ensure_capacity_handles(&mut self, n_handles: usize) {
        self.handles.reserve(n_handles.saturating_sub(self.handles.len()));
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn n_handles(&self) -> usize {
        self.handles.len()
    }

    /// Takes handle `index` out, leaving an invalid handle in its place.
    pub fn take_handle(&mut self, index: usize) -> Option<NullableHandle> {
        self.handles.get_mut(index).map(std::mem::take)
    }

    pub fn clear(&mut self) {
        self.bytes.clear();
        self.handles.clear();
    }
}

/// A message's bytes and handles with their types and rights, as `Channel::read_etc` fills them.
#[derive(Debug, Default)]
pub struct MessageBufEtc {
    pub(crate) bytes: Vec<u8>,
    pub(crate) handle_infos: Vec<HandleInfo>,
}

impl MessageBufEtc {
    pub fn new() -> MessageBufEtc {
        MessageBufEtc::default()
    }

    pub fn new_with(bytes: Vec<u8>, handle_infos: Vec<HandleInfo>) -> MessageBufEtc {
        MessageBufEtc { bytes, handle_infos }
    }

    pub fn split_mut(&mut self) -> (&mut Vec<u8>, &mut Vec<HandleInfo>) {
        (&mut self.bytes, &mut self.handle_infos)
    }

    pub fn split(self) -> (Vec<u8>, Vec<HandleInfo>) {
        (self.bytes, self.handle_infos)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn n_handle_infos(&self) -> usize {
        self.handle_infos.len()
    }

    pub fn clear(&mut self) {
        self.bytes.clear();
        self.handle_infos.clear();
    }
}

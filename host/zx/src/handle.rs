//! Handles: `Handle`, `NullableHandle`, borrowed `Unowned`/`HandleRef`, and the handle traits.

use crate::kernel::{table, wait};
use crate::{Koid, MonotonicInstant, ObjectType, Rights, Signals, Status, sys};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::num::NonZeroU32;

/// An owned, valid handle. Closes the handle when dropped.
#[derive(Debug, Eq, PartialEq, Ord, PartialOrd, Hash)]
#[repr(transparent)]
pub struct Handle(NonZeroU32);

impl Handle {
    /// Takes ownership of a raw handle value; `None` for `ZX_HANDLE_INVALID`.
    ///
    /// # Safety
    /// `raw` must be invalid or a handle no other owner will close.
    pub unsafe fn from_raw(raw: sys::zx_handle_t) -> Option<Handle> {
        NonZeroU32::new(raw).map(Handle)
    }

    pub const fn raw_handle(&self) -> sys::zx_handle_t {
        self.0.get()
    }

    /// Gives up ownership without closing.
    pub fn into_raw(self) -> sys::zx_handle_t {
        ManuallyDrop::new(self).0.get()
    }

    pub fn duplicate(&self, rights: Rights) -> Result<Handle, Status> {
        let _syscall = crate::host::counters::syscall();
        let (object, current) = table::lookup(self.raw_handle())?;
        if !current.contains(Rights::DUPLICATE) {
            return Err(Status::ACCESS_DENIED);
        }
        let rights = reduced_rights(current, rights)?;
        let raw = table::insert(table::Entry::new(object, rights));
        Ok(Handle(NonZeroU32::new(raw).expect("table hands out nonzero values")))
    }

    /// Replaces this handle by one with `rights` (a subset, or SAME_RIGHTS). This handle is
    /// invalidated whatever the outcome.
    pub fn replace(self, rights: Rights) -> Result<Handle, Status> {
        let _syscall = crate::host::counters::syscall();
        let entry = table::remove(self.into_raw())?;
        let rights = reduced_rights(entry.rights, rights)?;
        let raw = table::insert(table::Entry::new(entry.object.clone(), rights));
        drop(entry);
        Ok(Handle(NonZeroU32::new(raw).expect("table hands out nonzero values")))
    }

    pub fn signal(&self, clear_mask: Signals, set_mask: Signals) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let (object, rights) = table::lookup(self.raw_handle())?;
        if !rights.contains(Rights::SIGNAL) {
            return Err(Status::ACCESS_DENIED);
        }
        if !object.user_signalable().contains(clear_mask | set_mask) {
            return Err(Status::INVALID_ARGS);
        }
        object.header().signals.update(clear_mask, set_mask);
        Ok(())
    }

    pub fn signal_peer(&self, clear_mask: Signals, set_mask: Signals) -> Result<(), Status> {
        let _syscall = crate::host::counters::syscall();
        let (object, rights) = table::lookup(self.raw_handle())?;
        if !rights.contains(Rights::SIGNAL_PEER) {
            return Err(Status::ACCESS_DENIED);
        }
        if !object.user_signalable().contains(clear_mask | set_mask) {
            return Err(Status::INVALID_ARGS);
        }
        object.with_peer_signals(|signals| signals.update(clear_mask, set_mask))
    }

    pub fn wait_one(&self, signals: Signals, deadline: MonotonicInstant) -> WaitResult {
        let _syscall = crate::host::counters::syscall();
        wait::wait_one(self.raw_handle(), signals, deadline)
    }

    pub fn basic_info(&self) -> Result<HandleBasicInfo, Status> {
        let _syscall = crate::host::counters::syscall();
        let (object, rights) = table::lookup(self.raw_handle())?;
        Ok(HandleBasicInfo {
            koid: object.header().koid,
            rights,
            object_type: object.object_type(),
            related_koid: object.related_koid(),
        })
    }

    pub fn koid(&self) -> Result<Koid, Status> {
        self.basic_info().map(|info| info.koid)
    }
}

/// `rights` applied to a handle holding `current`: SAME_RIGHTS keeps them, a subset reduces
/// them, anything else is INVALID_ARGS.
pub(crate) fn reduced_rights(current: Rights, rights: Rights) -> Result<Rights, Status> {
    if rights == Rights::SAME_RIGHTS {
        Ok(current)
    } else if current.contains(rights) {
        Ok(rights)
    } else {
        Err(Status::INVALID_ARGS)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        let _syscall = crate::host::counters::syscall();
        table::close(self.0.get());
    }
}

/// A handle that may be invalid (`ZX_HANDLE_INVALID`): the general owning handle type.
#[derive(Debug, Default, Eq, PartialEq, Ord, PartialOrd, Hash)]
#[repr(transparent)]
pub struct NullableHandle(Option<Handle>);

impl NullableHandle {
    pub const fn invalid() -> NullableHandle {
        NullableHandle(None)
    }

    /// Takes ownership of a raw handle value.
    ///
    /// # Safety
    /// `raw` must be `ZX_HANDLE_INVALID` or a handle that no other owner will close.
    pub const unsafe fn from_raw(raw: sys::zx_handle_t) -> NullableHandle {
        match NonZeroU32::new(raw) {
            Some(value) => NullableHandle(Some(Handle(value))),
            None => NullableHandle(None),
        }
    }

    pub const fn raw_handle(&self) -> sys::zx_handle_t {
        match &self.0 {
            Some(h) => h.raw_handle(),
            None => sys::ZX_HANDLE_INVALID,
        }
    }

    pub fn into_raw(self) -> sys::zx_handle_t {
        self.0.map(Handle::into_raw).unwrap_or(sys::ZX_HANDLE_INVALID)
    }

    pub const fn is_invalid(&self) -> bool {
        self.0.is_none()
    }

    pub fn as_handle_ref(&self) -> HandleRef<'_> {
        Unowned {
            inner: ManuallyDrop::new(NullableHandle(self.0.as_ref().map(|h| Handle(h.0)))),
            marker: PhantomData,
        }
    }

    fn valid(&self) -> Result<&Handle, Status> {
        self.0.as_ref().ok_or(Status::BAD_HANDLE)
    }

    pub fn duplicate_handle(&self, rights: Rights) -> Result<NullableHandle, Status> {
        self.valid()?.duplicate(rights).map(|h| NullableHandle(Some(h)))
    }

    pub fn replace_handle(self, rights: Rights) -> Result<NullableHandle, Status> {
        match self.0 {
            Some(h) => h.replace(rights).map(|h| NullableHandle(Some(h))),
            None => Ok(NullableHandle(None)),
        }
    }

    pub fn signal(&self, clear_mask: Signals, set_mask: Signals) -> Result<(), Status> {
        self.valid()?.signal(clear_mask, set_mask)
    }

    pub fn wait_one(&self, signals: Signals, deadline: MonotonicInstant) -> WaitResult {
        match self.valid() {
            Ok(h) => h.wait_one(signals, deadline),
            Err(status) => WaitResult::Err(status),
        }
    }

    pub fn basic_info(&self) -> Result<HandleBasicInfo, Status> {
        self.valid()?.basic_info()
    }

    /// A `WaitItem` for `object_wait_many` waiting on this handle for `signals`.
    pub fn wait_item(&self, signals: Signals) -> crate::WaitItem<'_> {
        crate::WaitItem::new(self.as_handle_ref(), signals)
    }

    pub fn koid(&self) -> Result<Koid, Status> {
        self.valid()?.koid()
    }
}

impl From<Handle> for NullableHandle {
    fn from(h: Handle) -> NullableHandle {
        NullableHandle(Some(h))
    }
}

impl From<Option<Handle>> for NullableHandle {
    fn from(h: Option<Handle>) -> NullableHandle {
        NullableHandle(h)
    }
}

impl TryFrom<NullableHandle> for Handle {
    type Error = Status;
    fn try_from(h: NullableHandle) -> Result<Handle, Status> {
        h.0.ok_or(Status::BAD_HANDLE)
    }
}

impl AsHandleRef for NullableHandle {
    fn as_handle_ref(&self) -> HandleRef<'_> {
        NullableHandle::as_handle_ref(self)
    }
}

impl AsHandleRef for Handle {
    fn as_handle_ref(&self) -> HandleRef<'_> {
        Unowned {
            inner: ManuallyDrop::new(NullableHandle(Some(Handle(self.0)))),
            marker: PhantomData,
        }
    }
}

impl HandleBased for NullableHandle {}

/// A borrowed `T`: usable like `T`, never closes the handle.
#[derive(Debug, Eq, PartialEq, Ord, PartialOrd, Hash)]
#[repr(transparent)]
pub struct Unowned<'a, T> {
    inner: ManuallyDrop<T>,
    marker: PhantomData<&'a T>,
}

/// A borrowed handle of any type.
pub type HandleRef<'a> = Unowned<'a, NullableHandle>;

impl<T> std::ops::Deref for Unowned<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<'a, T: From<NullableHandle>> Unowned<'a, T> {
    /// Borrows the handle of `inner` as a `T`.
    pub fn new<U: AsHandleRef>(inner: &'a U) -> Unowned<'a, T> {
        // SAFETY: the ManuallyDrop wrapper guarantees the aliased handle is never closed here,
        // and the lifetime ties the borrow to the owner.
        unsafe { Self::from_raw_handle(inner.as_handle_ref().raw_handle()) }
    }

    /// Borrows a raw handle value.
    ///
    /// # Safety
    /// `raw` must be invalid or stay open for `'a`.
    pub unsafe fn from_raw_handle(raw: sys::zx_handle_t) -> Unowned<'a, T> {
        // SAFETY: forwarded to the caller; the value is never dropped.
        Unowned {
            inner: ManuallyDrop::new(T::from(unsafe { NullableHandle::from_raw(raw) })),
            marker: PhantomData,
        }
    }
}

impl<'a> Unowned<'a, NullableHandle> {
    /// Views this borrowed handle as a borrowed `T`.
    pub fn cast<T: From<NullableHandle>>(self) -> Unowned<'a, T> {
        // SAFETY: same handle, same lifetime.
        unsafe { Unowned::from_raw_handle(self.raw_handle()) }
    }
}

impl<T: AsHandleRef> AsHandleRef for Unowned<'_, T> {
    fn as_handle_ref(&self) -> HandleRef<'_> {
        self.inner.as_handle_ref()
    }
}

impl<T: AsHandleRef + From<NullableHandle>> Clone for Unowned<'_, T> {
    fn clone(&self) -> Self {
        // SAFETY: the clone borrows the same handle for the same lifetime.
        unsafe { Unowned::from_raw_handle(self.inner.as_handle_ref().raw_handle()) }
    }
}

/// Gives a borrowed reference to the handle inside a handle-owning value.
pub trait AsHandleRef {
    fn as_handle_ref(&self) -> HandleRef<'_>;
}

impl<T: AsHandleRef> AsHandleRef for &T {
    fn as_handle_ref(&self) -> HandleRef<'_> {
        (*self).as_handle_ref()
    }
}

/// A type that owns a handle of some object type and converts to and from `NullableHandle`.
pub trait HandleBased: AsHandleRef + From<NullableHandle> + Into<NullableHandle> {
    fn from_handle(handle: NullableHandle) -> Self {
        Self::from(handle)
    }

    fn into_handle(self) -> NullableHandle {
        self.into()
    }

    fn duplicate_handle(&self, rights: Rights) -> Result<Self, Status> {
        self.as_handle_ref().duplicate_handle(rights).map(Self::from)
    }

    fn replace_handle(self, rights: Rights) -> Result<Self, Status> {
        self.into_handle().replace_handle(rights).map(Self::from)
    }
}

/// Objects with a peer: channels and event pairs.
pub trait Peered: HandleBased {
    /// Sets and clears user signals on the peer; PEER_CLOSED when the peer is gone.
    fn signal_peer(&self, clear_mask: Signals, set_mask: Signals) -> Result<(), Status> {
        let handle = self.as_handle_ref();
        handle.valid()?.signal_peer(clear_mask, set_mask)
    }

    /// Whether the peer has closed (PEER_CLOSED asserted).
    fn is_closed(&self) -> Result<bool, Status> {
        match self
            .as_handle_ref()
            .wait_one(Signals::OBJECT_PEER_CLOSED, MonotonicInstant::INFINITE_PAST)
        {
            WaitResult::Ok(signals) => Ok(signals.contains(Signals::OBJECT_PEER_CLOSED)),
            WaitResult::TimedOut(_) => Ok(false),
            WaitResult::Canceled(_) => Err(Status::CANCELED),
            WaitResult::Err(e) => Err(e),
        }
    }
}

/// `ZX_INFO_HANDLE_BASIC`.
#[derive(Debug, Copy, Clone, Default, Eq, PartialEq)]
pub struct HandleBasicInfo {
    pub koid: Koid,
    pub rights: Rights,
    pub object_type: ObjectType,
    pub related_koid: Koid,
}

/// The outcome of `wait_one`, with the signals observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitResult {
    /// A requested signal was asserted; all asserted signals.
    Ok(Signals),
    /// The deadline passed; the signals asserted then.
    TimedOut(Signals),
    /// The handle was closed while waiting; includes HANDLE_CLOSED.
    Canceled(Signals),
    Err(Status),
}

impl WaitResult {
    pub const fn to_result(self) -> Result<Signals, Status> {
        match self {
            WaitResult::Ok(signals) => Ok(signals),
            WaitResult::TimedOut(_) => Err(Status::TIMED_OUT),
            WaitResult::Canceled(_) => Err(Status::CANCELED),
            WaitResult::Err(status) => Err(status),
        }
    }
    pub const fn is_ok(&self) -> bool {
        matches!(self, WaitResult::Ok(_))
    }
    pub const fn is_err(&self) -> bool {
        !self.is_ok()
    }
    pub fn map<U>(self, op: impl FnOnce(Signals) -> U) -> Result<U, Status> {
        self.to_result().map(op)
    }
    pub fn map_err<F>(self, op: impl FnOnce(Status) -> F) -> Result<Signals, F> {
        self.to_result().map_err(op)
    }
    #[track_caller]
    pub fn expect(self, msg: &str) -> Signals {
        self.to_result().expect(msg)
    }
    #[track_caller]
    pub fn unwrap(self) -> Signals {
        self.to_result().unwrap()
    }
}

/// How `write_etc` passes one handle.
#[derive(Debug, Eq, PartialEq)]
pub enum HandleOp<'a> {
    /// Moves the handle into the message (it is consumed, success or not).
    Move(NullableHandle),
    /// Sends a duplicate; the source handle stays.
    Duplicate(HandleRef<'a>),
}

/// One handle of a `write_etc`, with the object type and rights the sender asserts
/// (`zx_handle_disposition_t`). The kernel records the per-handle outcome in `result`.
#[derive(Debug)]
pub struct HandleDisposition<'a> {
    pub(crate) operation: sys::zx_handle_op_t,
    pub(crate) handle: sys::zx_handle_t,
    _handle_lifetime: PhantomData<&'a ()>,
    pub object_type: ObjectType,
    pub rights: Rights,
    pub result: Status,
}

impl<'a> HandleDisposition<'a> {
    pub fn new(
        handle_op: HandleOp<'a>,
        object_type: ObjectType,
        rights: Rights,
        result: Status,
    ) -> Self {
        let (operation, handle) = match handle_op {
            HandleOp::Move(h) => (sys::ZX_HANDLE_OP_MOVE, h.into_raw()),
            HandleOp::Duplicate(h) => (sys::ZX_HANDLE_OP_DUPLICATE, h.raw_handle()),
        };
        HandleDisposition {
            operation,
            handle,
            _handle_lifetime: PhantomData,
            object_type,
            rights,
            result,
        }
    }

    pub fn raw_handle(&self) -> sys::zx_handle_t {
        self.handle
    }

    pub fn is_move(&self) -> bool {
        self.operation == sys::ZX_HANDLE_OP_MOVE
    }

    pub fn is_duplicate(&self) -> bool {
        self.operation == sys::ZX_HANDLE_OP_DUPLICATE
    }
}

impl Drop for HandleDisposition<'_> {
    fn drop(&mut self) {
        if self.is_move() {
            table::close(std::mem::replace(&mut self.handle, sys::ZX_HANDLE_INVALID));
        }
    }
}

/// A handle received by `read_etc`, with its object type and rights (`zx_handle_info_t`).
#[derive(Debug, Eq, PartialEq, Ord, PartialOrd, Hash)]
pub struct HandleInfo {
    pub handle: NullableHandle,
    pub object_type: ObjectType,
    pub rights: Rights,
}

impl HandleInfo {
    pub const fn new(
        handle: NullableHandle,
        object_type: ObjectType,
        rights: Rights,
    ) -> HandleInfo {
        HandleInfo { handle, object_type, rights }
    }
}

/// Declares a handle-owning object type with the inherent methods every in-tree `zx` object
/// type has.
macro_rules! handle_based_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Eq, PartialEq, Ord, PartialOrd, Hash)]
        #[repr(transparent)]
        pub struct $name($crate::NullableHandle);

        impl $name {
            pub fn as_handle_ref(&self) -> $crate::HandleRef<'_> {
                self.0.as_handle_ref()
            }
            pub const fn raw_handle(&self) -> $crate::sys::zx_handle_t {
                self.0.raw_handle()
            }
            pub fn into_raw(self) -> $crate::sys::zx_handle_t {
                self.0.into_raw()
            }
            pub const fn is_invalid(&self) -> bool {
                self.0.is_invalid()
            }
            pub fn koid(&self) -> Result<$crate::Koid, $crate::Status> {
                self.0.koid()
            }
            pub fn basic_info(&self) -> Result<$crate::HandleBasicInfo, $crate::Status> {
                self.0.basic_info()
            }
            pub fn duplicate_handle(&self, rights: $crate::Rights) -> Result<Self, $crate::Status> {
                self.0.duplicate_handle(rights).map(Self)
            }
            pub fn replace_handle(self, rights: $crate::Rights) -> Result<Self, $crate::Status> {
                self.0.replace_handle(rights).map(Self)
            }
            pub fn into_handle(self) -> $crate::NullableHandle {
                self.0
            }
            pub fn from_handle(handle: $crate::NullableHandle) -> Self {
                Self(handle)
            }
            pub fn wait_one(
                &self,
                signals: $crate::Signals,
                deadline: $crate::MonotonicInstant,
            ) -> $crate::WaitResult {
                self.0.wait_one(signals, deadline)
            }
            pub fn signal(&self, clear_mask: $crate::Signals, set_mask: $crate::Signals) -> Result<(), $crate::Status> {
                self.0.signal(clear_mask, set_mask)
            }
            /// A `WaitItem` for `object_wait_many` waiting on this handle for `signals`.
            pub fn wait_item(&self, signals: $crate::Signals) -> $crate::WaitItem<'_> {
                self.0.wait_item(signals)
            }
        }

        impl $crate::AsHandleRef for $name {
            fn as_handle_ref(&self) -> $crate::HandleRef<'_> {
                self.0.as_handle_ref()
            }
        }

        impl From<$crate::NullableHandle> for $name {
            fn from(handle: $crate::NullableHandle) -> Self {
                Self(handle)
            }
        }

        impl From<$name> for $crate::NullableHandle {
            fn from(object: $name) -> $crate::NullableHandle {
                object.0
            }
        }

        impl $crate::HandleBased for $name {}
    };
}
pub(crate) use handle_based_type;

/// Puts a fresh kernel object in the handle table with `rights`.
pub(crate) fn new_handle(
    object: crate::kernel::object::KernelObject,
    rights: Rights,
) -> NullableHandle {
    let raw = table::insert(table::Entry::new(object, rights));
    // SAFETY: the value was just inserted and is owned by nobody else.
    unsafe { NullableHandle::from_raw(raw) }
}

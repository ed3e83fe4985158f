//! Userspace and kernel object records (in-tree `objects.rs`).

use crate::args::{Arg, RawArg};
use crate::header::Reader;
use crate::session::ResolveCtx;
use crate::string::{RawByteStringRef, StringRef};
use crate::thread::{ProcessKoid, ProcessRef};
use crate::{KERNEL_OBJ_RECORD_TYPE, ParseError, Provider, USERSPACE_OBJ_RECORD_TYPE};
use bstr::BString;

/// A userspace object (anything named by a pointer) and its arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct UserspaceObjRecord {
    pub provider: Option<Provider>,
    pub pointer: u64,
    pub process: ProcessKoid,
    pub name: String,
    pub args: Vec<Arg>,
}

impl UserspaceObjRecord {
    pub(crate) fn resolve(ctx: &mut ResolveCtx, raw: RawUserspaceObjRecord<'_>) -> Self {
        Self {
            provider: ctx.current_provider(),
            pointer: raw.pointer,
            process: ctx.resolve_process(raw.process),
            name: ctx.resolve_str(raw.name),
            args: Arg::resolve_n(ctx, raw.args),
        }
    }
}

/// Type 6: `[16..23]` process (thread ref), `[24..39]` name (string ref), `[40..43]`
/// argument count; then the pointer word, the inline process koid, the inline name and the
/// arguments, which must end the record.
#[derive(Debug, PartialEq)]
pub(crate) struct RawUserspaceObjRecord<'a> {
    pointer: u64,
    process: ProcessRef,
    name: StringRef<'a>,
    args: Vec<RawArg<'a>>,
}

impl<'a> RawUserspaceObjRecord<'a> {
    pub(crate) fn parse(mut record: Reader<'a>) -> Result<Self, ParseError> {
        let (header, mut payload) = record.sized()?;
        header.expect_type(USERSPACE_OBJ_RECORD_TYPE, "UserspaceObjHeader")?;
        let pointer = payload.word()?;
        let process = ProcessRef::parse(header.field(16, 23) as u8, &mut payload)?;
        let name = StringRef::parse(header.field(24, 39) as u16, &mut payload)?;
        let args = RawArg::parse_n(header.field(40, 43) as u8, &mut payload)?;
        payload.finish()?;
        Ok(Self { pointer, process, name, args })
    }
}

/// A kernel object (named by its koid) and its arguments; a thread's record carries its
/// process's koid in a `process` argument.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelObjRecord {
    pub provider: Option<Provider>,
    pub koid: u64,
    pub ty: KernelObjType,
    /// The name as written: any bytes, not necessarily UTF-8.
    pub name: BString,
    pub args: Vec<Arg>,
}

impl KernelObjRecord {
    /// The koid of the `process` argument, by convention present on thread records.
    pub fn process(&self) -> Option<ProcessKoid> {
        self.args
            .iter()
            .find(|arg| arg.name == "process")
            .and_then(|arg| arg.value.kernel_obj())
            .map(ProcessKoid)
    }

    pub(crate) fn resolve(ctx: &mut ResolveCtx, raw: RawKernelObjRecord<'_>) -> Self {
        Self {
            provider: ctx.current_provider(),
            koid: raw.koid,
            ty: raw.ty,
            name: ctx.resolve_bstr(raw.name),
            args: Arg::resolve_n(ctx, raw.args),
        }
    }
}

/// Type 7: `[16..23]` object type (`ZX_OBJ_TYPE_*`), `[24..39]` name (string ref),
/// `[40..43]` argument count; then the koid word, the inline name and the arguments, which
/// must end the record.
#[derive(Debug, PartialEq)]
pub(crate) struct RawKernelObjRecord<'a> {
    koid: u64,
    ty: KernelObjType,
    name: RawByteStringRef<'a>,
    args: Vec<RawArg<'a>>,
}

impl<'a> RawKernelObjRecord<'a> {
    pub(crate) fn parse(mut record: Reader<'a>) -> Result<Self, ParseError> {
        let (header, mut payload) = record.sized()?;
        header.expect_type(KERNEL_OBJ_RECORD_TYPE, "KernelObjHeader")?;
        let ty = KernelObjType::from(header.field(16, 23) as u32);
        let koid = payload.word()?;
        let name = RawByteStringRef::parse(header.field(24, 39) as u16, &mut payload)?;
        let args = RawArg::parse_n(header.field(40, 43) as u8, &mut payload)?;
        payload.finish()?;
        Ok(Self { koid, ty, name, args })
    }
}

/// The `ZX_OBJ_TYPE_*` of a kernel object record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KernelObjType {
    None,
    Process,
    Thread,
    Vmo,
    Channel,
    Event,
    Port,
    Interrupt,
    PciDevice,
    DebugLog,
    Socket,
    Resource,
    EventPair,
    Job,
    Vmar,
    Fifo,
    Guest,
    Vcpu,
    Timer,
    Iommu,
    Bti,
    Profile,
    Pmt,
    SuspendToken,
    Pager,
    Exception,
    Clock,
    Stream,
    Msi,
    Iob,
    Unknown(u32),
}

impl From<u32> for KernelObjType {
    /// The values of `zircon/system/public/zircon/types.h`.
    fn from(raw: u32) -> Self {
        match raw {
            0 => Self::None,
            1 => Self::Process,
            2 => Self::Thread,
            3 => Self::Vmo,
            4 => Self::Channel,
            5 => Self::Event,
            6 => Self::Port,
            9 => Self::Interrupt,
            11 => Self::PciDevice,
            12 => Self::DebugLog,
            14 => Self::Socket,
            15 => Self::Resource,
            16 => Self::EventPair,
            17 => Self::Job,
            18 => Self::Vmar,
            19 => Self::Fifo,
            20 => Self::Guest,
            21 => Self::Vcpu,
            22 => Self::Timer,
            23 => Self::Iommu,
            24 => Self::Bti,
            25 => Self::Profile,
            26 => Self::Pmt,
            27 => Self::SuspendToken,
            28 => Self::Pager,
            29 => Self::Exception,
            30 => Self::Clock,
            31 => Self::Stream,
            32 => Self::Msi,
            33 => Self::Iob,
            unknown => Self::Unknown(unknown),
        }
    }
}

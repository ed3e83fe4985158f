//! Reading a whole session (in-tree `session.rs`): records are parsed in order, and string
//! records, thread records, the initialization record and provider metadata update the
//! context later records resolve against.

use crate::error::ParseWarning;
use crate::init::{InitRecord, Ticks};
use crate::metadata::{MetadataRecord, Provider, TraceInfoMetadataRecord};
use crate::string::{RawByteStringRef, StringRecord, StringRef};
use crate::thread::{ProcessKoid, ProcessRef, ThreadKoid, ThreadRecord, ThreadRef};
use crate::{Incomplete, ParseError, RawTraceRecord, TraceRecord};
use bstr::BString;
use std::collections::BTreeMap;
use std::num::{NonZeroU8, NonZeroU16};

/// Parses every record of `buf`, which must start with the magic number record. Stops at
/// the first error. A record cut short by the end of `buf` ends the session silently, as
/// in-tree (a trace cut off mid-record still yields what came before).
pub fn parse_full_session(buf: &[u8]) -> Result<(Vec<TraceRecord>, Vec<ParseWarning>), ParseError> {
    let mut parser = SessionParser::new(std::io::Cursor::new(buf));
    let mut records = vec![];
    for record in &mut parser {
        records.push(record?);
    }
    Ok((records, parser.take_warnings()))
}

/// Parses records from a reader as they arrive; an iterator of records.
#[derive(Debug)]
pub struct SessionParser<R> {
    /// Bytes read but not parsed yet; starts at a record boundary.
    buffer: Vec<u8>,
    reader: R,
    resolver: ResolveCtx,
    reader_is_eof: bool,
    have_seen_magic_number: bool,
}

/// How many bytes to ask for when nothing says how many a record needs.
const READ_CHUNK: usize = 32768;

impl<R: std::io::Read> SessionParser<R> {
    pub fn new(reader: R) -> Self {
        Self {
            buffer: vec![],
            reader,
            resolver: ResolveCtx::new(),
            reader_is_eof: false,
            have_seen_magic_number: false,
        }
    }
}

impl<R> SessionParser<R> {
    /// The warnings collected so far; they are not returned again.
    pub fn take_warnings(&self) -> Vec<ParseWarning> {
        self.resolver.take_warnings()
    }

    fn parse_next(&mut self) -> ParseOutcome {
        match RawTraceRecord::parse(&self.buffer) {
            Ok((rem, raw_record)) => {
                if raw_record.is_magic_number() {
                    self.have_seen_magic_number = true;
                } else if !self.have_seen_magic_number {
                    return ParseOutcome::Error(ParseError::MissingMagicNumber);
                }
                let unused_len = rem.len();
                let resolved = TraceRecord::resolve(&mut self.resolver, raw_record);
                let parsed_len = self.buffer.len() - unused_len;
                self.buffer.drain(..parsed_len);
                match resolved {
                    None => ParseOutcome::Continue,
                    Some(record) => ParseOutcome::GotRecord(record),
                }
            }
            Err(Incomplete::Invalid(e)) => {
                self.buffer.clear();
                ParseOutcome::Error(e)
            }
            Err(Incomplete::Needs(n)) => ParseOutcome::NeedMoreBytes(n.max(1)),
        }
    }
}

enum ParseOutcome {
    GotRecord(TraceRecord),
    Continue,
    Error(ParseError),
    NeedMoreBytes(usize),
}

impl<R: std::io::Read> Iterator for SessionParser<R> {
    type Item = Result<TraceRecord, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.parse_next() {
                ParseOutcome::GotRecord(r) => return Some(Ok(r)),
                ParseOutcome::Error(e) => return Some(Err(e)),
                ParseOutcome::Continue => continue,
                ParseOutcome::NeedMoreBytes(needed) => {
                    if self.reader_is_eof {
                        return None;
                    }
                    let original_len = self.buffer.len();
                    self.buffer.resize(original_len + needed.max(READ_CHUNK), 0);
                    let read = match self.reader.read(&mut self.buffer[original_len..]) {
                        Ok(read) => read,
                        Err(e) => {
                            self.buffer.truncate(original_len);
                            return Some(Err(ParseError::Io(e)));
                        }
                    };
                    if read == 0 {
                        self.reader_is_eof = true;
                    }
                    self.buffer.truncate(original_len + read);
                }
            }
        }
    }
}

/// What earlier records established: ticks per second (1 until an initialization record,
/// as in-tree), the current provider, each provider's string table, and the thread table.
/// Owned by one parser.
#[derive(Debug)]
pub(crate) struct ResolveCtx {
    ticks_per_second: u64,
    current_provider: Option<Provider>,
    providers: BTreeMap<u32, String>,
    strings: BTreeMap<u32, BTreeMap<NonZeroU16, String>>,
    threads: BTreeMap<NonZeroU8, (ProcessKoid, ThreadKoid)>,
    /// Interior mutability because resolution takes `&self` in places; one thread only.
    warnings: std::cell::RefCell<Vec<ParseWarning>>,
}

const UNKNOWN: &str = "<unknown>";

impl ResolveCtx {
    fn new() -> Self {
        Self {
            ticks_per_second: 1,
            current_provider: None,
            providers: BTreeMap::new(),
            strings: BTreeMap::new(),
            threads: BTreeMap::new(),
            warnings: Default::default(),
        }
    }

    pub(crate) fn add_warning(&self, warning: ParseWarning) {
        self.warnings.borrow_mut().push(warning);
    }

    fn take_warnings(&self) -> Vec<ParseWarning> {
        self.warnings.take()
    }

    pub(crate) fn current_provider(&self) -> Option<Provider> {
        self.current_provider.clone()
    }

    fn get_provider(&self, id: u32) -> Provider {
        let name = match self.providers.get(&id) {
            Some(name) => name.clone(),
            None => {
                self.add_warning(ParseWarning::UnknownProviderId(id));
                UNKNOWN.into()
            }
        };
        Provider { id, name }
    }

    pub(crate) fn on_metadata_record(&mut self, m: MetadataRecord<'_>) -> Option<TraceRecord> {
        match m {
            MetadataRecord::TraceInfo(TraceInfoMetadataRecord::MagicNumber) => None,
            MetadataRecord::ProviderInfo { provider_id, name } => {
                self.providers.insert(provider_id, name.into());
                self.current_provider = Some(Provider { id: provider_id, name: name.into() });
                None
            }
            MetadataRecord::ProviderSection { provider_id } => {
                self.current_provider = Some(self.get_provider(provider_id));
                None
            }
            MetadataRecord::ProviderEvent { provider_id, event } => {
                Some(TraceRecord::ProviderEvent { provider: self.get_provider(provider_id), event })
            }
            MetadataRecord::Unknown { raw_type } => {
                self.add_warning(ParseWarning::UnknownMetadataRecordType(raw_type));
                None
            }
        }
    }

    /// `ticks_per_second` is not zero: the record's parser refuses zero.
    pub(crate) fn on_init_record(&mut self, InitRecord { ticks_per_second }: InitRecord) {
        self.ticks_per_second = ticks_per_second;
    }

    /// String tables are per provider: a string record before any provider is dropped.
    pub(crate) fn on_string_record(&mut self, s: StringRecord<'_>) {
        let Some(provider) = &self.current_provider else {
            self.add_warning(ParseWarning::MissingProviderId);
            return;
        };
        match NonZeroU16::new(s.index) {
            Some(index) => {
                self.strings.entry(provider.id).or_default().insert(index, s.value.into());
            }
            None => self.add_warning(ParseWarning::RecordForZeroStringId),
        }
    }

    pub(crate) fn on_thread_record(&mut self, t: ThreadRecord) {
        self.threads.insert(t.index, (t.process_koid, t.thread_koid));
    }

    fn lookup_string(&self, index: NonZeroU16) -> Option<&String> {
        let Some(provider) = &self.current_provider else {
            self.add_warning(ParseWarning::MissingProviderId);
            return None;
        };
        let found = self.strings.get(&provider.id).and_then(|table| table.get(&index));
        if found.is_none() {
            self.add_warning(ParseWarning::UnknownStringId(index));
        }
        found
    }

    pub(crate) fn resolve_str(&self, s: StringRef<'_>) -> String {
        match s {
            StringRef::Empty => String::new(),
            StringRef::Inline(inline) => inline.into(),
            StringRef::Index(index) => self.lookup_string(index).map_or(UNKNOWN, |s| s).into(),
        }
    }

    pub(crate) fn resolve_bstr(&self, s: RawByteStringRef<'_>) -> BString {
        match s {
            RawByteStringRef::Empty => BString::default(),
            RawByteStringRef::Inline(inline) => inline.into(),
            RawByteStringRef::Index(index) => {
                self.lookup_string(index).map_or(UNKNOWN, |s| s).into()
            }
        }
    }

    /// An unknown index resolves to koid `u64::MAX`, with a warning.
    pub(crate) fn resolve_process(&self, p: ProcessRef) -> ProcessKoid {
        match p {
            ProcessRef::Inline(koid) => koid,
            ProcessRef::Index(index) => match self.threads.get(&index) {
                Some((process, _)) => *process,
                None => {
                    self.add_warning(ParseWarning::UnknownProcessRef(p));
                    ProcessKoid(u64::MAX)
                }
            },
        }
    }

    pub(crate) fn resolve_thread(&self, t: ThreadRef) -> ThreadKoid {
        match t {
            ThreadRef::Inline(koid) => koid,
            ThreadRef::Index(index) => match self.threads.get(&index) {
                Some((_, thread)) => *thread,
                None => {
                    self.add_warning(ParseWarning::UnknownThreadRef(t));
                    ThreadKoid(u64::MAX)
                }
            },
        }
    }

    pub(crate) fn resolve_ticks(&self, t: Ticks) -> i64 {
        t.scale(self.ticks_per_second)
    }
}

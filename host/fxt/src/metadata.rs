//! Metadata records (in-tree `metadata.rs`): provider info, provider section, provider
//! event and the magic number.
//!
//! Type 0: `[16..19]` metadata type; provider records put the provider id in `[20..51]`.

use crate::header::{Header, Reader};
use crate::{METADATA_RECORD_TYPE, ParseError};

const PROVIDER_INFO_METADATA_TYPE: u8 = 1;
const PROVIDER_SECTION_METADATA_TYPE: u8 = 2;
const PROVIDER_EVENT_METADATA_TYPE: u8 = 3;
const TRACE_INFO_METADATA_TYPE: u8 = 4;

const PROVIDER_EVENT_BUFFER_FULL: u8 = 0;
const MAGIC_NUMBER_TRACE_INFO_TYPE: u8 = 0;
const MAGIC_NUMBER: u32 = 0x16547846;

/// The provider whose section of the session a record came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Provider {
    pub id: u32,
    pub name: String,
}

/// What a provider event metadata record reports.
#[derive(Clone, Debug, PartialEq)]
pub enum ProviderEvent {
    /// Event 0: the provider's buffer filled; records were likely dropped.
    BufferFull,
    Unknown {
        raw_type: u8,
    },
}

#[derive(Debug, PartialEq)]
pub(crate) enum MetadataRecord<'a> {
    ProviderInfo { provider_id: u32, name: &'a str },
    ProviderSection { provider_id: u32 },
    ProviderEvent { provider_id: u32, event: ProviderEvent },
    TraceInfo(TraceInfoMetadataRecord),
    Unknown { raw_type: u8 },
}

#[derive(Debug, PartialEq)]
pub(crate) enum TraceInfoMetadataRecord {
    MagicNumber,
}

fn provider_id(header: Header) -> u32 {
    header.field(20, 51) as u32
}

impl<'a> MetadataRecord<'a> {
    pub(crate) fn parse(mut record: Reader<'a>) -> Result<Self, ParseError> {
        let (header, mut payload) = record.sized()?;
        header.expect_type(METADATA_RECORD_TYPE, "MetadataHeader")?;
        let parsed = match header.field(16, 19) as u8 {
            PROVIDER_INFO_METADATA_TYPE => Self::ProviderInfo {
                provider_id: provider_id(header),
                name: payload.padded_str(header.field(52, 59) as usize)?,
            },
            PROVIDER_SECTION_METADATA_TYPE => {
                Self::ProviderSection { provider_id: provider_id(header) }
            }
            PROVIDER_EVENT_METADATA_TYPE => Self::ProviderEvent {
                provider_id: provider_id(header),
                event: match header.field(52, 55) as u8 {
                    PROVIDER_EVENT_BUFFER_FULL => ProviderEvent::BufferFull,
                    raw_type => ProviderEvent::Unknown { raw_type },
                },
            },
            TRACE_INFO_METADATA_TYPE => {
                let trace_info_type = header.field(20, 23) as u8;
                if trace_info_type != MAGIC_NUMBER_TRACE_INFO_TYPE {
                    return Err(ParseError::WrongType {
                        context: "MagicNumber",
                        expected: MAGIC_NUMBER_TRACE_INFO_TYPE,
                        observed: trace_info_type,
                    });
                }
                let observed = header.field(24, 55) as u32;
                if observed != MAGIC_NUMBER {
                    return Err(ParseError::InvalidMagicNumber { observed });
                }
                Self::TraceInfo(TraceInfoMetadataRecord::MagicNumber)
            }
            // In-tree skips the whole record without looking at its payload.
            raw_type => return Ok(Self::Unknown { raw_type }),
        };
        payload.finish()?;
        Ok(parsed)
    }
}

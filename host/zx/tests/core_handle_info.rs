//! Ports of `zircon/system/utest/core/handle-info/handle-info.cc` (`HandleInfoTest`, for the
//! objects the host has) and `zircon/system/utest/core/handle-dup/handle-dup.cc` (`HandleDup`).

use zx::{Event, NullableHandle, ObjectType, Rights, Status};

/// Whether the handle value `raw` no longer names a handle.
fn is_gone(raw: u32) -> bool {
    // SAFETY: only observes the value; forgotten below so nothing is closed.
    let alias = unsafe { NullableHandle::from_raw(raw) };
    let gone = alias.basic_info() == Err(Status::BAD_HANDLE);
    std::mem::forget(alias);
    gone
}

// handle-info.cc, DupAndInfoRights.
#[test]
fn dup_and_info_rights() {
    let orig = Event::create();
    let duped = orig.duplicate_handle(Rights::SAME_RIGHTS).unwrap();
    let raw = orig.raw_handle();
    assert!(orig.basic_info().is_ok());
    drop(orig);
    assert!(is_gone(raw));
    let info = duped.basic_info().unwrap();
    assert!(info.koid.raw_koid() > 0);
    assert_eq!(info.object_type, ObjectType::EVENT);
    assert_eq!(info.rights, Rights::BASIC | Rights::SIGNAL);
    assert_eq!(info.related_koid.raw_koid(), 0);
}

// handle-info.cc, DuplicateRights.
#[test]
fn duplicate_rights() {
    let orig = Event::create();
    let ro1 = orig.duplicate_handle(Rights::WAIT).unwrap();
    let ro2 = orig.duplicate_handle(Rights::WAIT).unwrap();
    assert_eq!(ro1.basic_info().unwrap().rights, Rights::WAIT);
    assert_eq!(ro1.duplicate_handle(Rights::SAME_RIGHTS).err(), Some(Status::ACCESS_DENIED));
    assert_eq!(
        orig.duplicate_handle(Rights::EXECUTE | Rights::WAIT).err(),
        Some(Status::INVALID_ARGS)
    );
    for handle in [&orig, &ro1, &ro2] {
        assert!(handle.basic_info().is_ok());
    }
}

// handle-info.cc, ReplaceRights; handle-dup.cc, ReplaceSuccessOrigInvalid and
// ReplaceFailureBothInvalid: the source is invalid after a replace, failed or not.
#[test]
fn replace_rights() {
    let event1 = Event::create();
    let raw1 = event1.raw_handle();
    let event2 = event1.replace_handle(Rights::WAIT).unwrap();
    assert_eq!(event2.basic_info().unwrap().rights, Rights::WAIT);
    assert!(is_gone(raw1));
    let raw2 = event2.raw_handle();
    assert_eq!(
        event2.replace_handle(Rights::SIGNAL | Rights::WAIT).err(),
        Some(Status::INVALID_ARGS)
    );
    assert!(is_gone(raw2));

    let orig = Event::create();
    let raw = orig.raw_handle();
    let replaced = orig.replace_handle(Rights::BASIC).unwrap();
    assert!(is_gone(raw));
    assert!(replaced.basic_info().is_ok());

    let orig = Event::create();
    let raw = orig.raw_handle();
    assert_eq!(orig.replace_handle(Rights::EXECUTE).err(), Some(Status::INVALID_ARGS));
    assert!(is_gone(raw));
}

//! Ports of the `VmoTestCase` cases of `zircon/system/utest/core/vmo/vmo.cc` that need no
//! mapping, children or pager, and the size rules of `VmObject::RoundSize` /
//! `VmObject::MAX_SIZE` (`zircon/kernel/vm/include/vm/vm_object.h`).

use zx::{MonotonicInstant, Rights, Signals, Status, Vmo, VmoOptions};

const PAGE: u64 = 4096;

// vmo.cc, Create.
#[test]
fn create() {
    let vmos: Vec<Vmo> = (0..16).map(|i| Vmo::create(i * PAGE).unwrap()).collect();
    assert_eq!(vmos.len(), 16);
}

// vmo.cc, ReadWriteBadLen and ReadWriteRange.
#[test]
fn read_write_range() {
    let len = 4 * PAGE;
    let vmo = Vmo::create(len).unwrap();
    let mut buf = vec![0; 2 * len as usize];
    assert_eq!(vmo.read(&mut buf, 0), Err(Status::OUT_OF_RANGE), "read past end");
    assert_eq!(vmo.read(&mut [], len), Ok(()), "read 0 bytes at end");
    assert_eq!(vmo.read(&mut [], len + 1), Err(Status::OUT_OF_RANGE), "read 0 bytes past end");
    assert_eq!(vmo.write(&buf, 0), Err(Status::OUT_OF_RANGE), "write past end");
    assert_eq!(vmo.write(&[], len), Ok(()), "write 0 bytes at end");
    assert_eq!(vmo.write(&[], len + 1), Err(Status::OUT_OF_RANGE), "write 0 bytes past end");
    let half = &mut buf[..(len / 2) as usize];
    assert_eq!(vmo.read(half, u64::MAX - len / 2), Err(Status::OUT_OF_RANGE), "wraparound");
    assert_eq!(vmo.write(half, u64::MAX - len / 2), Err(Status::OUT_OF_RANGE), "wraparound");
}

// vmo.cc, ReadWrite: a new VMO reads as zero; what is written reads back.
#[test]
fn read_write() {
    let vmo = Vmo::create(4 * PAGE).unwrap();
    assert!(vmo.read_to_vec(0, 4 * PAGE).unwrap().iter().all(|b| *b == 0));
    let data = vec![0x99; (4 * PAGE) as usize];
    vmo.write(&data, 0).unwrap();
    assert_eq!(vmo.read_to_vec(0, 4 * PAGE).unwrap(), data);
}

// vmo.cc, Resize: grows, rejects a ludicrous size with OUT_OF_RANGE, rounds up (behaviour 12).
#[test]
fn resize() {
    let mut len = 4 * PAGE;
    let vmo = Vmo::create_with_opts(VmoOptions::RESIZABLE, len).unwrap();
    assert_eq!(vmo.get_size(), Ok(len));
    len += PAGE;
    vmo.set_size(len).unwrap();
    assert_eq!(vmo.get_size(), Ok(len));
    assert_eq!(vmo.set_size(u64::MAX), Err(Status::OUT_OF_RANGE));
    vmo.set_size(len + 1).unwrap();
    assert_eq!(vmo.get_size(), Ok(len + PAGE));
}

// vmo.cc, NoResize.
#[test]
fn no_resize() {
    let len = 4 * PAGE;
    let vmo = Vmo::create(len).unwrap();
    assert_eq!(vmo.set_size(len + PAGE), Err(Status::UNAVAILABLE));
    assert_eq!(vmo.set_size(len - PAGE), Err(Status::UNAVAILABLE));
    assert_eq!(vmo.get_size(), Ok(len));
}

// vmo.cc, ResizeRight: only a resizable VMO's handle has RESIZE; without it a resizable VMO
// is ACCESS_DENIED, not UNAVAILABLE (behaviour 14).
#[test]
fn resize_right() {
    let len = 4 * PAGE;
    let vmo = Vmo::create(len).unwrap();
    assert!(!vmo.basic_info().unwrap().rights.contains(Rights::RESIZE));
    assert_eq!(vmo.set_size(len + PAGE), Err(Status::UNAVAILABLE));

    let vmo = Vmo::create_with_opts(VmoOptions::RESIZABLE, len).unwrap();
    let rights = vmo.basic_info().unwrap().rights;
    assert!(rights.contains(Rights::RESIZE));
    vmo.set_size(len + PAGE).unwrap();
    let dup = vmo.duplicate_handle(rights - Rights::RESIZE).unwrap();
    assert_eq!(dup.set_size(PAGE), Err(Status::ACCESS_DENIED));
}

// vmo.cc, SizeAlign.
#[test]
fn size_align() {
    for s in (0..4 * PAGE).step_by(97) {
        let vmo = Vmo::create(s).unwrap();
        assert_eq!(vmo.get_size(), Ok(s.div_ceil(PAGE) * PAGE));
    }
}

// vmo.cc, ResizeAlign.
#[test]
fn resize_align() {
    let vmo = Vmo::create_with_opts(VmoOptions::RESIZABLE, 0).unwrap();
    for s in (0..4 * PAGE).step_by(97) {
        vmo.set_size(s).unwrap();
        assert_eq!(vmo.get_size(), Ok(s.div_ceil(PAGE) * PAGE));
    }
}

// vmo.cc, ContentSize (the parts without set_property): create and set_size set it.
#[test]
fn content_size() {
    let len = 4 * PAGE;
    let vmo = Vmo::create_with_opts(VmoOptions::RESIZABLE, len).unwrap();
    assert_eq!(vmo.get_content_size(), Ok(len));
    vmo.set_size(5461).unwrap();
    assert_eq!(vmo.get_content_size(), Ok(5461));
}

// `VmObject::RoundSize`: a size whose rounding overflows, or past `MAX_SIZE`, is OUT_OF_RANGE
// on create as on resize (behaviour 12).
#[test]
fn sizes_past_the_maximum_are_out_of_range() {
    assert_eq!(Vmo::create(u64::MAX).err(), Some(Status::OUT_OF_RANGE));
    assert_eq!(Vmo::create(u64::MAX - PAGE + 1).err(), Some(Status::OUT_OF_RANGE));
    let vmo = Vmo::create_with_opts(VmoOptions::RESIZABLE, PAGE).unwrap();
    assert_eq!(vmo.set_size(u64::MAX - PAGE + 1), Err(Status::OUT_OF_RANGE));
    assert_eq!(vmo.get_size(), Ok(PAGE));
}

// Pages are committed lazily, as in the kernel: an 8 GiB VMO costs nothing until written,
// then one page per page written (behaviour 13).
#[test]
fn pages_are_committed_lazily() {
    let size = 8 << 30;
    let vmo = Vmo::create(size).unwrap();
    assert_eq!(vmo.get_size(), Ok(size));
    assert_eq!(vmo.info().unwrap().committed_bytes, 0);
    vmo.write(b"end", size - 3).unwrap();
    vmo.write(b"start", 0).unwrap();
    assert_eq!(vmo.info().unwrap().committed_bytes, 2 * PAGE);
    assert_eq!(vmo.read_to_vec(size - 3, 3).unwrap(), b"end");
    assert_eq!(vmo.read_to_vec(PAGE, 4).unwrap(), vec![0; 4]);
    // A write across a page boundary commits both pages.
    vmo.write(&[1; 8], 2 * PAGE - 4).unwrap();
    assert_eq!(vmo.info().unwrap().committed_bytes, 4 * PAGE);
}

// A resize to a size inside a page zeroes the rest of that page; pages past the end are
// decommitted and read as zero when the VMO grows again (behaviour 15).
#[test]
fn set_size_zeroes_from_the_new_size_to_the_end_of_its_page() {
    let vmo = Vmo::create_with_opts(VmoOptions::RESIZABLE, 2 * PAGE).unwrap();
    vmo.write(&vec![0xff; (2 * PAGE) as usize], 0).unwrap();
    vmo.set_size(100).unwrap();
    assert_eq!(vmo.get_size(), Ok(PAGE));
    assert_eq!(vmo.read_to_vec(0, 100).unwrap(), vec![0xff; 100]);
    assert!(vmo.read_to_vec(100, PAGE - 100).unwrap().iter().all(|b| *b == 0));
    assert_eq!(vmo.info().unwrap().committed_bytes, PAGE);
    vmo.set_size(2 * PAGE).unwrap();
    assert!(vmo.read_to_vec(PAGE, PAGE).unwrap().iter().all(|b| *b == 0));
}

// `VmObjectDispatcher` starts with ZX_VMO_ZERO_CHILDREN asserted (behaviour 11); the host has
// no VMO children, so it stays asserted.
#[test]
fn a_new_vmo_asserts_zero_children() {
    let vmo = Vmo::create(PAGE).unwrap();
    assert_eq!(
        vmo.wait_one(Signals::VMO_ZERO_CHILDREN, MonotonicInstant::INFINITE_PAST),
        zx::WaitResult::Ok(Signals::VMO_ZERO_CHILDREN)
    );
}

#[test]
fn info_needs_inspect() {
    let vmo = Vmo::create(PAGE).unwrap();
    let info = vmo.info().unwrap();
    assert_eq!(info.koid, vmo.koid().unwrap());
    assert_eq!(info.size_bytes, PAGE);
    assert_eq!(info.handle_rights, Rights::VMO_DEFAULT);
    let blind = vmo.duplicate_handle(Rights::READ).unwrap();
    assert_eq!(blind.info(), Err(Status::ACCESS_DENIED));
}

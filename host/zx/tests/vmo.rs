//! VMO behaviour: sizes, bounds, rights, and concurrent access.

use zx::{Rights, Status, Vmo, VmoOptions};

#[test]
fn size_is_rounded_to_pages_and_bytes_start_zeroed() {
    let vmo = Vmo::create(10).unwrap();
    assert_eq!(vmo.get_size(), Ok(4096));
    assert_eq!(vmo.get_content_size(), Ok(10));
    assert_eq!(vmo.read_to_vec(4090, 6).unwrap(), vec![0; 6]);
}

#[test]
fn reads_and_writes_are_bounded() {
    let vmo = Vmo::create(4096).unwrap();
    vmo.write(b"abc", 4093).unwrap();
    assert_eq!(vmo.read_to_vec(4093, 3).unwrap(), b"abc");
    assert_eq!(vmo.write(b"abcd", 4093), Err(Status::OUT_OF_RANGE));
    assert_eq!(vmo.read(&mut [0; 1], u64::MAX), Err(Status::OUT_OF_RANGE));
    assert_eq!(Vmo::create(u64::MAX).err(), Some(Status::OUT_OF_RANGE));
}

#[test]
fn rights_are_checked() {
    let vmo = Vmo::create(4096).unwrap();
    let reader = vmo.duplicate_handle(Rights::READ).unwrap();
    assert_eq!(reader.write(b"x", 0), Err(Status::ACCESS_DENIED));
    assert!(reader.read(&mut [0; 1], 0).is_ok());
    assert_eq!(vmo.set_size(8192), Err(Status::UNAVAILABLE));
    let resizable = Vmo::create_with_opts(VmoOptions::RESIZABLE, 4096).unwrap();
    resizable.write(b"keep", 0).unwrap();
    resizable.set_size(8192).unwrap();
    assert_eq!(resizable.get_size(), Ok(8192));
    assert_eq!(resizable.read_to_vec(0, 4).unwrap(), b"keep");
}

#[test]
fn another_thread_reads_while_one_writes() {
    let vmo = Vmo::create(4096).unwrap();
    let reader = vmo.duplicate_handle(Rights::READ).unwrap();
    let writer = std::thread::spawn(move || {
        for i in 0..1000u32 {
            vmo.write(&i.to_le_bytes(), 0).unwrap();
        }
        vmo
    });
    let mut seen = [0u8; 4];
    for _ in 0..1000 {
        reader.read(&mut seen, 0).unwrap();
    }
    let vmo = writer.join().unwrap();
    assert_eq!(vmo.read_to_vec(0, 4).unwrap(), 999u32.to_le_bytes());
}

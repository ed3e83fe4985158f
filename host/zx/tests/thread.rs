//! Thread objects and names.

use zx::{Name, ObjectType, Rights, Status, Thread};

#[test]
fn a_thread_object_carries_the_os_thread_name() {
    let thread = std::thread::Builder::new()
        .name("proxy_thread".to_string())
        .spawn(Thread::for_current_thread)
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(thread.get_name().unwrap().to_string(), "proxy_thread");
    let info = thread.basic_info().unwrap();
    assert_eq!(info.object_type, ObjectType::THREAD);
    assert_eq!(info.rights, Rights::THREAD_DEFAULT);
    let nameless = thread.duplicate_handle(Rights::BASIC).unwrap();
    assert_eq!(nameless.get_name(), Err(Status::ACCESS_DENIED));
}

#[test]
fn names_are_bounded() {
    assert_eq!(Name::new("a").unwrap().as_bytes(), b"a");
    assert_eq!(Name::new(&"x".repeat(32)), Err(Status::INVALID_ARGS));
    assert_eq!(Name::new("a\0b"), Err(Status::INVALID_ARGS));
    assert_eq!(Name::new_lossy(&"é".repeat(20)).as_bytes().len(), 30);
}

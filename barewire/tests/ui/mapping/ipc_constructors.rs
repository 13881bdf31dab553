//! Mapping a channel file is `unsafe`: the caller promises the channel
//! contract (nobody truncates the file; the peer follows the protocol).

use barewire::ipc::{Receiver, Sender};

fn main() {
    let path = std::path::Path::new("/dev/shm/barewire-ui");
    let _ = Sender::<u64>::create(path, 4096);
    let _ = Sender::<u64>::open(path);
    let _ = Receiver::<u64>::create(path, 4096);
    let _ = Receiver::<u64>::open(path);
}

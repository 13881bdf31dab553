//! Mapping an image file is `unsafe` (the same policy as channels);
//! `ImageFile::load`, which copies, is safe.

use barewire::mmap::ImageFile;

fn main() {
    let _ = ImageFile::<u64>::load("image.bin");
    let _ = ImageFile::<u64>::open("image.bin");
}

// Derive plumbing lives under `barewire::__private` only: the user-facing
// modules hold what users call.
use barewire::layout::read_tag;
use barewire::layout::write_tag;
use barewire::layout::check_boxed;
use barewire::layout::write_boxed;
use barewire::layout::from_boxed;
use barewire::layout::follow_unchecked;
use barewire::layout::StructLayout;
use barewire::layout::Check;
use barewire::schema::Builder;
use barewire::schema::struct_kind;
use barewire::mmap::fnv1a64;

fn main() {}

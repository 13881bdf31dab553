#!/usr/bin/env bash
# Miri on the tests of the code with `unsafe`, then AddressSanitizer on the
# test suites of the crates with `unsafe` (barewire, barewire-pool).
#
#   scripts/sanitize.sh [miri|asan]...     (default: both)
#
# Needs the nightly toolchain with the miri and rust-src components. Each
# tool builds into its own directory under the target directory (target/miri,
# target/asan), so the normal build cache stays valid.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(miri asan)
host=$(rustc +nightly -vV | sed -n 's/^host: //p')

miri() {
  # Isolation off: proptest persists failing cases to files. Tests that need
  # mmap, shared memory or child processes are `#[cfg_attr(miri, ignore)]`.
  export MIRIFLAGS=${MIRIFLAGS:--Zmiri-disable-isolation}
  echo "== miri: barewire (wire/plain.rs, layout; lib tests, layout tests, fuzz regressions)"
  # `bad_images_are_errors` checks every prefix and every byte flip of an
  # image, hours under Miri; layout_props (4 cases under Miri) and the
  # fuzz targets cover the same ground.
  cargo +nightly miri test -p barewire --lib --test layout --test explicit_layout \
    --test layout_props --test fuzz_regressions --test in_place --test explicit_in_place \
    --test founding_example --test view_mut_exclusive --test inline_strings --test trusted_reads \
    -- --skip bad_images_are_errors
  echo "== miri: barewire image (Image<T, B> over stable buffers; unit tests)"
  cargo +nightly miri test -p barewire --features bytes --lib image::
  echo "== miri: barewire ipc (shared.rs on an anonymous mapping; unit tests)"
  cargo +nightly miri test -p barewire --features ipc --lib ipc::
  echo "== miri: barewire-pool"
  cargo +nightly miri test -p barewire-pool --lib --tests
}

asan() {
  # Every integration test except the trybuild ones (`ui`: they run the
  # compiler and compare its messages, not our code). `--target` keeps the
  # sanitizer flags off build scripts and proc macros.
  local tests=()
  for crate in barewire barewire-pool; do
    for file in "$crate"/tests/*.rs; do
      name=$(basename "$file" .rs)
      [[ $name == ui ]] || tests+=(--test "$name")
    done
  done
  echo "== asan: barewire and barewire-pool, all features"
  RUSTFLAGS="-Zsanitizer=address --cfg barewire_asan" RUSTDOCFLAGS="-Zsanitizer=address" \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/asan" \
    cargo +nightly test --target "$host" -p barewire -p barewire-pool --all-features \
    --lib "${tests[@]}"
}

for step in "${steps[@]}"; do
  case $step in
    miri) miri ;;
    asan) asan ;;
    *) echo "unknown step: $step (miri, asan)" >&2; exit 2 ;;
  esac
done
echo "sanitizers passed: ${steps[*]}"

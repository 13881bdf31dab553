#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS; fails if any target
# finds a crash (panic, failed property, sanitizer report, timeout or OOM).
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target defaults to FUZZ_SECONDS, else 20. An input that takes
# longer than FUZZ_TIMEOUT seconds (default 2) counts as a crash: a hang.
# The targets expand repetitions in their input (barewire_fuzz::expand), so
# that the inputs which used to take quadratic time or overflow the stack
# (large messages read a byte at a time, deep or long schemas, large frames)
# are within reach and take well under that budget when the code is linear.
#
# Needs the nightly toolchain; uses cargo-fuzz (`cargo install cargo-fuzz`)
# when installed, and otherwise builds with the same flags itself.
# Seeds are (re)written into fuzz/corpus/<target>/ first, from sample values
# and from the shared BARE test data (BAREWIRE_VECTORS, default
# ../shared/bare-vectors beside the checkout; skipped if absent). Crash
# inputs land in fuzz/artifacts/<target>/, logs in fuzz/target/run-logs/.
# FUZZ_SKIP_BUILD=1 skips the build (when another run.sh just built), and
# FUZZ_SKIP_SEEDS=1 the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every target in fuzz/Cargo.toml (the `seeds` binary is not one).
ALL_TARGETS=(wire_owned wire_borrowed arena_decode wire_stream layout_view layout_roundtrip
  schema_parse file_header frame_decoder ipc_receiver value_decode value_json
  serde_bridge varint_frames)

usage() {
  echo "usage: fuzz/run.sh [SECONDS] [TARGET...]  (SECONDS default: \$FUZZ_SECONDS or 20)" >&2
  echo "targets: ${ALL_TARGETS[*]}" >&2
  exit 2
}
seconds=${FUZZ_SECONDS:-20}
if [[ $# -ge 1 && $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || usage
timeout=${FUZZ_TIMEOUT:-2}
[[ $timeout =~ ^[0-9]+$ && $timeout -gt 0 ]] || usage
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")
for target in "${targets[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $target "* ]] || { echo "unknown target: $target" >&2; usage; }
done
vectors=${BAREWIRE_VECTORS:-../shared/bare-vectors}
logs=fuzz/target/run-logs
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
# Where cargo puts the binaries: fuzz/target unless CARGO_TARGET_DIR (or a
# cargo config) says otherwise.
target_dir=$(cargo +nightly metadata --manifest-path fuzz/Cargo.toml --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin=${target_dir:-fuzz/target}/$host/release
mkdir -p "$logs"

if [[ ${FUZZ_SKIP_BUILD:-0} != 1 ]]; then
  echo "== building fuzz targets"
  if [[ ${FUZZ_DIRECT_BUILD:-0} != 1 ]] && cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly fuzz build
  else
    # Without cargo-fuzz: the same build it makes (libFuzzer's coverage
    # instrumentation and AddressSanitizer on the nightly toolchain).
    echo "(cargo-fuzz not installed: building with the flags cargo-fuzz uses)"
    RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing \
-Cllvm-args=-simplifycfg-branch-fold-threshold=0 -Zsanitizer=address -Cdebug-assertions \
-Coverflow-checks" \
      cargo +nightly build --release --manifest-path fuzz/Cargo.toml --target "$host" --bins
  fi
fi

if [[ ${FUZZ_SKIP_SEEDS:-0} != 1 ]]; then
  echo "== seeds"
  cargo +nightly run --quiet --manifest-path fuzz/Cargo.toml --features seeds --bin seeds -- \
    fuzz/corpus "$vectors"
fi

failed=()
summary=()
for target in "${targets[@]}"; do
  echo "== $target: ${seconds}s"
  log=$logs/$target.log
  start=$(date +%s)
  status=0
  mkdir -p "fuzz/artifacts/$target" "fuzz/corpus/$target"
  # The binary `cargo fuzz build` made, run directly so that `cargo fuzz run`
  # does not rebuild between targets. -timeout: an input that takes over
  # $timeout s counts as a crash (a hang).
  "$bin/$target" -artifact_prefix="fuzz/artifacts/$target/" -max_total_time="$seconds" \
    -timeout="$timeout" -print_final_stats=1 "fuzz/corpus/$target" >"$log" 2>&1 &
  pid=$!
  wait "$pid" || status=$?
  # The file targets write one scratch file per process, named after it.
  for dir in /dev/shm "${TMPDIR:-/tmp}"; do
    rm -f "$dir/barewire-fuzz-header-$pid.img" "$dir/barewire-fuzz-ipc-$pid.chan"
  done
  elapsed=$(($(date +%s) - start))
  execs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  line=$(printf '%-17s %12s execs in %4ss  cov %s' "$target" "${execs:-?}" "$elapsed" "${cov:-?}")
  if [[ $status -ne 0 ]]; then
    line="$line  FAILED (exit $status, see $log)"
    failed+=("$target")
    grep -a -E 'panicked at|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY|Test unit written' "$log" | head -8 || true
  fi
  echo "$line"
  summary+=("$line")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing found crashes in: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzzing passed: no crashes"

#!/usr/bin/env bash
# Runs every fuzz target for SECONDS_PER_TARGET seconds (default 6) after
# replaying its seed corpus, and fails on any crash, timeout or out-of-memory
# (libFuzzer writes the input under fuzz/artifacts/<target>/).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# cargo-fuzz is installed from crates.io when missing. It passes nightly
# flags (-Z…) to rustc; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept
# them. FUZZ_SANITIZER picks the sanitizer (default `none`, which CI uses:
# leakcheck is safe Rust, the fuzzer looks for panics and hangs, and the
# build is shorter; `address` for the long runs of docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-6}
shift || true
sanitizer=${FUZZ_SANITIZER:-none}
export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install --quiet --locked cargo-fuzz
fi
cargo fuzz --version

fuzz/seed.sh

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

# One build for every target, so the runs below only run.
cargo fuzz build --sanitizer "$sanitizer"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=()
printf '%-12s %12s %8s %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  mkdir -p "fuzz/artifacts/$t"
  log="$logs/$t.log"
  if cargo fuzz run --sanitizer "$sanitizer" "$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    failed+=("$t")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-12s %12s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$result"
  if [ "$result" = FAILED ]; then
    # The panic message, the stack and the input libFuzzer kept.
    grep -v -E '^#[0-9]+ +(NEW|REDUCE|pulse|INITED)' "$log" | tail -n 60
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]}" >&2
  echo "reproduce with: RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/artifacts/TARGET/FILE" >&2
  exit 1
fi
echo "${#targets[@]} fuzz targets ran ${secs}s each without a crash"

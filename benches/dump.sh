#!/usr/bin/env bash
# Speed and scale: leakcheck against plain hashing tools on a generated dump.
#
# usage: benches/dump.sh [SIZE] [WORKDIR]
#   SIZE     dump size, e.g. 100M, 1G, 4G (default 1G; powers of 1024)
#   WORKDIR  where dumps, reports and results go (default target/bench-dump)
# environment:
#   ROUNDS   interleaved rounds (default 3); the table shows medians
#   SEED     generator seed (default 2017)
#   LEAKCHECK_BIN  time this leakcheck binary instead of building the tree's
#
# The dump is written by `examples/make-dump.rs` once per size and seed and
# kept in WORKDIR. Nothing is dropped from the page cache (no root tricks):
# an untimed leakcheck run first reads every file, so every timed run reads
# from a warm cache, the same for every tool. Each round times, one after the
# other: leakcheck scan, leakcheck manifest, sha256sum and b3sum over every file (one process
# through xargs, and sha256sum again with one process per core), hashdeep
# (SHA-256 only). exiftool runs once, on the dump's loose documents folder,
# with leakcheck on the same folder for the ratio. Wall time is measured
# here; peak RSS and CPU times come from GNU time (`/usr/bin/time -v`).
# The leakcheck binary is copied to WORKDIR/bin first, so every round times
# the same build even when the tree is rebuilt meanwhile.
# Results are appended to WORKDIR/results.jsonl, one JSON object a line.
set -euo pipefail

SIZE=${1:-1G}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORKDIR=${2:-$ROOT/target/bench-dump}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-2017}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

die() {
    echo "dump.sh: $*" >&2
    exit 1
}

# SIZE in bytes (K, M, G, T are powers of 1024, as leakcheck and make-dump read them).
size_bytes() {
    local s=${1^^} n unit
    s=${s%IB}
    s=${s%B}
    n=${s%%[KMGT]}
    unit=${s#"$n"}
    [[ $n =~ ^[0-9]+$ ]] || die "'$1' is not a size (examples: 100M, 1G, 4G)"
    case $unit in
        "") echo "$n" ;;
        K) echo $((n << 10)) ;;
        M) echo $((n << 20)) ;;
        G) echo $((n << 30)) ;;
        T) echo $((n << 40)) ;;
        *) die "unknown size unit in '$1'" ;;
    esac
}

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number"
BYTES_ASKED=$(size_bytes "$SIZE")
mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
RESULTS=$WORKDIR/results.jsonl
ERRLOG=$WORKDIR/stderr.log
RUN_ID=$(date -u +%Y-%m-%dT%H:%M:%SZ)

have() { command -v "$1" >/dev/null 2>&1; }
missing() { printf '  %-22s not installed (%s); skipped\n' "$1" "$2"; }

# ---------------------------------------------------------------- machine

NPROC=$(nproc)
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
CPU=${CPU:-unknown}
if grep -qw sha_ni /proc/cpuinfo 2>/dev/null; then SHA_NI=yes; else SHA_NI=no; fi
MEM_GB=$(awk '/^MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo 2>/dev/null || echo "?")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

echo "leakcheck speed and scale — dump of $SIZE, $ROUNDS rounds, seed $SEED"
echo "machine: $NPROC cores, $CPU, sha_ni: $SHA_NI, ${MEM_GB} GiB RAM, load average $LOAD"
if awk -v l="${LOAD%% *}" -v n="$NPROC" 'BEGIN { exit !(l + 0 > n * 0.5) }'; then
    echo "warning: the machine is busy (load ${LOAD%% *} on $NPROC cores): timings will be noisy"
fi
OPENSSL_LINE=""
OPENSSL_MBS=""
if have openssl; then
    OPENSSL_LINE=$(openssl speed -evp sha256 -seconds 1 2>/dev/null | grep -E '^(sha256|SHA256)' | tail -1 || true)
    OPENSSL_MBS=$(awk '{ v = $NF; sub(/k$/, "", v); printf "%.0f", v / 1000 }' <<<"$OPENSSL_LINE")
    echo "ceiling: openssl speed -evp sha256 (one core, 16 KiB blocks, k = 1000 bytes/s):"
    echo "  $OPENSSL_LINE"
    echo "  = ${OPENSSL_MBS} MB/s per core"
else
    missing openssl "apt-get install openssl"
fi

# ---------------------------------------------------------------- build

if [[ -n ${LEAKCHECK_BIN:-} ]]; then
    [[ -x $LEAKCHECK_BIN ]] || die "LEAKCHECK_BIN=$LEAKCHECK_BIN is not an executable"
    echo "building make-dump (release); leakcheck is $LEAKCHECK_BIN…"
    (cd "$ROOT" && cargo build --release --quiet --example make-dump)
    BUILT=$LEAKCHECK_BIN
else
    echo "building leakcheck and make-dump (release)…"
    (cd "$ROOT" && cargo build --release --quiet --bin leakcheck --example make-dump)
    BUILT=$TARGET_DIR/release/leakcheck
fi
MAKE_DUMP=$TARGET_DIR/release/examples/make-dump
[[ -x $BUILT && -x $MAKE_DUMP ]] || die "build products not found under $TARGET_DIR/release"
# Every round runs the same binary, even if the tree is rebuilt meanwhile.
LEAKCHECK_SHA=$(sha256sum "$BUILT" | cut -c1-12)
mkdir -p "$WORKDIR/bin"
LEAKCHECK=$WORKDIR/bin/leakcheck-$LEAKCHECK_SHA
[[ -x $LEAKCHECK ]] || cp "$BUILT" "$LEAKCHECK"
echo "leakcheck: $("$LEAKCHECK" --version 2>/dev/null || echo leakcheck), binary sha256 $LEAKCHECK_SHA…, built $(date -u -r "$BUILT" +%Y-%m-%dT%H:%M:%SZ)"

# ---------------------------------------------------------------- dump

DUMP=$WORKDIR/dump-$SIZE-seed$SEED
DONE=$WORKDIR/dump-$SIZE-seed$SEED.done
if [[ -f $DONE && -d $DUMP ]]; then
    echo "dump: $DUMP (cached)"
else
    rm -rf "$DUMP" "$DONE"
    FREE=$(df -PB1 "$WORKDIR" | awk 'NR == 2 {print $4}')
    # The dump overshoots its size by a few percent; keep 1 GiB spare.
    NEED=$((BYTES_ASKED + BYTES_ASKED / 10 + (1 << 30)))
    if ((FREE < NEED)); then
        die "not enough disk for a $SIZE dump in $WORKDIR: $((FREE >> 20)) MiB free, $((NEED >> 20)) MiB needed (size + 10 % + 1 GiB spare). Free some space or give another WORKDIR."
    fi
    echo "dump: generating $DUMP…"
    # The marker is written last: an interrupted generation is redone.
    "$MAKE_DUMP" "$DUMP" "$SIZE" "$SEED" | tee "$WORKDIR/dump-$SIZE-seed$SEED.txt"
    touch "$DONE"
fi
DUMP_BYTES=$(find "$DUMP" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s}')
DUMP_FILES=$(find "$DUMP" -type f | wc -l)
SUBSET=$DUMP/documents
SUBSET_BYTES=$(find "$SUBSET" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s}')
SUBSET_FILES=$(find "$SUBSET" -type f | wc -l)
echo "dump: $DUMP_FILES files, $((DUMP_BYTES >> 20)) MiB; exiftool subset: documents/, $SUBSET_FILES files, $((SUBSET_BYTES >> 20)) MiB"

# ---------------------------------------------------------------- report

# A JSON number from a report: jq, else python3, else a regular expression
# on the summary (which comes before the items).
json_number() {
    local file=$1 expr=$2
    if have jq; then
        jq -r "$expr" "$file"
    elif have python3; then
        python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
e = sys.argv[2]
if e == ".summary.items": print(r["summary"]["items"])
elif e == "[.items[].size] | add": print(sum(i["size"] for i in r["items"]))
else: print("null")' "$file" "$expr"
    elif [[ $expr == .summary.items ]]; then
        grep -o -m1 '"items": *[0-9][0-9]*' "$file" | head -1 | grep -o '[0-9]*$'
    else
        echo null
    fi
}

REPORT=$WORKDIR/report-$SIZE-seed$SEED.json
echo "untimed leakcheck run (warms the page cache, counts the items)…"
"$LEAKCHECK" scan "$DUMP" --json --quiet >"$REPORT"
ITEMS=$(json_number "$REPORT" .summary.items)
HASHED=$(json_number "$REPORT" '[.items[].size] | add')
echo "report: $ITEMS items; $((HASHED >> 20)) MiB of item content hashed (every file and every item inside one)"
SUBSET_REPORT=$WORKDIR/report-$SIZE-seed$SEED-documents.json
"$LEAKCHECK" scan "$SUBSET" --json --quiet >"$SUBSET_REPORT"
SUBSET_ITEMS=$(json_number "$SUBSET_REPORT" .summary.items)

# ---------------------------------------------------------------- timing

GNU_TIME=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    GNU_TIME=/usr/bin/time
else
    missing "GNU time" "apt-get install time"
    echo "  (peak RSS and CPU time will be missing)"
fi
B3SUM=$(command -v b3sum || true)
[[ -z $B3SUM && -x $HOME/.cargo/bin/b3sum ]] && B3SUM=$HOME/.cargo/bin/b3sum

# Results of the last measure.
M_WALL="" M_RSS="" M_CPU="" M_STATUS=0

# measure TOOL SCOPE BYTES ITEMS ROUND CMD...: runs CMD (output to /dev/null)
# and appends a JSON line to the results.
measure() {
    local tool=$1 scope=$2 bytes=$3 items=$4 round=$5
    shift 5
    local stats t0 t1 load
    stats=$(mktemp)
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo null)
    M_STATUS=0
    t0=$(date +%s%N)
    if [[ -n $GNU_TIME ]]; then
        "$GNU_TIME" -v -o "$stats" "$@" >/dev/null 2>>"$ERRLOG" || M_STATUS=$?
    else
        "$@" >/dev/null 2>>"$ERRLOG" || M_STATUS=$?
    fi
    t1=$(date +%s%N)
    M_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
    M_RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$stats")
    M_CPU=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {if (u != "") printf "%.2f", u + s}' "$stats")
    rm -f "$stats"
    printf '{"run":"%s","size":"%s","seed":%s,"scope":"%s","tool":"%s","round":%s,"bytes":%s,"items":%s,"wall_s":%s,"cpu_s":%s,"max_rss_mb":%s,"status":%s,"load_before":%s,"nproc":%s,"cpu":"%s","sha_ni":"%s","leakcheck_sha256":"%s"}\n' \
        "$RUN_ID" "$SIZE" "$SEED" "$scope" "$tool" "$round" "$bytes" "$items" "$M_WALL" \
        "${M_CPU:-null}" "${M_RSS:-null}" "$M_STATUS" "$load" "$NPROC" "${CPU//\"/}" "$SHA_NI" "$LEAKCHECK_SHA" >>"$RESULTS"
    printf '  round %s  %-26s %8.2f s  (load %s)  %s\n' "$round" "$tool" "$M_WALL" "$load" \
        "$([[ $M_STATUS != 0 ]] && echo "(exit status $M_STATUS, see $ERRLOG)")"
}

# Per tool: wall times (space separated), peak RSS (max), CPU seconds (last).
declare -A WALLS RSS CPUS ITEMS_OF BYTES_OF
TOOLS=()

record() {
    local tool=$1 bytes=$2 items=$3
    [[ -n ${WALLS[$tool]+x} ]] || TOOLS+=("$tool")
    WALLS[$tool]="${WALLS[$tool]:-} $M_WALL"
    local old=${RSS[$tool]:-0} new=${M_RSS:-0}
    RSS[$tool]=$(awk -v a="$old" -v b="$new" 'BEGIN {print (b > a) ? b : a}')
    CPUS[$tool]="${CPUS[$tool]:-} ${M_CPU:-0}"
    ITEMS_OF[$tool]=$items
    BYTES_OF[$tool]=$bytes
}

run() { # TOOL SCOPE BYTES ITEMS ROUND CMD...
    measure "$@"
    record "$1" "$3" "$4"
}

median() {
    tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g |
        awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

SHA_XARGS='find "$1" -type f -print0 | xargs -0 sha256sum'
SHA_PARALLEL='find "$1" -type f -print0 | xargs -0 -P "$2" -n 32 sha256sum'
B3_XARGS='find "$1" -type f -print0 | xargs -0 "$2"'

have hashdeep || missing hashdeep "apt-get install hashdeep"
[[ -n $B3SUM ]] || missing b3sum "cargo install b3sum"
have sha256sum || missing sha256sum "apt-get install coreutils"

# `manifest` hashes the same items as `scan` (the nightly re-check of an
# archive), without the facts and checks; its lists go outside the dump.
MANIFEST_DIR=$WORKDIR/manifest-$SIZE-seed$SEED

for ((r = 1; r <= ROUNDS; r++)); do
    echo "round $r of $ROUNDS"
    run leakcheck dump "$DUMP_BYTES" "$ITEMS" "$r" "$LEAKCHECK" scan "$DUMP" --json --quiet
    run "leakcheck manifest" dump "$DUMP_BYTES" "$ITEMS" "$r" "$LEAKCHECK" manifest "$DUMP" --out "$MANIFEST_DIR" --quiet
    if have sha256sum; then
        run sha256sum dump "$DUMP_BYTES" "$DUMP_FILES" "$r" bash -c "$SHA_XARGS" _ "$DUMP"
        run "sha256sum -P$NPROC" dump "$DUMP_BYTES" "$DUMP_FILES" "$r" bash -c "$SHA_PARALLEL" _ "$DUMP" "$NPROC"
    fi
    if [[ -n $B3SUM ]]; then
        run b3sum dump "$DUMP_BYTES" "$DUMP_FILES" "$r" bash -c "$B3_XARGS" _ "$DUMP" "$B3SUM"
    fi
    if have hashdeep; then
        run hashdeep dump "$DUMP_BYTES" "$DUMP_FILES" "$r" hashdeep -r -c sha256 "$DUMP"
    fi
done

echo "exiftool subset: $SUBSET"
if have exiftool; then
    run "exiftool (documents/)" subset "$SUBSET_BYTES" "$SUBSET_FILES" 1 exiftool -r -ext '*' -json "$SUBSET"
else
    missing exiftool "apt-get install libimage-exiftool-perl"
fi
run "leakcheck (documents/)" subset "$SUBSET_BYTES" "$SUBSET_ITEMS" 1 "$LEAKCHECK" scan "$SUBSET" --json --quiet

# ---------------------------------------------------------------- table

declare -A MED MBS
echo
echo "Dump: $SIZE asked, $DUMP_FILES files, $(awk -v b="$DUMP_BYTES" 'BEGIN {printf "%.1f", b / 1e6}') MB on disk;" \
    "leakcheck lists $ITEMS items and hashes $(awk -v b="$HASHED" 'BEGIN {printf "%.1f", b / 1e6}') MB of item content."
echo "Machine: $NPROC cores, $CPU, sha_ni $SHA_NI; load average now $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)."
echo "Warm page cache. MB = 10^6 bytes; wall and CPU s (user + system) are medians of $ROUNDS rounds (subset: 1 run);"
echo "MB/CPU-s is throughput per CPU second, less sensitive than wall time to other load on the machine."
printf '\n%-24s %9s %9s %10s %11s %10s %9s %10s\n' tool "wall s" "MB/s" items "items/s" "RSS MB" "CPU s" "MB/CPU-s"
printf '%-24s %9s %9s %10s %11s %10s %9s %10s\n' ------------------------ --------- --------- ---------- ----------- ---------- --------- ----------
for t in "${TOOLS[@]}"; do
    MED[$t]=$(median "${WALLS[$t]}")
    local_cpu=$(median "${CPUS[$t]}")
    MBS[$t]=$(awk -v b="${BYTES_OF[$t]}" -v s="${MED[$t]}" 'BEGIN {printf "%.1f", b / s / 1e6}')
    ips=$(awk -v n="${ITEMS_OF[$t]}" -v s="${MED[$t]}" 'BEGIN {printf "%.0f", n / s}')
    per_cpu=$(awk -v b="${BYTES_OF[$t]}" -v s="$local_cpu" 'BEGIN {if (s > 0) printf "%.1f", b / s / 1e6; else print "n/a"}')
    printf '%-24s %9.2f %9s %10s %11s %10s %9s %10s\n' "$t" "${MED[$t]}" "${MBS[$t]}" "${ITEMS_OF[$t]}" "$ips" "${RSS[$t]}" "$local_cpu" "$per_cpu"
    printf '{"run":"%s","size":"%s","seed":%s,"summary":true,"tool":"%s","rounds":%s,"bytes":%s,"items":%s,"median_wall_s":%s,"mb_s":%s,"items_s":%s,"max_rss_mb":%s,"median_cpu_s":%s,"hashed_bytes":%s,"nproc":%s,"cpu":"%s","sha_ni":"%s","openssl_sha256_mb_s":%s,"leakcheck_sha256":"%s"}\n' \
        "$RUN_ID" "$SIZE" "$SEED" "$t" "$ROUNDS" "${BYTES_OF[$t]}" "${ITEMS_OF[$t]}" "${MED[$t]}" "${MBS[$t]}" "$ips" \
        "${RSS[$t]}" "${local_cpu:-null}" "${HASHED:-null}" "$NPROC" "${CPU//\"/}" "$SHA_NI" "${OPENSSL_MBS:-null}" "$LEAKCHECK_SHA" >>"$RESULTS"
done

ratio() { # A B: A's wall time over B's
    if [[ -n ${MED[$2]:-} && -n ${MED[$1]:-} ]]; then
        printf '  %-44s %6.2f×\n' "$1 / $2 (wall time)" "$(awk -v a="${MED[$1]}" -v b="${MED[$2]}" 'BEGIN {print a / b}')"
    fi
}
echo
echo "Ratios (above 1: leakcheck takes longer):"
ratio leakcheck sha256sum
ratio leakcheck "sha256sum -P$NPROC"
ratio leakcheck b3sum
ratio leakcheck hashdeep
ratio "leakcheck manifest" sha256sum
ratio "leakcheck manifest" hashdeep
if [[ -n ${MBS["exiftool (documents/)"]:-} ]]; then
    printf '  %-44s %6.2f×\n' "leakcheck / exiftool throughput (documents/)" \
        "$(awk -v a="${MBS["leakcheck (documents/)"]}" -v b="${MBS["exiftool (documents/)"]}" 'BEGIN {print a / b}')"
fi
if [[ -n $OPENSSL_MBS ]]; then
    echo "  ceiling: openssl sha256 ${OPENSSL_MBS} MB/s per core × $NPROC cores;" \
        "leakcheck hashes $(awk -v h="$HASHED" -v s="${MED[leakcheck]}" 'BEGIN {printf "%.0f", h / s / 1e6}') MB/s of item content (SHA-256 and BLAKE3)"
fi
echo
echo "results appended to $RESULTS (run $RUN_ID)"

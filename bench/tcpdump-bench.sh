#!/bin/bash
# Benchmark dumpkit tcpdump against Debian's tcpdump on a generated capture (not a timed test).
# usage: bench/tcpdump-bench.sh [PACKETS] [DUMPKIT_BINARY]
#   PACKETS         packets to generate with ../shared/tools/genpcap.py (default 1000000)
#   DUMPKIT_BINARY  NativeAOT dumpkit binary (default: artifacts/publish/dumpkit or $DUMPKIT)
#   RUNS=n          runs per program and row (default 5)
# For every row the two programs alternate, RUNS runs each, output to /dev/null; the median wall
# time, packets/s and the ratio (tcpdump time / dumpkit time, >= 1.0 means dumpkit is at least as
# fast) are printed, and whether one more run of each produced the same bytes (same output).
# Start-up: median over RUNS rounds of 20 `--version` runs, alternating the two programs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
N=${1:-1000000}
DK=${2:-${DUMPKIT:-$ROOT/artifacts/publish/dumpkit}}
TD=${TCPDUMP:-/usr/bin/tcpdump}
RUNS=${RUNS:-5}
export TZ=UTC   # without TZ glibc re-reads /etc/localtime for every packet
[ -x "$DK" ] || { echo "dumpkit binary not found: $DK (publish it or pass its path)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
F=$WORK/bench.pcap
python3 "$SHARED/tools/genpcap.py" "$F" "$N" >/dev/null

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
same() { # args... ; runs both once more into files and compares the bytes (-w rows compare the pcaps)
  local a b
  if [[ " $* " == *" -w "* ]]; then
    "$TD" "${@/@OUT@/$WORK/td.pcap}" >/dev/null 2>&1 || true
    "$DK" tcpdump "${@/@OUT@/$WORK/dk.pcap}" >/dev/null 2>&1 || true
    a=$WORK/td.pcap; b=$WORK/dk.pcap
  else
    "$TD" "$@" >"$WORK/td.out" 2>/dev/null || true
    "$DK" tcpdump "$@" >"$WORK/dk.out" 2>/dev/null || true
    a=$WORK/td.out; b=$WORK/dk.out
  fi
  cmp -s "$a" "$b" && echo yes || echo NO
  rm -f "$WORK"/td.* "$WORK"/dk.*
}
row() { # label, args...
  local label="$1"; shift
  local a=() b=() i s e
  local args=("${@/@OUT@/$WORK/out.pcap}")
  for ((i = 0; i < RUNS; i++)); do
    s=$(now); "$TD" "${args[@]}" >/dev/null 2>&1 || true; e=$(now); a+=("$(echo "$e - $s" | bc -l)")
    s=$(now); "$DK" tcpdump "${args[@]}" >/dev/null 2>&1 || true; e=$(now); b+=("$(echo "$e - $s" | bc -l)")
  done
  local ma mb
  ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
  printf '| %-18s | %7.3f s | %10.0f | %7.3f s | %10.0f | %5.2f | %s |\n' \
    "$label" "$ma" "$(echo "$N / $ma" | bc -l)" "$mb" "$(echo "$N / $mb" | bc -l)" "$(echo "$ma / $mb" | bc -l)" "$(same "$@")"
}
echo "packets=$N runs=$RUNS tcpdump=$("$TD" --version 2>&1 | head -1) dumpkit=$DK"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "| command | tcpdump | pkt/s | dumpkit | pkt/s | ratio | same output |"
echo "|---|---|---|---|---|---|---|"
row "-r -n"          -r "$F" -n
row "-r -n -v"       -r "$F" -n -v
row "-r -n -X"       -r "$F" -n -X
row "-r -n -e -tttt" -r "$F" -n -e -tttt
row "-r --count"     -r "$F" --count
row "-r -w (rewrite)" -r "$F" -w @OUT@
startup() { local s e i; s=$(now); for i in $(seq 20); do "$@" --version >/dev/null 2>&1; done; e=$(now); echo "($e - $s) * 50" | bc -l; }
ta=() tb=()
for ((i = 0; i < RUNS; i++)); do ta+=("$(startup "$TD")"); tb+=("$(startup "$DK" tcpdump)"); done
printf 'start-up wall (--version, median of %d x 20 runs): tcpdump %.1f ms, dumpkit tcpdump %.1f ms\n' "$RUNS" "$(median "${ta[@]}")" "$(median "${tb[@]}")"
# CPU time (user + sys) per start, steadier than wall time on a shared machine; /bin/true for scale
cpu() { /usr/bin/time -f "%U %S" sh -c 'for i in $(seq 100); do "$@" >/dev/null 2>&1; done' sh "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", ($1 + $2) * 10}'; }
if [ -x /usr/bin/time ]; then
  printf 'start-up CPU (user+sys per run, 100 runs): tcpdump %s ms, dumpkit tcpdump %s ms, /bin/true %s ms\n' \
    "$(cpu "$TD" --version)" "$(cpu "$DK" tcpdump --version)" "$(cpu /bin/true)"
fi

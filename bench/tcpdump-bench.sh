#!/bin/bash
# Benchmark dumpkit tcpdump against Debian's tcpdump on a generated capture (not a timed test).
# usage: bench/tcpdump-bench.sh [PACKETS] [DUMPKIT_BINARY]
#   PACKETS         packets to generate with ../shared/tools/genpcap.py (default 1000000)
#   DUMPKIT_BINARY  NativeAOT dumpkit binary (default: artifacts/publish/dumpkit or $DUMPKIT)
# For every row the two programs alternate, 3 runs each; the median wall time, packets/s and the
# ratio (tcpdump time / dumpkit time, >= 1.0 means dumpkit is at least as fast) are printed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
N=${1:-1000000}
DK=${2:-${DUMPKIT:-$ROOT/artifacts/publish/dumpkit}}
TD=${TCPDUMP:-/usr/bin/tcpdump}
export TZ=UTC   # without TZ glibc re-reads /etc/localtime for every packet
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
F=$WORK/bench.pcap
python3 "$SHARED/tools/genpcap.py" "$F" "$N" >/dev/null
[ -x "$DK" ] || { echo "dumpkit binary not found: $DK (publish it or pass its path)" >&2; exit 1; }

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
row() { # label, args...
  local label="$1"; shift
  local a=() b=()
  for i in 1 2 3; do
    local s=$(now); "$TD" "$@" >/dev/null 2>&1 || true; local e=$(now); a+=($(echo "$e - $s" | bc -l))
    s=$(now); "$DK" tcpdump "$@" >/dev/null 2>&1 || true; e=$(now); b+=($(echo "$e - $s" | bc -l))
  done
  local ma=$(median "${a[@]}") mb=$(median "${b[@]}")
  printf '%-28s tcpdump %7.3f s %10.0f pkt/s | dumpkit %7.3f s %10.0f pkt/s | ratio %5.2f\n' \
    "$label" "$ma" "$(echo "$N / $ma" | bc -l)" "$mb" "$(echo "$N / $mb" | bc -l)" "$(echo "$ma / $mb" | bc -l)"
}
echo "packets=$N tcpdump=$("$TD" --version 2>&1 | head -1) dumpkit=$DK"
row "-r -n"          -r "$F" -n
row "-r -n -v"       -r "$F" -n -v
row "-r -n -X"       -r "$F" -n -X
row "-r -n -e -tttt" -r "$F" -n -e -tttt
row "-r --count"     -r "$F" --count
row "-r -w rewrite"  -r "$F" -w "$WORK/out.pcap"
# start-up: 20 runs of --version
s=$(now); for i in $(seq 20); do "$DK" tcpdump --version >/dev/null 2>&1; done; e=$(now)
printf 'start-up (dumpkit tcpdump --version): %.1f ms per run\n' "$(echo "($e - $s) * 50" | bc -l)"

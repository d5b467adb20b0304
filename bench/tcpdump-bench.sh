#!/bin/bash
# Benchmark dumpkit tcpdump against Debian's tcpdump on a generated capture (not a timed test).
# usage: bench/tcpdump-bench.sh [PACKETS] [DUMPKIT_BINARY]
#   PACKETS         packets to generate with ../shared/tools/genpcap.py (default 1000000)
#   DUMPKIT_BINARY  NativeAOT dumpkit binary (default: artifacts/publish/dumpkit or $DUMPKIT)
#   RUNS=n          runs per program and row (default 5)
#   FILES=0         skip the file rows and start-up; LIVE=0 skips the live rows (root only anyway)
#   LIVE_SECONDS=n  length of the live flood (default 5)
#   MIX=n           packets in the protocol-mix capture of the `-r -v (mix)` row (default 200000)
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

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
WRAP=()   # a command both programs run under (the name-resolution row's namespace)
same() { # args... ; runs both once more into files and compares the bytes (-w rows compare the pcaps)
  local a b
  if [[ " $* " == *" -w "* ]]; then
    "${WRAP[@]}" "$TD" "${@/@OUT@/$WORK/td.pcap}" >/dev/null 2>&1 || true
    "${WRAP[@]}" "$DK" tcpdump "${@/@OUT@/$WORK/dk.pcap}" >/dev/null 2>&1 || true
    a=$WORK/td.pcap; b=$WORK/dk.pcap
  else
    "${WRAP[@]}" "$TD" "$@" >"$WORK/td.out" 2>/dev/null || true
    "${WRAP[@]}" "$DK" tcpdump "$@" >"$WORK/dk.out" 2>/dev/null || true
    a=$WORK/td.out; b=$WORK/dk.out
  fi
  cmp -s "$a" "$b" && echo yes || echo NO
  rm -f "$WORK"/td.* "$WORK"/dk.*
}
row() { # label, args... (PKTS=n when the capture is not the generated one)
  local label="$1"; shift
  local a=() b=() i s e n=${PKTS:-$N}
  local args=("${@/@OUT@/$WORK/out.pcap}")
  for ((i = 0; i < RUNS; i++)); do
    s=$(now); "${WRAP[@]}" "$TD" "${args[@]}" >/dev/null 2>&1 || true; e=$(now); a+=("$(echo "$e - $s" | bc -l)")
    s=$(now); "${WRAP[@]}" "$DK" tcpdump "${args[@]}" >/dev/null 2>&1 || true; e=$(now); b+=("$(echo "$e - $s" | bc -l)")
  done
  local ma mb
  ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
  printf '| %-18s | %7.3f s | %10.0f | %7.3f s | %10.0f | %5.2f | %s |\n' \
    "$label" "$ma" "$(echo "$n / $ma" | bc -l)" "$mb" "$(echo "$n / $mb" | bc -l)" "$(echo "$ma / $mb" | bc -l)" "$(same "$@")"
}
echo "packets=$N runs=$RUNS tcpdump=$("$TD" --version 2>&1 | head -1) dumpkit=$DK"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
if [ "${FILES:-1}" = 1 ]; then
python3 "$SHARED/tools/genpcap.py" "$F" "$N" >/dev/null
echo "| command | tcpdump | pkt/s | dumpkit | pkt/s | ratio | same output |"
echo "|---|---|---|---|---|---|---|"
row "-r -n"          -r "$F" -n
row "-r -n -v"       -r "$F" -n -v
row "-r -n -X"       -r "$F" -n -X
row "-r -n -e -tttt" -r "$F" -n -e -tttt
row "-r --count"     -r "$F" --count
row "-r -w (rewrite)" -r "$F" -w @OUT@
# Names without -n: both programs run in a private mount and network namespace whose /etc/hosts names
# the capture's two addresses (and no resolver is reachable), so every name comes from /etc/hosts.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  printf '10.0.0.1\tclient.bench.example client\n10.0.0.2\tserver.bench.example server\n' >"$WORK/hosts"
  printf 'nameserver 127.0.0.1\n' >"$WORK/resolv.conf"
  printf '#!/bin/sh\nmount --bind %s /etc/hosts && mount --bind %s /etc/resolv.conf && exec "$@"\n' \
    "$WORK/hosts" "$WORK/resolv.conf" >"$WORK/ns.sh"
  chmod +x "$WORK/ns.sh"
  WRAP=(unshare -m -n "$WORK/ns.sh")
  row "-r (names)"     -r "$F"
  WRAP=()
else
  echo "| -r (names) | skipped: needs root and unshare(1) for a private /etc/hosts | | | | | |"
fi
# Protocol mix: the Ethernet captures of tcpdump's own suite for the printers added since the first rows
# (PPTP, LACP, M3UA/SCTP, IS-IS, OSPFv3, RADIUS, ISAKMP, RSVP, PIM, EIGRP, HSRP, OpenFlow 1.0, LMP,
# VRRP), their packets repeated to MIX packets, printed with -v.
SUITE=$SHARED/tcpdump-tests/4.99.3
if [ -d "$SUITE" ]; then
  M=$WORK/mix.pcap
  PKTS=$(python3 - "$M" "${MIX:-200000}" "$SUITE" <<'PY'
import struct, sys, os
out, want, suite = sys.argv[1], int(sys.argv[2]), sys.argv[3]
names = ["pptp", "LACP", "isup", "ISIS_level1_adjacency", "OSPFv3_broadcast_adjacency", "RADIUS", "ISAKMP_sa_setup",
         "rsvp_cap", "PIMv2_hellos", "EIGRP_adjacency", "HSRP_election", "of10_p3295", "of10_s4810", "lmp", "vrrp"]
recs = []
for n in names:
    d = open(os.path.join(suite, n + ".pcap"), "rb").read()
    e = "<" if struct.unpack("<I", d[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    if struct.unpack(e + "I", d[20:24])[0] != 1: continue
    o = 24
    while o + 16 <= len(d):
        _, _, incl, orig = struct.unpack(e + "IIII", d[o:o + 16])
        recs.append((d[o + 16:o + 16 + incl], orig)); o += 16 + incl
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(want):
        b, orig = recs[i % len(recs)]
        f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(b), orig)); f.write(b)
print(want)
PY
)
  row "-r -n -v (mix)" -r "$M" -n -v
  PKTS=
else
  echo "| -r -n -v (mix) | skipped: $SUITE not found | | | | | |"
fi
startup() { local s e i; s=$(now); for i in $(seq 20); do "$@" --version >/dev/null 2>&1; done; e=$(now); echo "($e - $s) * 50" | bc -l; }
ta=() tb=()
for ((i = 0; i < RUNS; i++)); do ta+=("$(startup "$TD")"); tb+=("$(startup "$DK" tcpdump)"); done
truestart() { local s e i; s=$(now); for i in $(seq 20); do /bin/true; done; e=$(now); echo "($e - $s) * 50" | bc -l; }
tt=(); for ((i = 0; i < RUNS; i++)); do tt+=("$(truestart)"); done
printf 'start-up wall (--version, median of %d x 20 runs): tcpdump %.1f ms, dumpkit tcpdump %.1f ms, /bin/true %.1f ms\n' \
  "$RUNS" "$(median "${ta[@]}")" "$(median "${tb[@]}")" "$(median "${tt[@]}")"
# Page faults per start: on a VM they dominate start-up (each costs tens of microseconds)
if command -v perf >/dev/null && perf stat -e page-faults true >/dev/null 2>&1; then
  faults() { perf stat -x, -e page-faults "$@" 2>&1 >/dev/null | awk -F, '/page-faults/ {print $1}'; }
  printf 'start-up page faults: tcpdump %s, dumpkit tcpdump %s, /bin/true %s\n' \
    "$(faults "$TD" --version)" "$(faults "$DK" tcpdump --version)" "$(faults /bin/true)"
fi
# CPU time (user + sys) per start, steadier than wall time on a shared machine; /bin/true for scale
cpu() { /usr/bin/time -f "%U %S" sh -c 'for i in $(seq 100); do "$@" >/dev/null 2>&1; done' sh "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", ($1 + $2) * 10}'; }
if [ -x /usr/bin/time ]; then
  printf 'start-up CPU (user+sys per run, 100 runs): tcpdump %s ms, dumpkit tcpdump %s ms, /bin/true %s ms\n' \
    "$(cpu "$TD" --version)" "$(cpu "$DK" tcpdump --version)" "$(cpu /bin/true)"
fi
fi

# Live capture (root only): two network namespaces joined by a veth pair; B floods A with 64-byte UDP
# datagrams for LIVE_SECONDS while Debian's tcpdump and ours capture on A's end at the same time, both
# writing a pcap (-w) or both printing to /dev/null (-n). Counts are from their exit statistics.
live() {
  [ "$(id -u)" = 0 ] && command -v ip >/dev/null || { echo "live capture rows skipped (need root and ip)"; return; }
  local A=dkbenchA B=dkbenchB secs=${LIVE_SECONDS:-5}
  ip netns del $A 2>/dev/null || true; ip netns del $B 2>/dev/null || true
  ip netns add $A; ip netns add $B
  ip link add dkbencha type veth peer name dkbenchb
  ip link set dkbencha netns $A; ip link set dkbenchb netns $B
  ip -n $A addr add 10.200.0.1/24 dev dkbencha; ip -n $B addr add 10.200.0.2/24 dev dkbenchb
  ip -n $A link set dkbencha up; ip -n $B link set dkbenchb up
  echo "| live, ${secs} s UDP flood | tcpdump captured | dropped | dumpkit captured | dropped | sent |"
  echo "|---|---|---|---|---|---|"
  local mode
  for mode in "-w" "-n"; do
    local ta=("$TD" -i dkbencha) tb=("$DK" tcpdump -i dkbencha)
    if [ "$mode" = -w ]; then ta+=(-w "$WORK/live-td.pcap"); tb+=(-w "$WORK/live-dk.pcap"); else ta+=(-n); tb+=(-n); fi
    ip netns exec $A "${ta[@]}" >/dev/null 2>"$WORK/live-td.err" & local pa=$!
    ip netns exec $A "${tb[@]}" >/dev/null 2>"$WORK/live-dk.err" & local pb=$!
    local i
    for i in $(seq 100); do grep -q "listening on" "$WORK/live-td.err" && grep -q "listening on" "$WORK/live-dk.err" && break; sleep 0.1; done
    local sent
    sent=$(ip netns exec $B python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); d = b'x' * 22; n = 0; end = time.time() + $secs
while time.time() < end:
    for i in range(500): s.sendto(d, ('10.200.0.1', 9))
    n += 500
print(n)")
    sleep 2
    kill -INT $pa $pb; wait $pa $pb || true
    counted() { sed -n "s/^\([0-9]*\) packets\? $2.*/\1/p" "$1"; }
    printf '| %s | %s | %s | %s | %s | %s |\n' "$mode" \
      "$(counted "$WORK/live-td.err" captured)" "$(counted "$WORK/live-td.err" 'dropped by kernel')" \
      "$(counted "$WORK/live-dk.err" captured)" "$(counted "$WORK/live-dk.err" 'dropped by kernel')" "$sent"
  done
  ip netns del $A; ip netns del $B
}
[ "${LIVE:-1}" = 1 ] && live
exit 0

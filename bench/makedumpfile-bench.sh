#!/usr/bin/env bash
# Times dumpkit's makedumpfile against Debian's makedumpfile on the same vmcores, in one run,
# alternating the two programs, and prints medians and ratios. Not a test: numbers, not verdicts.
#
# usage: bench/makedumpfile-bench.sh [-n RUNS] [-b DUMPKIT_BINARY] VMCORE...
#   default VMCOREs: $DUMPKIT_DATA/vmcores/*/vmcore.elf (what test.sh restores from ../shared)
#   default binary: $DUMPKIT_DATA/bin/dumpkit (what test.sh publishes), else it publishes one.
#   CODECS="-c -l" limits the codecs (default: -c -l -z -p).
#   UPSTREAM=/path/to/makedumpfile: an upstream build with zstd and snappy (Debian's has neither),
#   run alternately for the -z and -p rows; without it those rows have no comparison.
#   PIN=1: also runs ours single-threaded pinned to each CPU (taskset) in every round, and prints
#   each CPU's median, the all-core time those speeds allow (1 / sum of 1/t) and how close the
#   all-core run came to it. On a VM whose virtual CPUs are not equally fast, "scale" depends on
#   which CPU the single-threaded run happened to get; these lines do not.
# Columns: wall and CPU seconds (user+sys), peak RSS (MiB, /usr/bin/time), output bytes;
# "x" = makedumpfile's (or upstream's) median wall time (single-threaded) / ours (above 1: we are faster);
# "scale" = our single-threaded wall time / our all-core wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DUMPKIT_DATA:-${TMPDIR:-/tmp}/dumpkit-data}
runs=5
bin=""
while getopts n:b: o; do
    case $o in n) runs=$OPTARG ;; b) bin=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
inputs=("$@")
[ ${#inputs[@]} -gt 0 ] || inputs=("$data"/vmcores/*/vmcore.elf)
if [ -z "$bin" ]; then
    bin=$data/bin/dumpkit
    [ -x "$bin" ] || dotnet publish src/Dumpkit -c Release -r linux-x64 -o "$data/bin" >/dev/null
fi
mdf=/usr/bin/makedumpfile
upstream=${UPSTREAM:-}
[ -z "$upstream" ] || [ -x "$upstream" ] || { echo "UPSTREAM=$upstream is not executable"; exit 2; }
[ -x "$mdf" ] || { echo "Debian's makedumpfile is not installed (apt-get install makedumpfile)"; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install time)"; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cpus=$(nproc)

# one PROGRAM OPTS INPUT -> "wall cpu rss_kib bytes". Wall time from the shell's microsecond
# clock (/usr/bin/time's %e has 10 ms steps, a tenth of the shortest rows); CPU and RSS from
# /usr/bin/time. A sync first, untimed: no run pays for writeback the previous one left behind.
one() {
    local prog=$1 opts=$2 input=$3 out=$tmp/out t0 t1
    rm -f "$out"; sync
    t0=$EPOCHREALTIME
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" $prog $opts --message-level 0 "$input" "$out" >/dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    read -r _ user sys rss < "$tmp/t"
    echo "$(echo "$t1 - $t0" | bc) $(echo "$user + $sys" | bc) $rss $(stat -c %s "$out" 2>/dev/null || echo 0)"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

row() {   # NAME OPTS PROGRAM RESULTS-FILE X SCALE
    local w c r b
    w=$(cut -d' ' -f1 "$4" | median); c=$(cut -d' ' -f2 "$4" | median)
    r=$(cut -d' ' -f3 "$4" | median); b=$(cut -d' ' -f4 "$4" | median)
    printf '%-28s %-22s %-12s %7.3f %7.2f %7.1f %11d %6s %6s\n' "$1" "$2" "$3" "$w" "$c" "$(echo "$r/1024" | bc -l)" "$b" "$5" "$6"
}
wall() { cut -d' ' -f1 "$1" | median; }
ratio() { awk -v a="$(wall "$1")" -v b="$(wall "$2")" 'BEGIN { printf "%.2f", a / b }'; }

printf '%-28s %-22s %-12s %7s %7s %7s %11s %6s %6s\n' input options program wall cpu rss_MiB bytes x scale
for input in "${inputs[@]}"; do
    name=$(basename "$(dirname "$input")")/$(basename "$input")
    for comp in ${CODECS:--c -l -z -p}; do
        for level in 1 31; do
            theirs=true ref=$mdf refname=makedumpfile
            case $comp in   # Debian's build lacks zstd and snappy: upstream's, when given
                -z|-p) if [ -n "$upstream" ]; then ref=$upstream refname=upstream; else theirs=false; fi ;;
            esac
            # Each round runs theirs (single-threaded: its default; its --num-threads is slower
            # here), ours on one thread and ours on all cores, so the VM's drift from minute to
            # minute falls on all three alike.
            : > "$tmp/theirs"; : > "$tmp/ours1"; : > "$tmp/oursN"
            for c in $(seq 0 $((cpus - 1))); do : > "$tmp/pin$c"; done
            for _ in $(seq "$runs"); do
                $theirs && one "$ref" "$comp -d $level" "$input" >> "$tmp/theirs"
                one "$bin makedumpfile" "$comp -d $level --num-threads 1" "$input" >> "$tmp/ours1"
                [ "$cpus" = 1 ] || one "$bin makedumpfile" "$comp -d $level --num-threads $cpus" "$input" >> "$tmp/oursN"
                if [ "${PIN:-0}" = 1 ]; then
                    for c in $(seq 0 $((cpus - 1))); do
                        one "taskset -c $c $bin makedumpfile" "$comp -d $level --num-threads 1" "$input" >> "$tmp/pin$c"
                    done
                fi
            done
            x1=- xN=- scale=-
            if $theirs; then
                row "$name" "$comp -d $level" "$refname" "$tmp/theirs" "" ""
                x1=$(ratio "$tmp/theirs" "$tmp/ours1")
                [ "$cpus" = 1 ] || xN=$(ratio "$tmp/theirs" "$tmp/oursN")
            fi
            row "$name" "$comp -d $level --num-threads 1" dumpkit "$tmp/ours1" "$x1" -
            if [ "$cpus" != 1 ]; then
                scale=$(ratio "$tmp/ours1" "$tmp/oursN")
                row "$name" "$comp -d $level --num-threads $cpus" dumpkit "$tmp/oursN" "$xN" "$scale"
            fi
            if [ "${PIN:-0}" = 1 ] && [ "$cpus" != 1 ]; then
                walls=$(for c in $(seq 0 $((cpus - 1))); do wall "$tmp/pin$c"; done | tr '\n' ' ')
                echo "$walls $(wall "$tmp/oursN")" | awk -v name="$name" -v opts="$comp -d $level" '{
                    inv = 0; line = ""
                    for (i = 1; i < NF; i++) { inv += 1 / $i; line = line sprintf(" cpu%d %.3f", i - 1, $i) }
                    printf "%-28s %-22s pinned, one thread:%s; all CPUs at those speeds: %.3f; all-core run: %.3f (%.0f%% of it)\n", name, opts, line, 1 / inv, $NF, 100 / inv / $NF }'
            fi
        done
    done
done

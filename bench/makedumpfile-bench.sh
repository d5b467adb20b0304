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

# one PROGRAM OPTS INPUT -> "wall cpu rss_kib bytes"
one() {
    local prog=$1 opts=$2 input=$3 out=$tmp/out
    rm -f "$out"
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" $prog $opts --message-level 0 "$input" "$out" >/dev/null 2>&1 || true
    read -r wall user sys rss < "$tmp/t"
    echo "$wall $(echo "$user + $sys" | bc) $rss $(stat -c %s "$out" 2>/dev/null || echo 0)"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '%-28s %-22s %-9s %7s %7s %7s %11s %6s %6s\n' input options program wall cpu rss_MiB bytes x scale
for input in "${inputs[@]}"; do
    name=$(basename "$(dirname "$input")")/$(basename "$input")
    for comp in ${CODECS:--c -l -z -p}; do
        for level in 1 31; do
            tw="" ow1=""
            for threads in 1 "$cpus"; do
                opts="$comp -d $level --num-threads $threads"
                theirs=true ref=$mdf refname=makedumpfile
                case $comp in   # Debian's build lacks zstd and snappy: upstream's, when given
                    -z|-p) if [ -n "$upstream" ]; then ref=$upstream refname=upstream; else theirs=false; fi ;;
                esac
                # makedumpfile runs single-threaded (its default; its --num-threads is slower here),
                # alternating with our single-threaded runs; our all-core row is compared to the same runs.
                [ "$threads" = 1 ] || theirs=false
                : > "$tmp/ours"; : > "$tmp/theirs"
                for _ in $(seq "$runs"); do
                    one "$bin makedumpfile" "$opts" "$input" >> "$tmp/ours"
                    $theirs && one "$ref" "$comp -d $level" "$input" >> "$tmp/theirs"
                done
                ow=$(cut -d' ' -f1 "$tmp/ours" | median); oc=$(cut -d' ' -f2 "$tmp/ours" | median)
                orss=$(cut -d' ' -f3 "$tmp/ours" | median); ob=$(cut -d' ' -f4 "$tmp/ours" | median)
                if $theirs; then
                    tw=$(cut -d' ' -f1 "$tmp/theirs" | median); tc=$(cut -d' ' -f2 "$tmp/theirs" | median)
                    trss=$(cut -d' ' -f3 "$tmp/theirs" | median); tb=$(cut -d' ' -f4 "$tmp/theirs" | median)
                    printf '%-28s %-22s %-9s %7.2f %7.2f %7.1f %11d %6s %6s\n' "$name" "$comp -d $level" "$refname" "$tw" "$tc" "$(echo "$trss/1024" | bc -l)" "$tb" "" ""
                fi
                x=-; [ -n "$tw" ] && x=$(echo "scale=2; $tw / $ow" | bc)
                scale=-; if [ "$threads" = 1 ]; then ow1=$ow; else scale=$(echo "scale=2; $ow1 / $ow" | bc); fi
                printf '%-28s %-22s %-9s %7.2f %7.2f %7.1f %11d %6s %6s\n' "$name" "$opts" dumpkit "$ow" "$oc" "$(echo "$orss/1024" | bc -l)" "$ob" "$x" "$scale"
            done
        done
    done
done

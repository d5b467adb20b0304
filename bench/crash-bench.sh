#!/usr/bin/env bash
# Times `dumpkit crash` against crash 8.0.2 and drgn 0.0.22 (both with the kernel's debug vmlinux)
# on the same dumps, in one run, the programs interleaved, and prints medians and ratios. Not a
# test: numbers, not verdicts.
#
# usage: bench/crash-bench.sh [-n RUNS] [-b DUMPKIT_BINARY] [VMCORE...]
#   default VMCOREs: $DUMPKIT_DATA/vmcores/*/vmcore.elf and mdf-c-d31 (the corpus dumps, ELF and
#   kdump-compressed), $DUMPKIT_DATA/crash-dumps/*/vmcore.elf, and the lab dumps of bigger guests
#   named by BIG="VMCORE..." (each said to be absent when it is).
#   default binary: $DUMPKIT_DATA/bin/dumpkit (what test.sh publishes), else it publishes one.
#   The kernel release is the dump's folder name; the debug vmlinux is
#   $DUMPKIT_VMLINUX_DIR/vmlinux-RELEASE (default $DUMPKIT_DATA/vmlinux). Without it, only ours runs.
#   THEIRS=0 runs only ours (crash takes about 10 s a run); CMDS="bt" times only the first `bt`.
# Rows, per dump: the first `bt` (`printf 'bt\nq\n' | crash -s [VMLINUX] VMCORE`; drgn: the crashed
# thread's stack trace) and `ps` (drgn: every task's PID and command), each from a fresh start.
# Columns: wall seconds (the shell's microsecond clock), CPU seconds (user+sys) and peak RSS
# (MiB, /usr/bin/time), the lines printed, and "x" = that program's median wall time over ours.
# A program that refuses the dump (crash 8.0.2 on 6.12, drgn's unwinder on 6.4+) prints "fails".
# At the end, a summary (markdown) a row per dump and command: the dump's size, each program's
# median wall seconds (CPU seconds) / peak RSS MiB side by side, and crash's and drgn's wall time over ours.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DUMPKIT_DATA:-${TMPDIR:-/tmp}/dumpkit-data}
vmlinuxdir=${DUMPKIT_VMLINUX_DIR:-$data/vmlinux}
runs=5
bin=""
while getopts n:b: o; do
    case $o in n) runs=$OPTARG ;; b) bin=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then
    for f in "$data"/vmcores/*/vmcore.elf "$data"/vmcores/*/mdf-c-d31 "$data"/crash-dumps/*/vmcore.elf; do
        [ -f "$f" ] && inputs+=("$f")
    done
    for f in ${BIG:-}; do
        if [ -f "$f" ]; then inputs+=("$f"); else echo "skipped: lab dump $f is absent (make it with ../shared/lab)"; fi
    done
    [ -n "${BIG:-}" ] || echo "skipped: lab dumps of 1/2/4 GiB guests (BIG=\"VMCORE...\"; bench/README.md says how they were made)"
fi
[ ${#inputs[@]} -gt 0 ] || { echo "no dumps: restore them with ./test.sh or pass their paths"; exit 2; }
if [ -z "$bin" ]; then
    bin=$data/bin/dumpkit
    [ -x "$bin" ] || dotnet publish src/Dumpkit -c Release -r linux-x64 -o "$data/bin" >/dev/null
fi
[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install time)"; exit 2; }
theirs=${THEIRS:-1}
crash=/usr/bin/crash drgn=/usr/bin/drgn
[ -x $crash ] || echo "skipped: crash is not installed (apt-get install crash)"
[ -x $drgn ] || echo "skipped: drgn is not installed (apt-get install python3-drgn)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/bt.py" <<'EOF'
print(prog.crashed_thread().stack_trace())
EOF
cat > "$tmp/ps.py" <<'EOF'
from drgn.helpers.linux.pid import for_each_task
for t in for_each_task(prog):
    print(t.pid.value_(), t.comm.string_().decode())
EOF
export TZ=UTC

# one NAME COMMAND INPUT VMLINUX -> "wall cpu rss_kib lines ok"; the command's stdout is kept to count lines.
one() {
    local prog=$1 cmd=$2 input=$3 vmlinux=$4 t0 t1 ok=1
    t0=$EPOCHREALTIME
    case $prog in
        dumpkit) printf '%s\nq\n' "$cmd" | /usr/bin/time -f "%U %S %M" -o "$tmp/t" "$bin" crash -s "$input" > "$tmp/out" 2>&1 || ok=0 ;;
        crash) printf '%s\nq\n' "$cmd" | /usr/bin/time -f "%U %S %M" -o "$tmp/t" $crash -s "$vmlinux" "$input" > "$tmp/out" 2>&1 || ok=0 ;;
        drgn) /usr/bin/time -f "%U %S %M" -o "$tmp/t" $drgn -q -c "$input" -s "$vmlinux" "$tmp/$cmd.py" > "$tmp/out" 2>&1 || ok=0 ;;
    esac
    t1=$EPOCHREALTIME
    # crash 8.0.2 exits 0 on a dump it cannot open; its bt and ps print a PID line when they worked
    case $prog:$cmd in
        *:bt) grep -qE '^(PID:|#0 )|^ *#0 ' "$tmp/out" || ok=0 ;;
        dumpkit:ps|crash:ps) grep -qE '^ *> *[0-9]+ ' "$tmp/out" || ok=0 ;;
    esac
    read -r user sys rss < <(tail -1 "$tmp/t")
    echo "$(echo "$t1 - $t0" | bc) $(echo "$user + $sys" | bc) $rss $(wc -l < "$tmp/out") $ok"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
col() { cut -d' ' -f"$2" "$1" | median; }
failed() { grep -q ' 0$' "$1"; }

echo "dumpkit=$bin runs=$runs $($crash --version 2>/dev/null | awk 'NF {print; exit}') $($drgn --version 2>/dev/null)"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "machine: $(nproc) cores, $cpu, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%-48s %-4s %-8s %8s %7s %8s %6s %8s\n' dump cmd program wall cpu rss_MiB lines x
declare -A sum=()   # "name cmd program" -> "wall rss" or "fails"
names=()
for input in "${inputs[@]}"; do
    release=$(basename "$(dirname "$input")")
    name=$release/$(basename "$input")
    names+=("$name"); sum["$name size"]=$(stat -L -c %s "$input")
    vmlinux=$vmlinuxdir/vmlinux-$release
    progs=(dumpkit)
    if [ "$theirs" = 1 ] && [ -f "$vmlinux" ]; then
        [ -x $crash ] && progs+=(crash)
        [ -x $drgn ] && progs+=(drgn)
    elif [ "$theirs" = 1 ]; then
        echo "$name: no debug vmlinux $vmlinux: only dumpkit runs"
    fi
    for cmd in ${CMDS:-bt ps}; do
        for p in "${progs[@]}"; do : > "$tmp/r.$p"; done
        # Each round runs every program once, so the machine's drift falls on all of them alike.
        for _ in $(seq "$runs"); do
            for p in "${progs[@]}"; do
                one "$p" "$cmd" "$input" "$vmlinux" >> "$tmp/r.$p"
                # A program that refuses the dump is not run again on it.
                if failed "$tmp/r.$p"; then progs=("${progs[@]/$p}"); progs=(${progs[@]}); fi
            done
        done
        ours=$(col "$tmp/r.dumpkit" 1)
        for p in dumpkit crash drgn; do
            [ -s "$tmp/r.$p" ] || continue
            if failed "$tmp/r.$p"; then
                printf '%-48s %-4s %-8s %s\n' "$name" "$cmd" "$p" "fails (refuses the dump or prints no $cmd)"
                sum["$name $cmd $p"]=fails
            else
                w=$(col "$tmp/r.$p" 1)
                sum["$name $cmd $p"]="$w $(echo "$(col "$tmp/r.$p" 3) / 1024" | bc -l) $(col "$tmp/r.$p" 2)"
                printf '%-48s %-4s %-8s %8.3f %7.2f %8.1f %6d %8s\n' "$name" "$cmd" "$p" "$w" "$(col "$tmp/r.$p" 2)" \
                    "$(echo "$(col "$tmp/r.$p" 3) / 1024" | bc -l)" "$(col "$tmp/r.$p" 4)" \
                    "$(awk -v a="$w" -v b="$ours" 'BEGIN { printf "%.1f", a / b }')"
            fi
            rm -f "$tmp/r.$p"
        done
        progs=(dumpkit)
        if [ "$theirs" = 1 ] && [ -f "$vmlinux" ]; then
            [ -x $crash ] && progs+=(crash)
            [ -x $drgn ] && progs+=(drgn)
        fi
    done
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| dump | size | command | dumpkit: wall (CPU) / peak RSS | crash 8.0.2 | drgn 0.0.22 | crash / dumpkit | drgn / dumpkit |"
echo "|---|---|---|---|---|---|---|---|"
cell() { # KEY -> "W s (C s CPU) / R MiB", "fails" or "not run"
    case ${sum[$1]:-} in
        "") echo "not run" ;;
        fails) echo "fails" ;;
        *) read -r w r c <<< "${sum[$1]}"; printf '%.3f s (%.2f s CPU) / %.1f MiB' "$w" "$c" "$r" ;;
    esac
}
ratio() { # KEY OURS-KEY -> "N.N×" or "–"
    case ${sum[$1]:-}:${sum[$2]:-} in
        :*|fails:*|*:|*:fails) echo "–" ;;
        *) awk -v a="${sum[$1]%% *}" -v b="${sum[$2]%% *}" 'BEGIN { printf "%.1f×", a / b }' ;;
    esac
}
for name in "${names[@]}"; do
    for cmd in ${CMDS:-bt ps}; do
        k="$name $cmd"
        printf '| %s | %s MB | %s | %s | %s | %s | %s | %s |\n' "$name" "$(echo "${sum["$name size"]} / 1000000" | bc)" \
            "$([ $cmd = bt ] && echo 'first `bt`' || echo '`ps`')" "$(cell "$k dumpkit")" "$(cell "$k crash")" "$(cell "$k drgn")" \
            "$(ratio "$k crash" "$k dumpkit")" "$(ratio "$k drgn" "$k dumpkit")"
    done
done

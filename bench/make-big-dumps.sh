#!/usr/bin/env bash
# Makes real kdumps of bigger guests (1, 2 and 4 GiB by default) with ../shared/lab, for
# bench/crash-bench.sh (BIG=...) and the makedumpfile benchmark. Needs root and QEMU (the lab's).
#
# usage: bench/make-big-dumps.sh [-k KVER] [GIB...]        (default: -k 6.1.0-57-amd64 1 2 4)
#   OUT=${BIG_DUMPS:-$DUMPKIT_DATA/big-dumps}/KVER gets, per size N:
#     vmcore-Ng.elf      the capture kernel's raw /proc/vmcore (ELF)
#     vmcore-Ng.c-d31    makedumpfile -c -d 31 of it (made in the capture kernel; 6.12: on the host
#                        by `dumpkit makedumpfile` (DUMPKIT_BINARY, default $DUMPKIT_DATA/bin/dumpkit),
#                        because Debian's 1.7.2 filters 6.12 wrongly)
#     dmesg-Ng.txt, console-Ng.log, timings-Ng.txt
#   LABSRC: the lab scripts (default ../shared/lab); LAB: a work directory of this script's own
#   (default $DUMPKIT_DATA/big-lab); the kernels are linked from LABCACHE (default
#   $DUMPKIT_DATA/lab, what test.sh fetched; LABSRC/fetch-kernels.sh makes it) and never written.
#   DUMPKIT_BIG_DUMPS=$BIG_DUMPS lets tests/Dumpkit.Crash.Tests/BigDumpTests.cs check them.
# Each kernel and size runs in its own LAB subdirectory, so sizes can run at once (JOBS=1: in turn).
# The guest's memory is filled in proportion: after the crash kernel's reservation (256 MiB) and
# ~200 MiB for the kernel and the initramfs, a twentieth zero pages, an eighth each random and text
# tmpfs files (256 MiB at most: the lab's tmpfs holds 512 MiB), the 128 MiB block-device cache, the rest
# LABANON pattern pages; APPEND="init_on_free=1 lab.rmboot=1 lab.sysrq_t=1" as for the
# crash-dumps corpus, so each dump's kernel log holds every task's stack.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${DUMPKIT_DATA:-${TMPDIR:-/tmp}/dumpkit-data}
labsrc=${LABSRC:-$here/../../shared/lab}
labcache=${LABCACHE:-$data/lab}
labroot=${LAB:-$data/big-lab}
kv=6.1.0-57-amd64
while getopts k: o; do
    case $o in k) kv=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1 2 4)
out=${BIG_DUMPS:-$data/big-dumps}/$kv
[ -d "$labsrc" ] || { echo "no lab scripts at $labsrc (set LABSRC)"; exit 2; }
[ -d "$labcache/kernels/$kv" ] || { echo "no kernel $kv in $labcache/kernels (run $labsrc/fetch-kernels.sh $kv)"; exit 2; }
mkdir -p "$out" "$labroot"

# A copy of the lab scripts, changed for big guests: the output disk holds the whole /proc/vmcore
# (the lab's is 4 GiB); the waits allow for TCG (the lab's: 300 s to the panic, 600 s to capture);
# the guest panics only once memhog holds all its pages (the lab's init waits 3 s, too short to
# fill gigabytes under TCG), checked against /proc/meminfo's AnonPages.
scripts=$labroot/scripts-$kv
rm -rf "$scripts"; cp -r "$labsrc" "$scripts"; chmod -R u+w "$scripts"
sed -i 's/truncate -s 4G "\$run\/out.img"/truncate -s $((GUEST_MEM + 1024))M "$run\/out.img"/' "$scripts/boot.sh"
sed -i -e 's/for i in \$(seq 600)/for i in $(seq 3600)/' -e "s/'LAB-PANIC-NOW' 300/'LAB-PANIC-NOW' 3600/" "$scripts/kdump-run.sh"
cat > "$labroot/fillwait.sh" <<'EOF'
  want=$(( ($(argd lab.anon 96) + $(argd lab.zero 32)) * 98 / 100 )) t=0
  while [ "$(awk '/^AnonPages/ {print int($2 / 1024)}' /proc/meminfo)" -lt $want ] && [ $t -lt 1800 ]; do sleep 1; t=$((t + 1)); done
EOF
sed "/^  memhog .*anonymous + zero pages/r $labroot/fillwait.sh" "$labsrc/init" > "$scripts/init"
grep -q 'GUEST_MEM + 1024' "$scripts/boot.sh" && grep -q 'seq 3600' "$scripts/kdump-run.sh" \
    && grep -q "'LAB-PANIC-NOW' 3600" "$scripts/kdump-run.sh" && grep -q 'AnonPages/ {print' "$scripts/init" \
    || { echo "the lab's boot.sh, kdump-run.sh or init changed: cannot adapt them"; exit 2; }

# The initramfs (with that init) is built once per kernel; each size gets its own LAB, with the
# kernels linked from the cache, so that sizes can run at once.
ln -sfn "$labcache/kernels" "$labroot/kernels"
[ -f "$labroot/data.img" ] || { yes "LABDISK block-device page cache line" || true; } | head -c 128M > "$labroot/data.img"
LAB=$labroot "$scripts/mkinitramfs.sh" "$kv" > "$labroot/mkinitramfs-$kv.log" 2>&1 \
    || { echo "mkinitramfs failed: $labroot/mkinitramfs-$kv.log"; exit 1; }
prepare() { # GIB -> LAB dir
    local lab=$labroot/$kv-$1g
    mkdir -p "$lab"
    ln -sfn "$labroot/kernels" "$lab/kernels"; ln -sfn "$labroot/initrd" "$lab/initrd"; ln -sfn "$labroot/data.img" "$lab/data.img"
    echo "$lab"
}

run_size() { # GIB
    local g=$1 mem=$(($1 * 1024)) lab
    lab=$(prepare "$g")
    local usable=$((mem - 256 - 200))
    local zero=$((usable / 20)) random=$((usable / 8)) text=$((usable / 8)) disk=128
    [ $random -le 256 ] || random=256
    [ $text -le 256 ] || text=256
    local anon=$((usable - zero - random - text - disk))
    echo "[$g GiB] GUEST_MEM=$mem CRASHKERNEL=256M FILL_ANON=$anon FILL_ZERO=$zero FILL_RANDOM=$random FILL_TEXT=$text FILL_DISK=$disk"
    local tmpout=$lab/out
    rm -rf "$tmpout"
    LAB=$lab GUEST_MEM=$mem CRASHKERNEL=256M FILL_ANON=$anon FILL_ZERO=$zero FILL_RANDOM=$random FILL_TEXT=$text \
        FILL_DISK=$disk APPEND="init_on_free=1 lab.rmboot=1 lab.sysrq_t=1" \
        "$scripts/kdump-run.sh" "$kv" "$tmpout" > "$lab/kdump-run.log" 2>&1 \
        || { echo "[$g GiB] failed: $lab/kdump-run.log"; return 1; }
    mv "$tmpout/kdump-vmcore.elf" "$out/vmcore-${g}g.elf"
    case $kv in
        6.1.*) mv "$tmpout/kdump-guest.mdf-c-d31" "$out/vmcore-${g}g.c-d31" ;;
        *) "${DUMPKIT_BINARY:-$data/bin/dumpkit}" makedumpfile -c -d 31 -f "$out/vmcore-${g}g.elf" "$out/vmcore-${g}g.c-d31" > "$lab/makedumpfile.log" 2>&1 ;;
    esac
    mv "$tmpout/kdump-dmesg.txt" "$out/dmesg-${g}g.txt"
    mv "$tmpout/kdump-console.log" "$out/console-${g}g.log"
    mv "$tmpout/kdump-timings.txt" "$out/timings-${g}g.txt"
    rm -rf "$tmpout"
    echo "[$g GiB] $(stat -c %s "$out/vmcore-${g}g.elf") bytes ELF, $(stat -c %s "$out/vmcore-${g}g.c-d31") bytes -c -d 31"
}

pids=()
for g in "${sizes[@]}"; do
    if [ "${JOBS:-}" = 1 ]; then run_size "$g"; else run_size "$g" & pids+=($!); fi
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
ls -la "$out"
exit $rc

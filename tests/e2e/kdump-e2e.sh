#!/bin/bash
# End to end kdump in QEMU with only Dumpkit in the initramfs (no kexec-tools, no makedumpfile).
#
# usage: sudo tests/e2e/kdump-e2e.sh [makedumpfile|savecore|both|search] [KVER]
#   makedumpfile  the unchanged lab init (../shared/lab/init): "kexec -p" and "makedumpfile"
#                 are links to our binary (DUMPKIT=... mkinitramfs.sh)
#   savecore      tests/e2e/init-savecore: "dumpkit kdump load" in the first kernel,
#                 "dumpkit kdump savecore" in the capture kernel
#   search        savecore at each of CRASHKERNEL_SIZES (default "112M 96M 80M 64M"), largest
#                 first, until one fails: prints the smallest crashkernel= that worked
# Proves: the crash kernel is loaded by our kexec through kexec_file_load (the capture
# kernel's command line starts with the "elfcorehdr=0x..." the kernel itself prepends in
# kexec_file_load; kexec-tools' kexec_load path appends "elfcorehdr=NNNK" instead), the
# capture kernel boots, our makedumpfile saves the dump, and the host reads it with
# python3-libkdumpfile (kdump_check.py), with python3-drgn when a debug vmlinux is there
# (DUMPKIT_VMLINUX_DIR/vmlinux-KVER: release, task list, log with the marker) and with our own
# reader (--dump-dmesg, marker line).
#
# env: DUMPKIT_BIN  use this binary (default: publish HEAD of this repository from a clean clone)
#      LAB          lab work directory (default $TMPDIR/dumpkit-e2e-lab); kernels are fetched by
#                   ../shared/lab/fetch-kernels.sh unless LAB/kernels/KVER exists or
#                   KERNELS_FROM=DIR (a lab directory holding kernels/ and debs/) is given
#      OUT          results (default LAB/e2e/MODE-KVER), GUEST_MEM CRASHKERNEL FILL_* APPEND: see common.sh
# exit: 0 all checks passed, 1 a check failed, 2 set-up failed
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
SHARED_LAB=${SHARED_LAB:-$repo/../shared/lab}
MODE=${1:-both}; KVER=${2:-6.1.0-56-amd64}
export LAB=${LAB:-${TMPDIR:-/tmp}/dumpkit-e2e-lab}
# small guest, small fills: ~1-2 min per run under TCG. 400 MiB leaves room for a 16 MiB-aligned
# crashkernel wherever KASLR puts the kernel (304 MiB sometimes failed: "No suitable area").
# 128M, not 112M: the lab init writes dump + dmesg into the capture kernel's rootfs tmpfs, capped
# at half its RAM; with 112M the dump fits and dmesg.txt is cut short (ENOSPC).
export GUEST_MEM=${GUEST_MEM:-400} CRASHKERNEL=${CRASHKERNEL:-128M}
export FILL_ANON=${FILL_ANON:-8} FILL_ZERO=${FILL_ZERO:-4} FILL_RANDOM=${FILL_RANDOM:-1} FILL_TEXT=${FILL_TEXT:-4} FILL_DISK=${FILL_DISK:-8}
export APPEND=${APPEND:-init_on_free=1 lab.rmboot=1}
PY=${PY:-/usr/bin/python3}
log() { printf '[%s] e2e: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
secs() { printf '%.1f' "$(echo "$2 - $1" | bc)"; }
fails=0
check() { # NAME COMMAND...: records PASS/FAIL
  if "${@:2}" > /dev/null 2>&1; then echo "PASS $1" | tee -a "$RES"; else echo "FAIL $1" | tee -a "$RES"; fails=$((fails+1)); fi
}

mkdir -p "$LAB"
T0=$(now)
# 1. the binary
if [ -z "${DUMPKIT_BIN:-}" ]; then
  src=$(mktemp -d); log "publishing dumpkit from a clean clone of $repo (HEAD $(git -C "$repo" rev-parse --short HEAD))"
  git clone -q "$repo" "$src/r"
  dotnet publish "$src/r/src/Dumpkit" -c Release -r linux-x64 -o "$src/bin" > "$LAB/e2e-publish.log" 2>&1 \
    || { log "publish failed, see $LAB/e2e-publish.log"; exit 2; }
  DUMPKIT_BIN=$src/bin/dumpkit
fi
T1=$(now)
# 2. kernels
if [ ! -d "$LAB/kernels/$KVER" ]; then
  if [ -n "${KERNELS_FROM:-}" ] && [ ! -e "$LAB/kernels" ]; then
    ln -sfn "$KERNELS_FROM/kernels" "$LAB/kernels"; ln -sfn "$KERNELS_FROM/debs" "$LAB/debs"; fi
  [ -d "$LAB/kernels/$KVER" ] || "$SHARED_LAB/fetch-kernels.sh" "$KVER" || exit 2
fi

run_mode() { # MODE
  local mode=$1 out=${OUT:-$LAB/e2e/$1-$KVER}
  rm -rf "$out"; mkdir -p "$out"; RES=$out/e2e-results.txt; : > "$RES"
  local t0 t1 t2 t3 try
  t0=$(now)
  DUMPKIT=$DUMPKIT_BIN "$SHARED_LAB/mkinitramfs.sh" "$KVER" > "$out/mkinitramfs.log" 2>&1 || { log "mkinitramfs failed"; return 2; }
  if [ "$mode" = savecore ]; then
    # same image, our init and config; repacked as mkinitramfs.sh packs it
    local st=$LAB/build/initrd-$KVER pl=$LAB/build/payload-$KVER
    cp "$here/init-savecore" "$st/init"; chmod +x "$st/init"
    mkdir -p "$st/etc/default"; cp "$here/dumpkit-e2e.conf" "$st/etc/default/dumpkit"
    (cd "$st" && find . | cpio -o -H newc --quiet | gzip -6) > "$LAB/initrd/$KVER-base.cpio.gz"
    cp "$LAB/initrd/$KVER-base.cpio.gz" "$pl/boot/initrd.img"
    (cd "$pl" && find . | cpio -o -H newc --quiet | gzip -1) | cat "$LAB/initrd/$KVER-base.cpio.gz" - > "$LAB/initrd/$KVER-first.cpio.gz"
  fi
  zcat "$LAB/initrd/$KVER-base.cpio.gz" | cpio -tv --quiet 2>/dev/null | grep -E 'kexec|makedumpfile|dumpkit' > "$out/initramfs-tools.txt" || true
  t1=$(now)
  for try in 1 2 3; do
    log "$mode: kdump run $try (GUEST_MEM=$GUEST_MEM CRASHKERNEL=$CRASHKERNEL)"
    if "$SHARED_LAB/kdump-run.sh" "$KVER" "$out" > "$out/kdump-run.log" 2>&1; then break; fi
    if grep -aq 'crashkernel reservation failed' "$out/kdump-console.log" 2>/dev/null; then
      log "no crashkernel area this boot (KASLR placement); retrying"; continue; fi
    if ! grep -aq 'LAB-BOOTED' "$LAB/run/kdump-$KVER/console.log" 2>/dev/null; then
      log "the first kernel died before /init (seen once with 6.12 under TCG); retrying"; continue; fi
    break
  done
  t2=$(now)
  # kdump-run.sh copies the console only when the capture succeeded
  [ -s "$out/kdump-console.log" ] || cp "$LAB/run/kdump-$KVER/console.log" "$out/kdump-console.log" 2>/dev/null || true
  # 3. checks
  local c=$out/kdump-console.log cmd=$out/kdump-capture-capture-cmdline.txt d=$out/kdump-guest.mdf-c-d31
  check "initramfs: kexec is a link to dumpkit" grep -Eq 'usr/sbin/kexec -> \.\./bin/dumpkit' "$out/initramfs-tools.txt"
  check "initramfs: makedumpfile is a link to dumpkit" grep -Eq 'usr/bin/makedumpfile -> dumpkit' "$out/initramfs-tools.txt"
  check "first kernel reserved crash memory" grep -aEq 'Reserving .* for crashkernel|crashkernel reserved: ' "$c"
  check "crash kernel loaded (kexec_crash_loaded=1)" grep -aq 'LAB-KEXEC-LOADED loaded=1' "$c"
  check "capture kernel booted with /proc/vmcore" grep -aq 'mode=.* vmcore=yes' "$c"
  check "loaded by kexec_file_load (kernel-made elfcorehdr=0x... first)" grep -Eq '^elfcorehdr=0x[0-9a-f]+ ' "$cmd"
  if [ "$mode" = savecore ]; then
    check "savecore rc=0" grep -q 'savecore rc=0' "$out/kdump-capture-capture-times.txt"
    check "savecore renamed dump-incomplete to dump.STAMP" grep -q 'saved vmcore in /out/crash/' "$out/kdump-capture-savecore.log"
    check "no *-incomplete left" bash -c "! find '$out/kdump-capture-crash' -name '*-incomplete' | grep -q ."
    check "kdump status: ready after load" grep -aq 'current state   : ready to kdump' "$c"
  else
    check "makedumpfile rc=0" grep -q 'makedumpfile rc=0' "$out/kdump-capture-capture-times.txt"
    check "our makedumpfile wrote it" grep -q 'makedumpfile Completed' "$out/kdump-capture-makedumpfile.log"
  fi
  check "guest dmesg file has the marker" grep -q 'LAB-MARKER kdump-lab' "$out/kdump-dmesg.txt"
  "$PY" "$SHARED_LAB/kdump_check.py" --scan "$d" > "$out/kdump_check.json" 2>&1 || true
  check "libkdumpfile: compressed diskdump of $KVER, no user pages, pages present" "$PY" -c '
import json,sys; r=json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert r["file.format"]=="diskdump" and r["OSRELEASE"]==sys.argv[2], r
assert r["pages"]["labanon"]==0 and r["pages"]["present"]>1000, r' "$out/kdump_check.json" "$KVER"
  local vmlinux=${DUMPKIT_VMLINUX_DIR:-/nonexistent}/vmlinux-$KVER
  if [ -s "$vmlinux" ] && "$PY" -c 'import drgn' 2>/dev/null; then
    "$PY" -m drgn -q -c "$d" -s "$vmlinux" "$SHARED_LAB/drgn_probe.py" > "$out/drgn.txt" 2>&1 || true
    check "drgn: release $KVER, task list, log with the marker" "$PY" -c '
import re,sys; t=open(sys.argv[1]).read()
assert "release: "+sys.argv[2] in t, t
n=int(re.search(r"^tasks: (\d+)", t, re.M).group(1)); assert n>=10, n
assert int(re.search(r"^dmesg lines: (\d+)", t, re.M).group(1))>100 and "LAB-MARKER kdump-lab" in t, t' "$out/drgn.txt" "$KVER"
  else
    echo "SKIP drgn: no debug vmlinux at $vmlinux (set DUMPKIT_VMLINUX_DIR) or no python3-drgn" | tee -a "$RES"
  fi
  "$DUMPKIT_BIN" makedumpfile --dump-dmesg "$d" "$out/host-dmesg.txt" > "$out/host-dmesg.log" 2>&1 || true
  check "our reader: host --dump-dmesg of the guest dump has the marker" grep -q 'LAB-MARKER kdump-lab' "$out/host-dmesg.txt"
  t3=$(now)
  { echo "mode=$mode kver=$KVER GUEST_MEM=$GUEST_MEM CRASHKERNEL=$CRASHKERNEL accel=${ACCEL:-tcg} tries=$try"
    echo "initramfs_s $(secs "$t0" "$t1")"; echo "qemu_kdump_run_s $(secs "$t1" "$t2")"; echo "host_checks_s $(secs "$t2" "$t3")"
    cat "$out/kdump-timings.txt" 2>/dev/null | grep -E '_s |rc=' || true
    echo "dump_bytes $(stat -c %s "$d" 2>/dev/null || echo 0) vmcore_bytes $(stat -c %s "$out/kdump-vmcore.elf" 2>/dev/null || echo 0)"
  } > "$out/e2e-timings.txt"
  rm -f "$out/kdump-vmcore.elf"   # 300+ MB raw copy; not needed after the checks
  log "$mode: $(grep -c PASS "$RES") passed, $(grep -c FAIL "$RES") failed; results in $out"
  cat "$out/e2e-timings.txt" >&2
}

search() { # savecore at each CRASHKERNEL_SIZES size, largest first; report the smallest that passed
  local size smallest=none
  for size in ${CRASHKERNEL_SIZES:-112M 96M 80M 64M}; do
    fails=0; CRASHKERNEL=$size OUT=$LAB/e2e/search-$KVER-$size run_mode savecore || true
    if [ "$fails" -eq 0 ]; then smallest=$size; else break; fi
  done
  echo "smallest crashkernel= with which savecore succeeded ($KVER, GUEST_MEM=$GUEST_MEM): $smallest" | tee "$LAB/e2e/search-$KVER.txt"
  fails=0; [ "$smallest" != none ] || fails=1
}

case $MODE in
  makedumpfile|savecore) run_mode "$MODE" ;;
  both) run_mode makedumpfile; run_mode savecore ;;
  search) search ;;
  *) echo "usage: $0 [makedumpfile|savecore|both|search] [KVER]" >&2; exit 2 ;;
esac
log "total $(secs "$T0" "$(now)") s (publish $(secs "$T0" "$T1") s); $fails check(s) failed"
[ "$fails" -eq 0 ]

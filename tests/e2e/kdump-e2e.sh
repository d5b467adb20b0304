#!/bin/bash
# End to end kdump in QEMU with only Dumpkit in the initramfs (no kexec-tools, no makedumpfile).
#
# usage: sudo tests/e2e/kdump-e2e.sh [makedumpfile|savecore|both|search|initrd|nfs|s3|ssh] [KVER]
#   makedumpfile  the unchanged lab init (../shared/lab/init): "kexec -p" and "makedumpfile"
#                 are links to our binary (DUMPKIT=... mkinitramfs.sh)
#   savecore      tests/e2e/init-savecore: "dumpkit kdump load" in the first kernel,
#                 "dumpkit kdump savecore" in the capture kernel
#   initrd        the capture kernel boots the image "dumpkit kdump initrd" builds on the host for the guest's
#                 kernel (modules from LAB/kernels/KVER), with the dump target an ext4 disk made on the host and
#                 named by TARGET_BY=LABEL (default) or UUID; its /init mounts it and runs savecore, then reboots;
#                 the host reads the dump off the disk image with debugfs (no mount)
#   nfs           as initrd, but the dump target is NFS=10.0.2.2:/export: the capture kernel's /init brings up the
#                 guest's network card (NIC=virtio-net-pci, or e1000) by DHCP from QEMU's user network and savecore
#                 mounts the export of nfs-ganesha (NFSv4 only, on 127.0.0.1:2049 of a private network namespace it
#                 shares with QEMU) and saves the dump in EXPORT/STAMP; exit 2 when the server cannot be set up
#   s3            as nfs, but the dump target is KDUMP_S3=http://10.0.2.2:PORT/dumpkit-e2e/e2e: the image carries the credentials
#                 (mode 0600), brings up the network the same way, and savecore uploads the flattened dump (multipart) to
#                 radosgw (a one-node memstore Ceph cluster, tests/s3/radosgw.sh, in the same private network namespace as
#                 QEMU); the host then "dumpkit kdump fetch"es it, checks COMPLETE and the objects with curl's own SigV4 and
#                 sha256sum, and Debian's makedumpfile -R of the object against the fetched dump; exit 2 when Ceph does not start
#   ssh           as nfs, but the dump target is SSH=ssh://root@10.0.2.2:PORT: the image carries OpenSSH's client with its shared
#                 objects, the key (mode 0600) and the known hosts, brings up the network the same way, and savecore streams the
#                 flattened dump through ssh to a throwaway sshd (own host key and authorized_keys, port SSH_PORT, default
#                 2222, in the same private network namespace as QEMU), where "dumpkit makedumpfile -R" rebuilds it in
#                 KDUMP_COREDIR/STAMP on the host; exit 2 when sshd cannot be set up
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
USER_CRASHKERNEL=${CRASHKERNEL:-}
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
# check_saved_dump DUMP: the saved dump read by libkdumpfile, by drgn (with the debug vmlinux) and by our own reader
# (uses the caller's $out, $KVER and $RES).
check_saved_dump() {
  local d=$1
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
  # makedumpfile mode writes the dump into the capture's own RAM (the lab init's /out): at 128M the 6.1 dump (16.4 MB)
  # no longer fit beside a 10.6 MB binary ("no space left on device" at 15.9 MB, 2026-12-07), so it gets 160M
  [ "$mode" = makedumpfile ] && [ -z "$USER_CRASHKERNEL" ] && local -x CRASHKERNEL=160M
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
  check_saved_dump "$d"
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

# pack_first_kernel GUEST_CONF IMAGE: the first kernel's image is the lab's with our first-kernel init ("kdump load") and
# GUEST_CONF as its /etc/default/dumpkit; its kexec payload is IMAGE, the capture initramfs "dumpkit kdump initrd" built.
# Uses the caller's $out; 2 when mkinitramfs.sh fails.
pack_first_kernel() {
  DUMPKIT=$DUMPKIT_BIN "$SHARED_LAB/mkinitramfs.sh" "$KVER" > "$out/mkinitramfs.log" 2>&1 || { log "mkinitramfs failed"; return 2; }
  local st=$LAB/build/initrd-$KVER pl=$LAB/build/payload-$KVER
  cp "$here/init-savecore" "$st/init"; chmod +x "$st/init"
  mkdir -p "$st/etc/default"; cp "$1" "$st/etc/default/dumpkit"
  (cd "$st" && find . | cpio -o -H newc --quiet | gzip -6) > "$LAB/initrd/$KVER-base.cpio.gz"
  cp "$2" "$pl/boot/initrd.img"
  (cd "$pl" && find . | cpio -o -H newc --quiet | gzip -1) | cat "$LAB/initrd/$KVER-base.cpio.gz" - > "$LAB/initrd/$KVER-first.cpio.gz"
}

# boot_capture RUN WHAT QEMU-ARGS...: boots the lab guest (panic, capture kernel, its /init) until QEMU exits, at most 900 s,
# up to 3 tries when a boot failed before our /init for a reason of QEMU's or KASLR's; sets the caller's $try and $exited.
boot_capture() {
  local run=$1 what=$2 pid i; shift 2
  local c=$run/console.log
  for try in 1 2 3; do
    log "$what: kdump run $try (GUEST_MEM=$GUEST_MEM CRASHKERNEL=$CRASHKERNEL)"
    rm -rf "$run"; mkdir -p "$run"; exited=no
    "$SHARED_LAB/boot.sh" "$KVER" kdump "$run" "$@" > "$run/qemu.out" 2>&1 & pid=$!
    for i in $(seq 900); do kill -0 "$pid" 2>/dev/null || { exited=yes; break; }; sleep 1; done
    [ "$exited" = yes ] || { log "qemu still running after 900 s; killing"; kill "$pid"; }
    wait "$pid" || true
    if grep -aq 'crashkernel reservation failed' "$c" 2>/dev/null; then log "no crashkernel area this boot; retrying"; continue; fi
    if ! grep -aq 'LAB-BOOTED' "$c" 2>/dev/null; then log "the first kernel died before /init; retrying"; continue; fi
    # seen on 6.12 under TCG on a loaded host: the capture kernel panics in its timer check, before any /init runs
    if ! grep -aq 'dumpkit-initrd:' "$c" && grep -aq 'IO-APIC + timer doesn.t work' "$c"; then
      log "the capture kernel died in its IO-APIC timer check (TCG under load), before our /init; retrying"; continue; fi
    break
  done
}

run_initrd() { # the capture kernel boots the output of "dumpkit kdump initrd"; the dump goes to a disk by LABEL or UUID
  local out=${OUT:-$LAB/e2e/initrd-$KVER} by=${TARGET_BY:-LABEL}
  rm -rf "$out"; mkdir -p "$out"; RES=$out/e2e-results.txt; : > "$RES"
  local t0 t1 t2 t3 try uuid spec img=$out/target.img conf=$out/dumpkit.conf run=$LAB/run/initrd-$KVER
  t0=$(now)
  uuid=$(cat /proc/sys/kernel/random/uuid)
  rm -f "$img"; truncate -s 1G "$img"; mkfs.ext4 -q -F -L dumpkit-e2e -U "$uuid" "$img" || { log "mkfs.ext4 failed"; return 2; }
  case $by in LABEL) spec=LABEL=dumpkit-e2e ;; UUID) spec=UUID=$uuid ;; *) log "TARGET_BY=$by: LABEL or UUID"; return 2 ;; esac
  { cat "$here/dumpkit-initrd.conf"; echo "KDUMP_TARGET=$spec"; } > "$conf"
  "$DUMPKIT_BIN" kdump --config "$conf" initrd -o "$out/initrd.img" --kmoddir "$LAB/kernels/$KVER/lib/modules/$KVER" "$KVER" \
    > "$out/initrd-build.log" 2>&1 || { log "dumpkit kdump initrd failed: $(cat "$out/initrd-build.log")"; return 2; }
  zcat "$out/initrd.img" | cpio -tv --quiet > "$out/initrd-list.txt" 2>/dev/null || true
  pack_first_kernel "$conf" "$out/initrd.img" || return 2
  t1=$(now)
  local c=$run/console.log exited=no
  boot_capture "$run" "initrd (target $spec)" -drive "file=$img,format=raw,if=none,id=tgt" -device virtio-blk-pci,drive=tgt,serial=labtarget
  t2=$(now)
  cp "$c" "$out/kdump-console.log" 2>/dev/null || true; c=$out/kdump-console.log
  debugfs -R "rdump /crash $out" "$img" > "$out/debugfs.log" 2>&1 || true
  local d m
  # (no /crash on the disk when the capture failed: find fails, and set -e must not end the run before the checks)
  d=$(find "$out/crash" -name 'dump.*' 2>/dev/null | head -1 || true); m=$(find "$out/crash" -name 'dmesg.*' 2>/dev/null | head -1 || true)
  d=${d:-$out/crash/none}; m=${m:-$out/crash/none}
  check "initramfs: dumpkit kdump initrd wrote it" grep -q "^$out/initrd.img\$" "$out/initrd-build.log"
  check "initramfs: /init, busybox, dumpkit, ext4 and virtio_blk modules" bash -c "grep -q ' init\$' '$out/initrd-list.txt' &&
    grep -q ' bin/busybox\$' '$out/initrd-list.txt' && grep -q ' usr/bin/dumpkit\$' '$out/initrd-list.txt' &&
    grep -q '/ext4.ko' '$out/initrd-list.txt' && grep -q '/virtio_blk.ko' '$out/initrd-list.txt'"
  check "first kernel reserved crash memory" grep -aEq 'Reserving .* for crashkernel|crashkernel reserved: ' "$c"
  check "crash kernel loaded (kexec_crash_loaded=1)" grep -aq 'LAB-KEXEC-LOADED loaded=1' "$c"
  check "capture kernel ran our /init with /proc/vmcore" grep -aq 'dumpkit-initrd: Linux .*, /proc/vmcore present' "$c"
  check "our /init mounted the target by $by" grep -aq "dumpkit-initrd: mounted $spec (/dev/vd[a-z], ext4)" "$c"
  check "savecore: dump saved" grep -aq 'dumpkit-initrd: savecore: dump saved' "$c"
  check "capture kernel rebooted (QEMU exited by itself)" bash -c "[ $exited = yes ] && grep -aq 'dumpkit-initrd: rebooting' '$c'"
  check "target file system clean after the capture (e2fsck -fn)" e2fsck -fn "$img"
  check "dump.STAMP and dmesg.STAMP on the target disk" bash -c "[ -s '$d' ] && [ -s '$m' ]"
  check "no *-incomplete left" bash -c "! find '$out/crash' -name '*-incomplete' | grep -q ."
  check "guest dmesg file has the marker" grep -q 'LAB-MARKER kdump-lab' "$m"
  check_saved_dump "$d"
  t3=$(now)
  { echo "mode=initrd kver=$KVER target=$spec GUEST_MEM=$GUEST_MEM CRASHKERNEL=$CRASHKERNEL accel=${ACCEL:-tcg} tries=$try"
    echo "initrd_bytes $(stat -c %s "$out/initrd.img")"
    echo "initramfs_s $(secs "$t0" "$t1")"; echo "qemu_kdump_run_s $(secs "$t1" "$t2")"; echo "host_checks_s $(secs "$t2" "$t3")"
    grep -aE 'dumpkit-initrd:|LAB-PANIC-NOW' "$c" | tr -d '\r' || true
    echo "dump_bytes $(stat -c %s "$d" 2>/dev/null || echo 0)"
  } > "$out/e2e-timings.txt"
  rm -f "$img"   # 1 GiB sparse image; the dump and dmesg were copied out
  log "initrd: $(grep -c PASS "$RES") passed, $(grep -c FAIL "$RES") failed; results in $out"
  cat "$out/e2e-timings.txt" >&2
}

# nfs-ganesha (Debian 12's, userspace, FSAL VFS), NFSv4 only on port 2049 of this network namespace (its loopback is its
# only interface; Bind_addr=127.0.0.1 fails there: ganesha's name lookup finds no address), exporting DIR as /export; no
# rpcbind, mountd or lock manager needed (ganesha says dbus is missing: harmless). Minor versions 4.0-4.2
# (NFS_MINOR_VERSIONS="0, 1" refuses 4.2 and checks savecore's fall-back to 4.1 against a real server). 4.2 was off while
# the 6.12 client's READ_PLUS (a read-modify-write of a dump opened O_RDWR) failed the dump with EIO against ganesha 4.3;
# the dump is opened write-only since (tests/e2e/RESULTS.md). Sets $ganesha_pid; 1 when it does not listen within 30 s.
start_ganesha() { # DIR OUT
  local dir=$1 out=$2 i
  command -v ganesha.nfsd > /dev/null || { log "nfs: no ganesha.nfsd (apt-get install nfs-ganesha nfs-ganesha-vfs)"; return 1; }
  mkdir -p "$out/ganesha-recovery"
  cat > "$out/ganesha.conf" <<EOF
NFS_CORE_PARAM { Protocols = 4; NFS_Port = 2049; Enable_NLM = false; Enable_RQUOTA = false; }
NFSV4 { Graceless = true; RecoveryRoot = "$out/ganesha-recovery"; Minor_Versions = ${NFS_MINOR_VERSIONS:-0, 1, 2}; }
EXPORT {
  Export_Id = 1; Path = "$dir"; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash; SecType = sys;
  Protocols = 4; Transports = TCP; FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
EOF
  ganesha.nfsd -F -f "$out/ganesha.conf" -L "$out/ganesha.log" -p "$out/ganesha.pid" > "$out/ganesha.out" 2>&1 & ganesha_pid=$!
  for i in $(seq 30); do
    ss -ltn 2>/dev/null | grep -q ":2049 " && return 0
    kill -0 "$ganesha_pid" 2>/dev/null || break
    sleep 1
  done
  log "nfs: ganesha.nfsd did not listen on port 2049: $(tail -3 "$out/ganesha.log" "$out/ganesha.out" 2>/dev/null | tr '\n' ' ')"
  kill "$ganesha_pid" 2>/dev/null; return 1
}

run_nfs() { # the capture kernel boots "dumpkit kdump initrd"'s image, brings up its network card and saves to NFS
  local out=${OUT:-$LAB/e2e/nfs-$KVER} nic=${NIC:-virtio-net-pci}
  rm -rf "$out"; mkdir -p "$out"; RES=$out/e2e-results.txt; : > "$RES"
  local t0 t1 t2 t3 try export=$out/export conf=$out/dumpkit.conf run=$LAB/run/nfs-$KVER
  t0=$(now)
  ip link set lo up || { log "nfs: cannot bring up lo in the private network namespace"; return 2; }
  mkdir -p "$export"; chmod 755 "$export"
  start_ganesha "$export" "$out" || return 2
  cp "$here/dumpkit-nfs.conf" "$conf"
  "$DUMPKIT_BIN" kdump --config "$conf" initrd -o "$out/initrd.img" --kmoddir "$LAB/kernels/$KVER/lib/modules/$KVER" "$KVER" \
    > "$out/initrd-build.log" 2>&1 || { log "dumpkit kdump initrd failed: $(cat "$out/initrd-build.log")"; kill "$ganesha_pid"; return 2; }
  zcat "$out/initrd.img" | cpio -tv --quiet > "$out/initrd-list.txt" 2>/dev/null || true
  pack_first_kernel "$conf" "$out/initrd.img" || { kill "$ganesha_pid"; return 2; }
  t1=$(now)
  local c=$run/console.log exited=no
  boot_capture "$run" "nfs (NIC=$nic, NFS server 10.0.2.2:/export)" -netdev user,id=n0 -device "$nic,netdev=n0"
  t2=$(now)
  kill "$ganesha_pid" 2>/dev/null; wait "$ganesha_pid" 2>/dev/null || true
  cp "$c" "$out/kdump-console.log" 2>/dev/null || true; c=$out/kdump-console.log
  local d m
  d=$(find "$export" -name 'dump.*' 2>/dev/null | head -1 || true); m=$(find "$export" -name 'dmesg.*' 2>/dev/null | head -1 || true)
  d=${d:-$export/none}; m=${m:-$export/none}
  check "initramfs: dumpkit kdump initrd wrote it" grep -q "^$out/initrd.img\$" "$out/initrd-build.log"
  check "initramfs: /init, dumpkit, udhcpc script, NIC driver, nfsv4 and sunrpc modules" bash -c "grep -q ' init\$' '$out/initrd-list.txt' &&
    grep -q ' usr/bin/dumpkit\$' '$out/initrd-list.txt' && grep -q ' etc/dumpkit/udhcpc.sh\$' '$out/initrd-list.txt' &&
    grep -Eq '/(virtio_net|e1000)\.ko' '$out/initrd-list.txt' && grep -q '/nfsv4\.ko' '$out/initrd-list.txt' &&
    grep -q '/sunrpc\.ko' '$out/initrd-list.txt'"
  check "first kernel reserved crash memory" grep -aEq 'Reserving .* for crashkernel|crashkernel reserved: ' "$c"
  check "crash kernel loaded (kexec_crash_loaded=1)" grep -aq 'LAB-KEXEC-LOADED loaded=1' "$c"
  check "capture kernel ran our /init with /proc/vmcore" grep -aq 'dumpkit-initrd: Linux .*, /proc/vmcore present' "$c"
  check "our /init brought up the network card by DHCP" grep -aEq 'dumpkit-initrd: network: [a-z0-9]+ up \(dhcp\), 10\.0\.2\.' "$c"
  check "savecore mounted the export over NFSv4 with NFS_TIMEO and NFS_RETRANS" \
    grep -aEq 'kdump: mounted 10\.0\.2\.2:/export on /mnt/target \(NFSv4\.[012]: vers=4\.[012],proto=tcp,nolock,soft,timeo=300,retrans=4,' "$c"
  if [ "${NFS_MINOR_VERSIONS:-0, 1, 2}" = "0, 1" ]; then
    check "savecore went on to NFSv4.1 when the server refused 4.2" grep -aq 'kdump: mounted 10.0.2.2:/export on /mnt/target (NFSv4.1: ' "$c"
  elif [ "${NFS_MINOR_VERSIONS:-0, 1, 2}" = "0, 1, 2" ]; then
    check "savecore mounted NFSv4.2 (the server offers it)" grep -aq 'kdump: mounted 10.0.2.2:/export on /mnt/target (NFSv4.2: ' "$c"
  fi
  check "savecore: dump saved" grep -aq 'dumpkit-initrd: savecore: dump saved' "$c"
  check "capture kernel rebooted (QEMU exited by itself)" bash -c "[ $exited = yes ] && grep -aq 'dumpkit-initrd: rebooting' '$c'"
  check "dump.STAMP and dmesg.STAMP in EXPORT/STAMP on the server" bash -c "[ -s '$d' ] && [ -s '$m' ] &&
    [ \"\$(dirname '$d')\" = \"\$(dirname '$m')\" ] && [ \"\$(dirname \"\$(dirname '$d')\")\" = '$export' ]"
  check "no *-incomplete left" bash -c "! find '$export' -name '*-incomplete' | grep -q ."
  check "guest dmesg file has the marker" grep -q 'LAB-MARKER kdump-lab' "$m"
  check_saved_dump "$d"
  t3=$(now)
  { echo "mode=nfs kver=$KVER nic=$nic GUEST_MEM=$GUEST_MEM CRASHKERNEL=$CRASHKERNEL accel=${ACCEL:-tcg} tries=$try"
    echo "initrd_bytes $(stat -c %s "$out/initrd.img")"
    echo "initramfs_s $(secs "$t0" "$t1")"; echo "qemu_kdump_run_s $(secs "$t1" "$t2")"; echo "host_checks_s $(secs "$t2" "$t3")"
    grep -aE 'dumpkit-initrd:|kdump: (mounted|Mounting|Dumping|Unable)|LAB-PANIC-NOW' "$c" | tr -d '\r' || true
    echo "dump_bytes $(stat -c %s "$d" 2>/dev/null || echo 0)"
  } > "$out/e2e-timings.txt"
  log "nfs: $(grep -c PASS "$RES") passed, $(grep -c FAIL "$RES") failed; results in $out"
  cat "$out/e2e-timings.txt" >&2
}

run_s3() { # the capture kernel boots "dumpkit kdump initrd"'s image, brings up its network card and uploads to radosgw
  local out=${OUT:-$LAB/e2e/s3-$KVER} nic=${NIC:-virtio-net-pci} port=${S3_PORT:-7480}
  rm -rf "$out"; mkdir -p "$out"; RES=$out/e2e-results.txt; : > "$RES"
  local t0 t1 t2 t3 try conf=$out/dumpkit.conf creds=$out/s3-credentials run=$LAB/run/s3-$KVER bucket=dumpkit-e2e ceph=$out/ceph s3env
  t0=$(now)
  ip link set lo up || { log "s3: cannot bring up lo in the private network namespace"; return 2; }
  stop_rgw() { "$repo/tests/s3/radosgw.sh" stop "$ceph" > /dev/null 2>&1 || true; }
  # a start now and then fails with the OSD's "wrong fsid" (as tests/s3/s3-test.sh saw): once more on the next port
  for try in 1 2; do
    s3env=$("$repo/tests/s3/radosgw.sh" start "$ceph" "$port" 2> "$out/radosgw.err") && break
    stop_rgw
    [ $try = 2 ] && { log "s3: the one-node Ceph cluster did not start, twice: $(tail -2 "$out/radosgw.err" | tr '\n' ' ')"; return 2; }
    log "s3: the one-node Ceph cluster did not start ($(grep -m1 -o 'fail: .*' "$out/radosgw.err" || true)); once more"
    sleep 5; port=$((port + 1))
  done
  eval "$s3env"
  trap stop_rgw EXIT   # set -e ending the script early must not leave ceph-mon, ceph-osd and radosgw running
  # curl's own SigV4 (--aws-sigv4), independent of ours: makes the bucket, and later reads the objects back (no query
  # strings: Debian 12's curl 7.88 signs them so that radosgw answers SignatureDoesNotMatch)
  s3curl() { curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"; }
  s3curl -X PUT "$S3_ENDPOINT/$bucket" || { log "s3: curl could not create the bucket $bucket"; stop_rgw; return 2; }
  ( umask 077; printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$S3_ACCESS_KEY" "$S3_SECRET_KEY" > "$creds" )
  { cat "$here/dumpkit-s3.conf"; echo "KDUMP_S3=http://10.0.2.2:$port/$bucket/e2e"; echo "KDUMP_S3_CREDENTIALS=$creds"; } > "$conf"
  # the host reaches the same server on its own loopback
  sed "s|^KDUMP_S3=http://10.0.2.2:|KDUMP_S3=http://127.0.0.1:|" "$conf" > "$out/host.conf"
  "$DUMPKIT_BIN" kdump --config "$conf" initrd -o "$out/initrd.img" --kmoddir "$LAB/kernels/$KVER/lib/modules/$KVER" "$KVER" \
    > "$out/initrd-build.log" 2>&1 || { log "dumpkit kdump initrd failed: $(cat "$out/initrd-build.log")"; stop_rgw; return 2; }
  zcat "$out/initrd.img" | cpio -tv --quiet > "$out/initrd-list.txt" 2>/dev/null || true
  # the first kernel's configuration: the same without the credentials (they live in the capture image only)
  grep -v '^KDUMP_S3_CREDENTIALS=' "$conf" > "$out/guest.conf"
  pack_first_kernel "$out/guest.conf" "$out/initrd.img" || { stop_rgw; return 2; }
  t1=$(now)
  local c=$run/console.log exited=no
  boot_capture "$run" "s3 (NIC=$nic, radosgw 10.0.2.2:$port)" -netdev user,id=n0 -device "$nic,netdev=n0"
  t2=$(now)
  cp "$c" "$out/kdump-console.log" 2>/dev/null || true; c=$out/kdump-console.log
  # where savecore said it put the dump: BUCKET/e2e/STAMP/; the host fetches STAMP (under the prefix e2e) with the same
  # configuration but for the server's address
  local dir loc got=$out/fetched d m
  dir=$(tr -d '\r' < "$c" | sed -n "s|.*kdump: saved vmcore in $bucket/\(e2e/[0-9-]*\)/ at http://10.0.2.2:$port\$|\1|p" | tail -1 || true)
  loc=${dir:-e2e/none}
  "$DUMPKIT_BIN" kdump --config "$out/host.conf" fetch "${loc##*/}" "$got" > "$out/fetch.log" 2>&1 || true
  s3curl -o "$out/COMPLETE" "$S3_ENDPOINT/$bucket/$loc/COMPLETE" 2>/dev/null || true
  local state_http
  state_http=$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 aws:amz:us-east-1:s3 --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/$bucket/$loc/upload-state" || true)
  local flat
  flat=$(tr -d '\r' < "$c" | sed -n "s|.*kdump: s3: $bucket/$loc/\(dump\.[0-9]*\.flat\): .*|\1|p" | tail -1 || true); flat=${flat:-dump.none.flat}
  s3curl -o "$out/$flat" "$S3_ENDPOINT/$bucket/$loc/$flat" 2>/dev/null || true
  stop_rgw; trap - EXIT
  d=$(find "$got" -name 'dump.*' 2>/dev/null | head -1 || true); m=$(find "$got" -name 'dmesg.*' 2>/dev/null | head -1 || true)
  d=${d:-$got/none}; m=${m:-$got/none}
  check "initramfs: dumpkit kdump initrd wrote it" grep -q "^$out/initrd.img\$" "$out/initrd-build.log"
  check "initramfs: /init, dumpkit, udhcpc script, NIC driver, the credentials mode 0600" bash -c "grep -q ' init\$' '$out/initrd-list.txt' &&
    grep -q ' usr/bin/dumpkit\$' '$out/initrd-list.txt' && grep -q ' etc/dumpkit/udhcpc.sh\$' '$out/initrd-list.txt' &&
    grep -Eq '/(virtio_net|e1000)\.ko' '$out/initrd-list.txt' && grep -Eq '^-rw------- .* etc/dumpkit/s3-credentials\$' '$out/initrd-list.txt'"
  check "first kernel reserved crash memory" grep -aEq 'Reserving .* for crashkernel|crashkernel reserved: ' "$c"
  check "crash kernel loaded (kexec_crash_loaded=1)" grep -aq 'LAB-KEXEC-LOADED loaded=1' "$c"
  check "capture kernel ran our /init with /proc/vmcore" grep -aq 'dumpkit-initrd: Linux .*, /proc/vmcore present' "$c"
  check "our /init brought up the network card by DHCP" grep -aEq 'dumpkit-initrd: network: [a-z0-9]+ up \(dhcp\), 10\.0\.2\.' "$c"
  check "savecore uploaded the dump in parts of KDUMP_S3_PART_SIZE (5 MiB)" bash -c "grep -aq 'kdump: s3: part 1 (5242880 bytes) sent' '$c' &&
    grep -aEq 'kdump: s3: $bucket/$loc/dump\.[0-9]+\.flat: [0-9]+ bytes in [0-9]+ part\(s\), SHA-256 [0-9a-f]{64}' '$c'"
  check "savecore: dump saved" grep -aq 'dumpkit-initrd: savecore: dump saved' "$c"
  check "capture kernel rebooted (QEMU exited by itself)" bash -c "[ $exited = yes ] && grep -aq 'dumpkit-initrd: rebooting' '$c'"
  check "COMPLETE marker on the server, no upload-state left (GET: 404)" bash -c "grep -q '^dumpkit S3 dump 1\$' '$out/COMPLETE' &&
    [ '$state_http' = 404 ]"
  check "the dump object (read with curl) has the size and SHA-256 COMPLETE records" bash -c "
    [ -s '$out/$flat' ] && grep -qx \"$flat: \$(stat -c %s '$out/$flat') \$(sha256sum < '$out/$flat' | cut -d' ' -f1)\" '$out/COMPLETE'"
  check "the dmesg object's size and SHA-256 in COMPLETE match the fetched log" bash -c "
    [ -s '$m' ] && grep -qx \"\$(basename '$m'): \$(stat -c %s '$m') \$(sha256sum < '$m' | cut -d' ' -f1)\" '$out/COMPLETE'"
  check "kdump fetch rebuilt dump.STAMP and saved dmesg.STAMP" bash -c "[ -s '$d' ] && [ -s '$m' ]"
  if command -v makedumpfile > /dev/null; then
    makedumpfile -R "$out/debian-R.dump" < "$out/$flat" > "$out/debian-R.log" 2>&1 || true
    check "Debian's makedumpfile -R of the object gives the same file as kdump fetch" cmp "$out/debian-R.dump" "$d"
  else
    echo "SKIP Debian's makedumpfile -R: makedumpfile not installed" | tee -a "$RES"
  fi
  check "guest dmesg file has the marker" grep -q 'LAB-MARKER kdump-lab' "$m"
  check_saved_dump "$d"
  t3=$(now)
  [ -s "$out/fetch.log" ] && cat "$out/fetch.log" >&2
  { echo "mode=s3 kver=$KVER nic=$nic GUEST_MEM=$GUEST_MEM CRASHKERNEL=$CRASHKERNEL accel=${ACCEL:-tcg} tries=$try"
    echo "initrd_bytes $(stat -c %s "$out/initrd.img")"
    echo "initramfs_s $(secs "$t0" "$t1")"; echo "qemu_kdump_run_s $(secs "$t1" "$t2")"; echo "host_checks_s $(secs "$t2" "$t3")"
    grep -aE 'dumpkit-initrd:|kdump: (s3|saving|saved|failed)|LAB-PANIC-NOW' "$c" | tr -d '\r' || true
    echo "object_bytes $(stat -c %s "$out/$flat" 2>/dev/null || echo 0) dump_bytes $(stat -c %s "$d" 2>/dev/null || echo 0)"
  } > "$out/e2e-timings.txt"
  rm -f "$out/$flat" "$out/debian-R.dump"
  log "s3: $(grep -c PASS "$RES") passed, $(grep -c FAIL "$RES") failed; results in $out"
  cat "$out/e2e-timings.txt" >&2
}

# A throwaway sshd (Debian's openssh-server) on 127.0.0.1:PORT of this network namespace, run as root in the foreground
# (-D -e -f CONFIG): its own host key and authorized_keys under DIR, root by key only. Makes the client's key DIR/kdump_id
# and DIR/known_hosts naming the server as the guest reaches it ([10.0.2.2]:PORT). Sets $sshd_pid; 1 when it does not
# listen within 30 s.
start_sshd() { # DIR PORT
  local dir=$1 port=$2 i
  [ -x /usr/sbin/sshd ] || { log "ssh: no /usr/sbin/sshd (apt-get install openssh-server)"; return 1; }
  command -v ssh-keygen > /dev/null || { log "ssh: no ssh-keygen (apt-get install openssh-client)"; return 1; }
  mkdir -p "$dir" /run/sshd   # /run/sshd: the privilege separation directory sshd insists on
  ssh-keygen -q -t ed25519 -N '' -C dumpkit-e2e-host -f "$dir/host_key"
  ssh-keygen -q -t ed25519 -N '' -C dumpkit-e2e-kdump -f "$dir/kdump_id"
  cp "$dir/kdump_id.pub" "$dir/authorized_keys"
  echo "[10.0.2.2]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" > "$dir/known_hosts"
  cat > "$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $dir/sshd.pid
LogLevel VERBOSE
EOF
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" > "$dir/sshd.log" 2>&1 & sshd_pid=$!
  for i in $(seq 30); do
    ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && return 0
    kill -0 "$sshd_pid" 2>/dev/null || break
    sleep 1
  done
  log "ssh: sshd did not listen on 127.0.0.1:$port: $(tail -3 "$dir/sshd.log" 2>/dev/null | tr '\n' ' ')"
  kill "$sshd_pid" 2>/dev/null; return 1
}

run_ssh() { # the capture kernel boots "dumpkit kdump initrd"'s image, brings up its network card and sends the dump over ssh
  local out=${OUT:-$LAB/e2e/ssh-$KVER} nic=${NIC:-virtio-net-pci} port=${SSH_PORT:-2222}
  rm -rf "$out"; mkdir -p "$out"; RES=$out/e2e-results.txt; : > "$RES"
  local t0 t1 t2 t3 try conf=$out/dumpkit.conf run=$LAB/run/ssh-$KVER sshdir=$out/sshd crash=$out/crash
  t0=$(now)
  ip link set lo up || { log "ssh: cannot bring up lo in the private network namespace"; return 2; }
  start_sshd "$sshdir" "$port" || return 2
  trap 'kill "$sshd_pid" 2>/dev/null || true' EXIT   # set -e ending the script early must not leave sshd running
  mkdir -p "$crash"
  { cat "$here/dumpkit-ssh.conf"; echo "SSH=ssh://root@10.0.2.2:$port"; echo "SSH_KEY=$sshdir/kdump_id"
    echo "KDUMP_SSH_KNOWN_HOSTS=$sshdir/known_hosts"; echo "KDUMP_REMOTE_DUMPKIT=$DUMPKIT_BIN"; echo "KDUMP_COREDIR=$crash"; } > "$conf"
  "$DUMPKIT_BIN" kdump --config "$conf" initrd -o "$out/initrd.img" --kmoddir "$LAB/kernels/$KVER/lib/modules/$KVER" "$KVER" \
    > "$out/initrd-build.log" 2>&1 || { log "dumpkit kdump initrd failed: $(cat "$out/initrd-build.log")"; return 2; }
  zcat "$out/initrd.img" | cpio -tv --quiet > "$out/initrd-list.txt" 2>/dev/null || true
  # the first kernel's configuration: the same without the key files (they live in the capture image only)
  grep -Ev '^(SSH_KEY|KDUMP_SSH_KNOWN_HOSTS)=' "$conf" > "$out/guest.conf"
  pack_first_kernel "$out/guest.conf" "$out/initrd.img" || return 2
  t1=$(now)
  local c=$run/console.log exited=no
  boot_capture "$run" "ssh (NIC=$nic, sshd 10.0.2.2:$port)" -netdev user,id=n0 -device "$nic,netdev=n0"
  t2=$(now)
  kill "$sshd_pid" 2>/dev/null; wait "$sshd_pid" 2>/dev/null || true; trap - EXIT
  cp "$c" "$out/kdump-console.log" 2>/dev/null || true; c=$out/kdump-console.log
  local d m
  d=$(find "$crash" -name 'dump.*' 2>/dev/null | head -1 || true); m=$(find "$crash" -name 'dmesg.*' 2>/dev/null | head -1 || true)
  d=${d:-$crash/none}; m=${m:-$crash/none}
  check "initramfs: dumpkit kdump initrd wrote it" grep -q "^$out/initrd.img\$" "$out/initrd-build.log"
  check "initramfs: /init, dumpkit, udhcpc script, NIC driver, ssh with libcrypto, the key mode 0600, known_hosts, passwd" \
    bash -c "grep -q ' init\$' '$out/initrd-list.txt' && grep -q ' usr/bin/dumpkit\$' '$out/initrd-list.txt' &&
    grep -q ' etc/dumpkit/udhcpc.sh\$' '$out/initrd-list.txt' && grep -Eq '/(virtio_net|e1000)\.ko' '$out/initrd-list.txt' &&
    grep -Eq '^-rwxr-xr-x .* usr/bin/ssh\$' '$out/initrd-list.txt' && grep -q '/libcrypto\.so\.3\$' '$out/initrd-list.txt' &&
    grep -Eq '^-rw------- .* etc/dumpkit/ssh-key\$' '$out/initrd-list.txt' && grep -q ' root/\.ssh/known_hosts\$' '$out/initrd-list.txt' &&
    grep -q ' etc/passwd\$' '$out/initrd-list.txt'"
  check "first kernel reserved crash memory" grep -aEq 'Reserving .* for crashkernel|crashkernel reserved: ' "$c"
  check "crash kernel loaded (kexec_crash_loaded=1)" grep -aq 'LAB-KEXEC-LOADED loaded=1' "$c"
  check "capture kernel ran our /init with /proc/vmcore" grep -aq 'dumpkit-initrd: Linux .*, /proc/vmcore present' "$c"
  check "our /init brought up the network card by DHCP" grep -aEq 'dumpkit-initrd: network: [a-z0-9]+ up \(dhcp\), 10\.0\.2\.' "$c"
  check "savecore ran the image's ssh" grep -aqF "kdump: /usr/bin/ssh ssh://root@10.0.2.2:$port mkdir -p '$crash/" "$c"
  check "sshd accepted the guest's key for root" grep -aEq 'Accepted publickey for root from 127\.0\.0\.1 ' "$sshdir/sshd.log"
  check "savecore: dump saved" grep -aq 'dumpkit-initrd: savecore: dump saved' "$c"
  check "capture kernel rebooted (QEMU exited by itself)" bash -c "[ $exited = yes ] && grep -aq 'dumpkit-initrd: rebooting' '$c'"
  check "dump.STAMP and dmesg.STAMP in KDUMP_COREDIR/STAMP on the host" bash -c "[ -s '$d' ] && [ -s '$m' ] &&
    [ \"\$(dirname '$d')\" = \"\$(dirname '$m')\" ] && [ \"\$(dirname \"\$(dirname '$d')\")\" = '$crash' ]"
  check "no *-incomplete left" bash -c "! find '$crash' -name '*-incomplete' | grep -q ."
  check "guest dmesg file has the marker" grep -q 'LAB-MARKER kdump-lab' "$m"
  check_saved_dump "$d"
  t3=$(now)
  { echo "mode=ssh kver=$KVER nic=$nic GUEST_MEM=$GUEST_MEM CRASHKERNEL=$CRASHKERNEL accel=${ACCEL:-tcg} tries=$try"
    echo "initrd_bytes $(stat -c %s "$out/initrd.img")"
    echo "initramfs_s $(secs "$t0" "$t1")"; echo "qemu_kdump_run_s $(secs "$t1" "$t2")"; echo "host_checks_s $(secs "$t2" "$t3")"
    grep -aE 'dumpkit-initrd:|kdump: (saving|saved|sending|failed|/usr/bin/ssh)|LAB-PANIC-NOW' "$c" | tr -d '\r' || true
    echo "dump_bytes $(stat -c %s "$d" 2>/dev/null || echo 0)"
  } > "$out/e2e-timings.txt"
  log "ssh: $(grep -c PASS "$RES") passed, $(grep -c FAIL "$RES") failed; results in $out"
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
  initrd) run_initrd ;;
  nfs|s3|ssh)
    # QEMU and the server (NFS, S3 or SSH) in a network namespace of their own: the server listens on that namespace's loopback only
    if [ -z "${E2E_NETNS:-}" ]; then
      command -v unshare > /dev/null || { log "$MODE: no unshare"; exit 2; }
      unshare --net true 2> /dev/null || { log "$MODE: cannot make a network namespace (unshare --net; root needed)"; exit 2; }
      exec unshare --net env E2E_NETNS=1 DUMPKIT_BIN="$DUMPKIT_BIN" "$0" "$MODE" "$KVER"
    fi
    case $MODE in nfs) run_nfs || exit $? ;; s3) run_s3 || exit $? ;; ssh) run_ssh || exit $? ;; esac ;;
  *) echo "usage: $0 [makedumpfile|savecore|both|search|initrd|nfs|s3|ssh] [KVER]" >&2; exit 2 ;;
esac
log "total $(secs "$T0" "$(now)") s (publish $(secs "$T0" "$T1") s); $fails check(s) failed"
[ "$fails" -eq 0 ]

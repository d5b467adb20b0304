#!/usr/bin/env bash
# Real kdumps of other kinds of panics than sysrq c, for checking `crash --triage` against the kernel's
# own log: a Debian kernel in QEMU (../shared/lab's kernels, initramfs and capture init) whose first
# /init is tests/lab/panic-init, which loads the capture kernel and then panics as KIND says
# (oom, taint, hung, nmi, softlockup, sockets; see panic-init). The capture kernel saves /proc/vmcore. For nmi this script
# sends QEMU's monitor `nmi` once the guest is ready, for softlockup it stops QEMU (SIGSTOP) for 15 s.
# usage: tests/lab/panic-dumps.sh LABDIR KVER KIND...
#   -> LABDIR/panic/KVER/KIND/{vmcore.elf,mdf-c-d31,kdump-dmesg.txt,console.log}   (kept between runs)
# Needs root, qemu-system-x86, busybox-static, gcc and glibc's static library (sockets: tests/lab/sockhold.c), kexec-tools, makedumpfile, cpio, socat; 5-9 min per dump under TCG on
# this 2-core machine at load 35-50 (most of it the capture kernel writing the 384 MiB /proc/vmcore to disk).
# no_timer_check: under TCG on a loaded host a kernel's IO-APIC timer check can fail and panic it at boot.
set -euo pipefail
labdir=$1 kv=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED_LAB:-$(cd "$here/../../.." && pwd)/shared/lab}
[ -x "$shared/mkinitramfs.sh" ] || { echo "panic-dumps: $shared not found"; exit 2; }
export LAB=$labdir GUEST_MEM=${GUEST_MEM:-384} CRASHKERNEL=${CRASHKERNEL:-128M} GUEST_SMP=${GUEST_SMP:-2}
. "$shared/common.sh"
mkdir -p "$LAB"
[ -d "$(kroot "$kv")" ] || "$shared/fetch-kernels.sh" "$kv" > "$LAB/fetch-$kv.log" 2>&1
[ -s "$(initrd_first "$kv")" ] || "$shared/mkinitramfs.sh" "$kv" > "$LAB/mkinitramfs-$kv.log" 2>&1
for kind; do
    out=$LAB/panic/$kv/$kind run=$LAB/run/panic-$kv-$kind
    [ -s "$out/vmcore.elf" ] && continue
    rm -rf "$run"; mkdir -p "$run/root" "$run/x"
    cp "$here/panic-init" "$run/root/init"
    members=init
    if [ "$kind" = sockets ]; then
        mkdir -p "$run/root/usr/bin"
        gcc -static -O2 -o "$run/root/usr/bin/sockhold" "$here/sockhold.c"
        members="init usr/bin/sockhold"
    fi
    # a later cpio member replaces an earlier one: the lab's first initramfs with this /init
    (cd "$run/root" && printf '%s\n' $members | cpio -o -H newc --quiet | gzip -1) | cat "$(initrd_first "$kv")" - > "$run/initrd"
    truncate -s 2G "$run/out.img"; truncate -s 64M "$run/slow.img"
    log "panic-dumps: $kv $kind"
    t0=$(date +%s)
    timeout 1200 qemu-system-x86_64 -pidfile "$run/qemu.pid" -accel "$ACCEL" -m "$GUEST_MEM" -smp "$GUEST_SMP" -display none -no-reboot \
        -kernel "$(vmlinuz "$kv")" -initrd "$run/initrd" \
        -append "console=ttyS0 crashkernel=$CRASHKERNEL panic=5 lab.panic=$kind no_timer_check ${APPEND:-}" \
        -serial "file:$run/console.log" -monitor "unix:$run/mon.sock,server=on,wait=off" -device vmcoreinfo \
        -drive "file=$run/out.img,format=raw,if=none,id=out" -device virtio-blk-pci,drive=out,serial=labout \
        -drive "file=$run/slow.img,format=raw,if=none,id=slow,throttling.bps-total=65536" \
        -device virtio-blk-pci,drive=slow,serial=labslow > "$run/qemu.out" 2>&1 &
    qemu=$!
    case $kind in
      nmi|softlockup)
        if wait_for "$run/console.log" "LAB-WAIT-HOST" 900 "$qemu"; then
            sleep 3
            if [ "$kind" = nmi ]; then
                echo nmi | socat - "UNIX-CONNECT:$run/mon.sock" > "$run/monitor.out" 2>&1
            else
                kill -STOP "$(cat "$run/qemu.pid")"; sleep 15; kill -CONT "$(cat "$run/qemu.pid")"
            fi
        fi ;;
    esac
    wait "$qemu" || true
    grep -q LAB-CAPTURE-DONE "$run/console.log" || { log "panic-dumps: $kv $kind: no capture, see $run/console.log"; continue; }
    tar -xf "$run/out.img" -C "$run/x"
    mkdir -p "$out.tmp"
    mv "$run/x/proc/vmcore" "$out.tmp/vmcore.elf"
    mv "$run/x/out/vmcore.mdf-c-d31" "$out.tmp/mdf-c-d31"
    mv "$run/x/out/dmesg.txt" "$out.tmp/kdump-dmesg.txt"
    cp "$run/console.log" "$out.tmp/console.log"
    chmod a+r "$out.tmp"/*
    rm -rf "$out" "$run"; mv "$out.tmp" "$out"
    log "panic-dumps: $kv $kind done in $(( $(date +%s) - t0 )) s"
done

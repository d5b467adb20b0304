#!/usr/bin/env bash
# Makes QEMU dump-guest-memory dumps of a real Debian kernel with ../shared/lab, for the reader
# tests (QEMU 7.2 ELF layout, paging ELF with PN_XNUM, flattened kdump-zlib).
# usage: tests/lab/qemu-dumps.sh LABDIR   -> LABDIR/qemu/{qemu-live.elf,qemu-panic.elf,...}
# Needs root, qemu-system-x86, busybox-static, kexec-tools, makedumpfile, cpio (test-deps.sh).
# About a minute under TCG with a 128 MiB guest; reuses LABDIR between runs.
set -euo pipefail
labdir=$1
shared=$(cd "$(dirname "$0")/../../.." && pwd)/shared/lab
[ -x "$shared/qemu-dumps.sh" ] || { echo "qemu-dumps: $shared not found"; exit 2; }
mkdir -p "$labdir"
out=$labdir/qemu
if [ -f "$out/qemu-panic.elf" ] && [ -f "$out/qemu-panic.kdump-zlib" ]; then
    exit 0
fi
export LAB=$labdir GUEST_MEM=128 FILL_ANON=8 FILL_ZERO=4 FILL_RANDOM=1 FILL_TEXT=4 FILL_DISK=8
. "$shared/common.sh"
kv=$(kver_of linux-image-amd64)       # Debian 12's stock kernel, whatever its ABI is today
[ -n "$kv" ] || { echo "qemu-dumps: cannot resolve linux-image-amd64"; exit 2; }
"$shared/fetch-kernels.sh" "$kv" >"$labdir/fetch.log" 2>&1
"$shared/mkinitramfs.sh" "$kv" >"$labdir/mkinitramfs.log" 2>&1
rm -rf "$out.tmp"
"$shared/qemu-dumps.sh" "$kv" "$out.tmp" >"$labdir/qemu-dumps.log" 2>&1
rm -f "$out.tmp"/out.img
chmod a+r "$out.tmp"/*
rm -rf "$out" && mv "$out.tmp" "$out"
rm -rf "$LAB/run"   # sparse disk images
echo "$kv" > "$out/KVER"

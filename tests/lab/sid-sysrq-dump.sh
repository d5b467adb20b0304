#!/usr/bin/env bash
# A real kdump of a Debian sid kernel (7.x) whose log holds every task's stack (sysrq t), laid out as ../shared/crash-dumps
# (KVER/vmcore.elf + KVER/kdump-dmesg.txt) for the sysrq tests (DUMPKIT_CRASH_DUMPS; RealData.CrashKernel72 = 7.2.13+deb14-amd64).
# sid splits the kernel into linux-binary-KVER (vmlinuz, in usr/lib/modules/KVER/) and linux-modules-KVER (.ko.xz): both are
# fetched from deb.debian.org by the Filename lines of sid's Packages file and extracted (nothing is installed), then
# ../shared/lab's scripts (copied into DIR, made to take a module modprobe cannot find, e.g. a built-in virtio_pci) build the
# initramfs and run kdump-run.sh with the crash-dumps' settings.
# usage: tests/lab/sid-sysrq-dump.sh DIR KVER PACKAGES.xz    e.g. /tmp/sid-dump 7.2.13+deb14-amd64 /tmp/sid-Packages.xz
#   -> DIR/crash-dumps/KVER/{vmcore.elf,kdump-dmesg.txt}, DIR/out/KVER/ (everything kdump-run.sh writes: console log, the
#      in-guest Debian makedumpfile -c -d 31 file)
# Needs root, curl, xz-utils, kmod (depmod), qemu-system-x86, busybox-static, gcc + static glibc, kexec-tools, makedumpfile,
# cpio. ~125 MB of .debs; ~5 min under TCG on this 2-core machine (the capture kernel writes the 384 MiB /proc/vmcore).
# Not in test.sh: CI has no such dump, and its tests skip.
set -euo pipefail
dir=$1 kv=$2 packages=$3
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED_LAB:-$(cd "$here/../../.." && pwd)/shared/lab}
[ -x "$shared/kdump-run.sh" ] || { echo "sid-sysrq-dump: $shared not found"; exit 2; }
mkdir -p "$dir/debs" "$dir/lab-scripts"
export LAB=$dir/lab GUEST_MEM=${GUEST_MEM:-384} CRASHKERNEL=${CRASHKERNEL:-128M}
export FILL_ANON=24 FILL_ZERO=8 FILL_RANDOM=1 FILL_TEXT=8 FILL_DISK=16
export APPEND="init_on_free=1 lab.rmboot=1 lab.sysrq_t=1 no_timer_check ${APPEND:-}"
root=$LAB/kernels/$kv
if [ ! -e "$root/boot/vmlinuz-$kv" ]; then
    for p in linux-binary-$kv linux-modules-$kv; do
        f=$(xz -dc "$packages" | awk -v want="$p" -v RS= 'index("\n" $0, "\nPackage: " want "\n") { if (match($0, /\nFilename: [^\n]+/))
            print substr($0, RSTART + 11, RLENGTH - 11) }')
        [ -n "$f" ] || { echo "sid-sysrq-dump: $p is not in $packages"; exit 2; }
        [ -s "$dir/debs/$(basename "$f")" ] || curl -sSfL -o "$dir/debs/$(basename "$f")" "http://deb.debian.org/debian/$f"
        mkdir -p "$root"; dpkg-deb -x "$dir/debs/$(basename "$f")" "$root"
    done
    ln -sfn usr/lib "$root/lib"; mkdir -p "$root/boot"; ln -sfn "../usr/lib/modules/$kv/vmlinuz" "$root/boot/vmlinuz-$kv"
    depmod -b "$root" "$kv" 2> /dev/null
fi
cp "$shared"/* "$dir/lab-scripts/"
# a built-in module (no modules.builtin in these packages): no module to copy, not the end of the initramfs
sed -i 's|^  modprobe -d "$root" -S "$kv" --show-depends "$m" |  { modprobe -d "$root" -S "$kv" --show-depends "$m" 2>/dev/null \|\| true; } |' \
    "$dir/lab-scripts/mkinitramfs.sh"
"$dir/lab-scripts/mkinitramfs.sh" "$kv" > "$dir/mkinitramfs-$kv.log" 2>&1
out=$dir/out/$kv
# kdump-run.sh may miss its LAB-PANIC-NOW line (sysrq t output interleaves the console) and stop before untarring: do it here
"$dir/lab-scripts/kdump-run.sh" "$kv" "$out" > "$dir/kdump-run-$kv.log" 2>&1 || true
run=$LAB/run/kdump-$kv
if [ ! -s "$out/kdump-vmcore.elf" ]; then
    grep -q LAB-CAPTURE-DONE "$run/console.log" || { echo "sid-sysrq-dump: no capture, see $run/console.log"; exit 1; }
    mkdir -p "$run/x" "$out"; tar -xf "$run/out.img" -C "$run/x"
    mv "$run/x/proc/vmcore" "$out/kdump-vmcore.elf"; mv "$run/x/out/vmcore.mdf-c-d31" "$out/kdump-guest.mdf-c-d31"
    mv "$run/x/out/dmesg.txt" "$out/kdump-dmesg.txt"; cp "$run/console.log" "$out/kdump-console.log"; rm -f "$run/out.img"
fi
chmod a+r "$out"/*
mkdir -p "$dir/crash-dumps/$kv"
ln -sfn "$out/kdump-vmcore.elf" "$dir/crash-dumps/$kv/vmcore.elf"
cp "$out/kdump-dmesg.txt" "$dir/crash-dumps/$kv/kdump-dmesg.txt"
echo "sid-sysrq-dump: $dir/crash-dumps/$kv ($(grep -c ' task:' "$out/kdump-dmesg.txt") tasks logged); for the tests, link the" \
    "restored ../shared/crash-dumps kernels beside it and set DUMPKIT_CRASH_DUMPS=$dir/crash-dumps"

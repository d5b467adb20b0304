#!/bin/bash
# tests/package/throwaway-root.sh WORK DIR NAME [SRC DEST]: runs NAME/inner.sh of DIR as root in a throwaway root — an
# overlay over / (upper layer WORK/upper) in a private mount namespace, the kernel file systems bound in, fresh /run and
# /tmp, DIR bound at /NAME (and the host's SRC read-only at DEST when given) — entered with chroot, so dpkg and the
# maintainer scripts run for real and the host is never written. Prints what inner.sh prints and exits with its status.
# Used by package-test.sh and kdump-setup-test.sh.
set -euo pipefail
work=$1 dir=$2 name=$3 src=${4:-} dest=${5:-}
mkdir -p "$work/upper" "$work/ovl" "$work/root"
exec unshare -m --propagation private /bin/sh -c '
    set -e
    w=$1 d=$2 n=$3 src=$4 dest=$5
    mount -t overlay overlay -o "lowerdir=/,upperdir=$w/upper,workdir=$w/ovl" "$w/root"
    mount --rbind /proc "$w/root/proc"
    mount --rbind /dev "$w/root/dev"
    mount --rbind /sys "$w/root/sys"
    mount -t tmpfs tmpfs "$w/root/run"
    mount -t tmpfs tmpfs "$w/root/tmp"
    mkdir -p "$w/root/$n"
    mount --bind "$d" "$w/root/$n"
    if [ -n "$src" ]; then
        mkdir -p "$w/root$dest"
        mount --bind -o ro "$src" "$w/root$dest"
    fi
    exec chroot "$w/root" /bin/bash "/$n/inner.sh"
' sh "$work" "$dir" "$name" "$src" "$dest"

#!/usr/bin/env bash
# Installs the Debian packages the test suites compare against (the real tools) and the lab
# needs. Runs as root on Debian/Ubuntu; elsewhere it says what it skipped and changes nothing.
set -u
pkgs=(makedumpfile crash python3-libkdumpfile python3-drgn liblzo2-2 zstd tcpdump tshark nftables iptables
      qemu-system-x86 busybox-static kexec-tools cpio gcc libc6-dev kmod xz-utils socat bc time
      iproute2 iputils-ping dnsmasq-base dnsutils curl e2fsprogs xfsprogs btrfs-progs dosfstools mount lintian mandoc dwarves
      nfs-ganesha nfs-ganesha-vfs ceph-mon ceph-osd radosgw openssh-client openssh-server)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "test-deps: not root or no apt-get: not installing ${pkgs[*]} (suites that need them will skip)"
    exit 0
fi
missing=()
for p in "${pkgs[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "test-deps: installing ${missing[*]}"
if [ -z "${DUMPKIT_APT_UPDATED:-}" ]; then
    apt-get update -qq || echo "test-deps: apt-get update failed"
fi
# wireshark-common asks whether non-root users may capture; the default (no) is fine.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/tmp/dumpkit-apt.log 2>&1 \
    || { echo "test-deps: apt-get install failed (see /tmp/dumpkit-apt.log):"; tail -5 /tmp/dumpkit-apt.log; }
exit 0

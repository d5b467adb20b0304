#!/usr/bin/env bash
# The README's "Make Dumpkit this machine's kdump service" commands, run as written in a throwaway root:
# an overlay over / in a private mount namespace (as package-test.sh), entered with chroot. Installs the
# .deb, runs dumpkit kdump estimate, install, status, then uninstall, and checks that uninstall left the
# system as install found it.
#
#   tests/package/kdump-setup-test.sh [DEB]
#
# Without DEB the package is built by packaging/build-deb.sh from $DUMPKIT_BINARY. Needs root, unshare,
# overlayfs, dpkg. Prints PASS/FAIL/SKIP lines and "kdump-setup: N passed, N failed"; exit 0 passed,
# 1 failed, 2 skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

skip() { echo "kdump-setup: skipped: $*"; exit 2; }
[ "$(id -u)" = 0 ] || skip "needs root (an overlay mount in a private mount namespace)"
for c in unshare dpkg dpkg-deb chroot; do command -v "$c" >/dev/null || skip "no $c"; done

work=$(mktemp -d /var/tmp/dumpkit-kdump-setup-test.XXXXXX)
trap 'umount -R "$work/root" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/t" "$work/upper" "$work/ovl" "$work/root"
if [ $# -ge 1 ]; then
    cp "$1" "$work/t/dumpkit.deb"
else
    [ -n "${DUMPKIT_BINARY:-}" ] && [ -x "${DUMPKIT_BINARY:-}" ] || skip "DUMPKIT_BINARY is not set"
    deb=$("$root/packaging/build-deb.sh" "$work/out" | tail -1) \
        || { echo "FAIL build-deb.sh"; echo "kdump-setup: 0 passed, 1 failed"; exit 1; }
    cp "$deb" "$work/t/dumpkit.deb"
fi

cat > "$work/t/inner.sh" <<'INNER'
#!/bin/bash
set -u
export DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
t=/dumpkit-kdump-setup-test
check() {
    local what=$1; shift
    if "$@" >/tmp/check.out 2>/tmp/check.err; then echo "PASS $what"; else echo "FAIL $what"; sed 's/^/  /' /tmp/check.out /tmp/check.err; fi
}
rm -f /var/lib/man-db/auto-update
snapshot() {
    find /etc/default /etc/systemd /var/lib/dumpkit /boot -printf '%p %y %m %s %l\n' 2>/dev/null | LC_ALL=C sort
}
dpkg -i $t/dumpkit.deb >/tmp/dpkg.log 2>&1 || { echo "FAIL install the package"; cat /tmp/dpkg.log; exit 1; }
mkdir -p /etc/default/grub.d
# This root is an overlay, which cannot hold a dump: the dump target is the disk under it (as a user with such a root sets it).
if [ -s $t/target ] && [ "$(findmnt -n -o FSTYPE /)" = overlay ]; then echo "KDUMP_TARGET=$(cat $t/target)" >> /etc/default/dumpkit; fi
before=$(snapshot)
# the README's commands
check "dumpkit kdump estimate" sh -c 'dumpkit kdump estimate | tee /tmp/estimate.txt | grep -q "^crashkernel=      : [0-9]*M$"'
check "dumpkit kdump estimate --json" sh -c 'dumpkit kdump estimate --json | grep -q "\"crashkernel\": \"crashkernel=[0-9]*M\""'
size=$(sed -n 's/^crashkernel=      : \([0-9]*M\)$/\1/p' /tmp/estimate.txt)
if [ -e "/lib/modules/$(uname -r)/modules.dep" ]; then install_args=install; else
    echo "SKIP the capture initramfs: no module tree for the running kernel $(uname -r) (set DUMPKIT_KMODDIR; install --no-initrd)"
    install_args="--no-initrd install"; fi
check "dumpkit kdump install" dumpkit kdump $install_args
check "install wrote crashkernel=$size into the GRUB snippet" \
    grep -qx "GRUB_CMDLINE_LINUX_DEFAULT=\"\$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=$size\"" /etc/default/grub.d/dumpkit-kdump.cfg
check "install recorded what it made" test -s /var/lib/dumpkit/install.manifest
if command -v systemctl >/dev/null; then
    check "install enabled dumpkit-kdump.service" sh -c 'systemctl is-enabled dumpkit-kdump.service | grep -qx enabled'
else
    echo "SKIP no systemctl in this system"
fi
after_install=$(snapshot)
check "install again changes nothing" sh -c "dumpkit kdump $install_args && [ \"\$(find /etc/default /etc/systemd /var/lib/dumpkit /boot \
    -printf '%p %y %m %s %l\n' 2>/dev/null | LC_ALL=C sort)\" = '$after_install' ]"
# status: documented exit codes (0 ready, 1 loaded with problems, 3 not loaded); nothing is loaded here
dumpkit kdump status > /tmp/status.txt 2>&1; rc=$?
check "dumpkit kdump status: exit 3 (no capture kernel loaded before the reboot)" test "$rc" = 3
check "dumpkit kdump status names its checks" grep -q '^ok      configuration' /tmp/status.txt
check "dumpkit kdump status --json" sh -c 'dumpkit kdump status --json | grep -Eq "\"state\": \"(not-ready|unknown)\""'
check "dumpkit kdump uninstall" dumpkit kdump uninstall
check "uninstall left the system as install found it" test "$(snapshot)" = "$before"
check "uninstall again: nothing to undo" sh -c 'dumpkit kdump uninstall | grep -q "nothing to undo"'
dpkg -P dumpkit >/dev/null 2>&1
exit 0
INNER

# A machine whose running kernel has no module tree (a VM booted without /lib/modules) cannot build a capture initramfs:
# DUMPKIT_KMODDIR (a Debian kernel's /lib/modules/KVER, e.g. the e2e kernel's) stands in for it inside the throwaway root.
extra=()
findmnt -n -o SOURCE / > "$work/t/target" 2>/dev/null || true
rel=$(uname -r)
if [ ! -e "/lib/modules/$rel/modules.dep" ] && [ -n "${DUMPKIT_KMODDIR:-}" ] && [ -e "$DUMPKIT_KMODDIR/modules.dep" ]; then
    extra=("$DUMPKIT_KMODDIR" "/lib/modules/$rel")
fi
"$here/throwaway-root.sh" "$work" "$work/t" dumpkit-kdump-setup-test "${extra[@]}" | tee "$work/inner.log"
inner=${PIPESTATUS[0]}
passed=$(grep -c '^PASS ' "$work/inner.log")
failed=$(grep -c '^FAIL ' "$work/inner.log")
if [ "$inner" != 0 ] && [ "$failed" = 0 ]; then echo "FAIL the checks stopped with status $inner"; failed=1; fi
echo "kdump-setup: $passed passed, $failed failed"
[ "$failed" = 0 ]

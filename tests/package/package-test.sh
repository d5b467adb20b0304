#!/usr/bin/env bash
# Installs, upgrades, removes and purges the dumpkit .deb in a throwaway root: an overlay over /
# in a private mount namespace (unshare -m), entered with chroot, so dpkg runs the real maintainer
# scripts against this machine's files without changing any of them (tests/package/package-inner.sh
# holds the checks), and lintian checks the package.
#
#   tests/package/package-test.sh [DEB]
#
# Without DEB the package is built by packaging/build-deb.sh from $DUMPKIT_BINARY (both
# revisions 1 and 2 of the version, for the upgrade). Needs root, unshare, overlayfs, dpkg.
# Prints PASS/FAIL lines and "package: N passed, N failed"; exit 0 passed, 1 failed, 2 skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

skip() { echo "package: skipped: $*"; exit 2; }
[ "$(id -u)" = 0 ] || skip "needs root (an overlay mount in a private mount namespace)"
for c in unshare dpkg dpkg-deb chroot update-alternatives adduser; do
    command -v "$c" >/dev/null || skip "no $c"
done

work=$(mktemp -d /var/tmp/dumpkit-package-test.XXXXXX)
trap 'umount -R "$work/root" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/debs"

if [ $# -ge 1 ]; then
    cp "$1" "$work/debs/dumpkit-1.deb"
    cp "$1" "$work/debs/dumpkit-2.deb"
else
    [ -n "${DUMPKIT_BINARY:-}" ] && [ -x "${DUMPKIT_BINARY:-}" ] \
        || skip "DUMPKIT_BINARY is not set (publish the binary: dotnet publish src/Dumpkit -c Release -r linux-x64)"
    for rev in 1 2; do
        deb=$(DUMPKIT_DEB_REVISION=$rev "$root/packaging/build-deb.sh" "$work/out$rev" | tail -1) \
            || { echo "FAIL build-deb.sh (revision $rev)"; echo "package: 0 passed, 1 failed"; exit 1; }
        cp "$deb" "$work/debs/dumpkit-$rev.deb"
    done
fi

# lintian (the package's own checks): no errors.
lintian_result=skip
if command -v lintian >/dev/null; then
    lintian --no-tag-display-limit "$work/debs/dumpkit-1.deb" > "$work/lintian.txt" 2>&1
    if grep -q '^E:' "$work/lintian.txt"; then lintian_result=fail; else lintian_result=pass; fi
fi

# Debian's makedumpfile as a .deb, to install it after dumpkit (the trigger check; skipped without it).
if command -v apt-get >/dev/null; then
    (cd "$work/debs" && apt-get download -qq makedumpfile >/dev/null 2>&1) || echo "package: apt-get download makedumpfile failed"
fi
cp "$root/etc/default/dumpkit" "$work/debs/default-dumpkit"
cp "$here/package-inner.sh" "$work/debs/inner.sh"

# The checks in a throwaway root: an overlay over / in a private mount namespace, entered with chroot.
"$here/throwaway-root.sh" "$work" "$work/debs" dumpkit-package-test | tee "$work/inner.log"
inner=${PIPESTATUS[0]}

passed=$(grep -c '^PASS ' "$work/inner.log")
failed=$(grep -c '^FAIL ' "$work/inner.log")
case $lintian_result in
    pass) echo "PASS lintian: no errors ($(grep -c '^W:' "$work/lintian.txt") warnings)"; passed=$((passed + 1)) ;;
    fail) echo "FAIL lintian:"; grep '^E:' "$work/lintian.txt"; failed=$((failed + 1)) ;;
    skip) echo "SKIP lintian is not installed" ;;
esac
if [ "$inner" != 0 ] && [ "$failed" = 0 ]; then
    echo "FAIL the checks in the throwaway root stopped with status $inner"; failed=$((failed + 1))
fi

echo "package: $passed passed, $failed failed"
[ "$failed" = 0 ]

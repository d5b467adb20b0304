#!/bin/bash
# The checks of package-test.sh, run as root in the throwaway root (an overlay over / in a private
# mount namespace). /dumpkit-package-test holds dumpkit-1.deb, dumpkit-2.deb (a newer revision) and
# default-dumpkit (the repository's etc/default/dumpkit). Prints PASS/FAIL lines.
set -u
export DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
t=/dumpkit-package-test
check() {
    local what=$1; shift
    if "$@" >/dev/null 2>/tmp/check.err; then echo "PASS $what"; else echo "FAIL $what"; sed 's/^/  /' /tmp/check.err; fi
}
not() { ! "$@"; }
version=$(dpkg-deb -f $t/dumpkit-1.deb Version); version=${version%-*}
tools="makedumpfile tcpdump crash"
# man-db's trigger rebuilds the whole man index at each install and remove (minutes on a loaded
# machine); its documented switch turns it off in the throwaway root.
rm -f /var/lib/man-db/auto-update

# What the system looks like where a package or its scripts write (files, links, modes, file sizes
# but not directory sizes, which an overlay's copy-up changes; the user
# databases by content), to compare after each purge. Not all of /: other work on this machine
# changes it underneath the overlay. dpkg's own records, logs and caches change by design.
snapshot() {
    find /etc /usr/bin /usr/sbin /usr/lib/dumpkit /usr/lib/systemd/system /usr/share/man/man1 /usr/share/man/man5 \
        /usr/share/man/man8 /usr/share/bash-completion /usr/share/doc /usr/share/lintian /var/lib \
        \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/lib/systemd -o -path /var/lib/docker \) -prune \
        -o \( -name 'passwd*' -o -name 'group*' -o -name 'shadow*' -o -name 'gshadow*' -o -name .pwd.lock \
              -o -name 'subuid*' -o -name 'subgid*' -o -name ld.so.cache \) -path '/etc/*' -prune \
        -o -type d -printf '%p d %m\n' -o -printf '%p %y %m %s %l\n' 2>/dev/null | LC_ALL=C sort
    getent passwd; getent group
}
install_ok() { dpkg -i "$@" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; return 1; }; }
alt_value() { update-alternatives --query "$1" 2>/dev/null | sed -n 's/^Value: //p'; }
alt_has() { update-alternatives --list "$1" 2>/dev/null | grep -qx "$2"; }
# The snapshot taken before the install ($before) against now; prints the difference when they differ.
unchanged() { local now; now=$(snapshot); [ "$before" = "$now" ] && return 0; diff <(echo "$before") <(echo "$now") | head -20 >&2; return 1; }
dpkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# ---- Beside Debian's tools (when this machine has them): they stay the ones root runs.
beside=
for p in $tools; do dpkg_installed "$p" && beside="$beside $p"; done
if [ -n "$beside" ]; then
    before=$(snapshot)
    user_before=$(getent passwd tcpdump)
    sums=$(cd /usr/bin && md5sum $beside)
    check "install beside Debian's$beside" install_ok $t/dumpkit-1.deb
    for p in $beside; do
        check "$p: Debian's /usr/bin/$p unchanged" sh -c "cd /usr/bin && echo '$sums' | md5sum --quiet -c -"
        check "$p: the alternative has both candidates" sh -c "update-alternatives --list $p | grep -qx /usr/bin/$p \
            && update-alternatives --list $p | grep -qx /usr/lib/dumpkit/bin/$p"
        check "$p: Debian's is preferred in auto mode" test "$(alt_value $p)" = /usr/bin/$p
        check "$p: root's PATH still runs Debian's" test "$(readlink -f "$(command -v $p)")" = /usr/bin/$p
    done
    p=${beside# }; p=${p%% *}
    update-alternatives --set "$p" "/usr/lib/dumpkit/bin/$p" >/dev/null 2>&1
    check "$p: update-alternatives --set selects dumpkit's" test "$(readlink -f /usr/sbin/$p)" = /usr/bin/dumpkit
    check "tcpdump user kept as it was" test "$(getent passwd tcpdump)" = "$user_before"
    check "remove beside Debian's" dpkg -r dumpkit
    for p in $tools; do
        check "$p: no alternative after remove" not update-alternatives --query "$p"
        check "$p: no /usr/sbin/$p after remove" not test -e /usr/sbin/$p -o -L /usr/sbin/$p
    done
    check "purge beside Debian's" dpkg -P dumpkit
    check "purge beside Debian's left the system as it was" unchanged
    # Without Debian's tools from here on (and without the tcpdump user their package made).
    dpkg -P --force-depends $beside >/tmp/dpkg.log 2>&1 || { echo "FAIL could not purge$beside:"; cat /tmp/dpkg.log; }
fi
getent passwd tcpdump >/dev/null && { userdel tcpdump; groupdel tcpdump 2>/dev/null; }

# ---- Alone.
before=$(snapshot)
check "install" install_ok $t/dumpkit-1.deb
check "dumpkit --version says $version" test "$(/usr/bin/dumpkit --version)" = "dumpkit $version"
for p in makedumpfile tcpdump crash kexec kdump; do
    check "/usr/lib/dumpkit/bin/$p -> ../../../bin/dumpkit" test "$(readlink /usr/lib/dumpkit/bin/$p)" = ../../../bin/dumpkit
done
for p in $tools; do
    check "$p: alternative /usr/sbin/$p is dumpkit's" test "$(readlink -f /usr/sbin/$p)" = /usr/bin/dumpkit
done
check "makedumpfile -v through the alternative is dumpkit's" sh -c 'makedumpfile -v 2>&1 | grep -q dumpkit'
check "tcpdump --version through the alternative is dumpkit's" sh -c 'tcpdump --version 2>&1 | grep -q dumpkit'
check "/usr/lib/dumpkit/bin/kexec --version is dumpkit's" sh -c '/usr/lib/dumpkit/bin/kexec --version 2>&1 | grep -q dumpkit'
check "/usr/lib/dumpkit/bin/kdump --help runs kdump" sh -c '/usr/lib/dumpkit/bin/kdump --help | grep -q savecore'
check "kexec has no alternative" not update-alternatives --query kexec
check "tcpdump system user created" sh -c 'u=$(getent passwd tcpdump) && [ "$(echo "$u" | cut -d: -f3)" -lt 1000 ] \
    && [ "$(echo "$u" | cut -d: -f6)" = /nonexistent ] && getent group tcpdump'
check "/etc/default/dumpkit is a conffile" sh -c 'dpkg-query -W -f="\${Conffiles}" dumpkit | grep -q " /etc/default/dumpkit "'
check "/etc/default/dumpkit is the repository's" cmp -s $t/default-dumpkit /etc/default/dumpkit
for u in dumpkit-kdump dumpkit-savecore; do
    check "unit $u.service installed" test -f /usr/lib/systemd/system/$u.service
done
for m in man1/dumpkit.1 man5/dumpkit.5 man8/dumpkit-makedumpfile.8 man8/dumpkit-crash.8 man8/dumpkit-kexec.8 \
         man8/dumpkit-kdump.8 man8/dumpkit-tcpdump.8; do
    check "man page $m.gz" sh -c "gzip -t /usr/share/man/$m.gz"
done
for c in dumpkit makedumpfile crash kexec kdump; do
    check "bash completion for $c" test -r /usr/share/bash-completion/completions/$c
done
for h in postinst postrm; do
    check "kernel hook /etc/kernel/$h.d/dumpkit: executable conffile" sh -c "test -x /etc/kernel/$h.d/dumpkit &&
        dpkg-query -W -f='\${Conffiles}' dumpkit | grep -q ' /etc/kernel/$h.d/dumpkit '"
done
mkdir -p /var/lib/dumpkit; : > /var/lib/dumpkit/initrd.img-0.0.0-test
check "kernel postinst hook: a kernel without modules warns, does not fail the kernel's install" \
    sh -c '/etc/kernel/postinst.d/dumpkit 0.0.1-test /boot/vmlinuz-0.0.1-test 2>&1 | grep -q "could not build"'
check "kernel postinst hook: wrote nothing for it" not test -e /var/lib/dumpkit/initrd.img-0.0.1-test
check "kernel postrm hook removes the kernel's capture initramfs" \
    sh -c '/etc/kernel/postrm.d/dumpkit 0.0.0-test /boot/vmlinuz-0.0.0-test && ! test -e /var/lib/dumpkit/initrd.img-0.0.0-test'
check "copyright and changelog" test -f /usr/share/doc/dumpkit/copyright -a -f /usr/share/doc/dumpkit/changelog.Debian.gz

# Idempotent: the same package again, then an upgrade with the configuration edited.
check "reinstall the same version" install_ok $t/dumpkit-1.deb
check "reinstall keeps one alternative candidate" test "$(update-alternatives --list makedumpfile | wc -l)" = 1
echo 'KDUMP_NUM_DUMPS=3 # edited' >> /etc/default/dumpkit
check "upgrade to the next revision" install_ok $t/dumpkit-2.deb
check "upgrade kept the edited /etc/default/dumpkit" grep -q '^KDUMP_NUM_DUMPS=3 # edited' /etc/default/dumpkit
check "upgrade kept the alternatives" test "$(readlink -f /usr/sbin/makedumpfile)" = /usr/bin/dumpkit

# Debian's makedumpfile installed after dumpkit (the file trigger on /usr/bin/makedumpfile): it
# becomes the preferred candidate; purged again, dumpkit's is the only one.
mdf=$(ls $t/makedumpfile_*.deb 2>/dev/null | head -1)
if [ -n "$mdf" ] && dpkg -i "$mdf" >/tmp/dpkg.log 2>&1; then
    check "trigger: Debian's makedumpfile installed later is a candidate" alt_has makedumpfile /usr/bin/makedumpfile
    check "trigger: and is preferred in auto mode" test "$(alt_value makedumpfile)" = /usr/bin/makedumpfile
    dpkg -P makedumpfile >/dev/null 2>&1
    check "trigger: purged again, it is no longer a candidate" not alt_has makedumpfile /usr/bin/makedumpfile
    check "trigger: dumpkit's is selected again" test "$(readlink -f /usr/sbin/makedumpfile)" = /usr/bin/dumpkit
else
    echo "SKIP trigger: no installable makedumpfile .deb (apt-get download makedumpfile)"
    [ -n "$mdf" ] && { tail -3 /tmp/dpkg.log; dpkg -r makedumpfile >/dev/null 2>&1; }
fi

# Remove keeps the configuration (and the user); installing again works.
check "remove" dpkg -r dumpkit
check "remove took /usr/bin/dumpkit" not test -e /usr/bin/dumpkit
check "remove kept /etc/default/dumpkit" grep -q '^KDUMP_NUM_DUMPS=3 # edited' /etc/default/dumpkit
for p in $tools; do
    check "$p: no alternative after remove" not update-alternatives --query "$p"
done
check "remove kept the tcpdump user" getent passwd tcpdump
check "install after remove" install_ok $t/dumpkit-1.deb
check "install after remove restores the alternatives" test "$(readlink -f /usr/sbin/tcpdump)" = /usr/bin/dumpkit
check "install after remove kept the edited configuration" grep -q '# edited' /etc/default/dumpkit

# Purge: everything goes, the user this package created too.
check "purge" dpkg -P dumpkit
check "purge took /etc/default/dumpkit" not test -e /etc/default/dumpkit
check "purge took the tcpdump user it created" not getent passwd tcpdump
check "purge left no dpkg record" not dpkg-query -W dumpkit
check "purge left the system as it was before the install" unchanged

# Purge and install again (a clean reinstall after purge).
check "install after purge" install_ok $t/dumpkit-1.deb
check "install after purge creates the user again" getent passwd tcpdump
check "purge again" dpkg -P dumpkit
check "second purge left the system as it was" unchanged
exit 0

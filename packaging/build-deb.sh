#!/usr/bin/env bash
# Builds the Debian package of dumpkit from the NativeAOT binary:
#   packaging/build-deb.sh [OUTDIR]
# The binary is $DUMPKIT_BINARY when set, otherwise this script publishes it
# (dotnet publish src/Dumpkit -c Release -r linux-x64). The version is Directory.Build.props's
# <Version> (DUMPKIT_DEB_REVISION, default 1, is the Debian revision). Prints the .deb's path last.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$(mkdir -p "${1:-$root/artifacts/deb}" && cd "${1:-$root/artifacts/deb}" && pwd)
deb=$here/deb

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)
[ -n "$version" ] || { echo "build-deb: no <Version> in Directory.Build.props" >&2; exit 1; }
full="$version-${DUMPKIT_DEB_REVISION:-1}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=${DUMPKIT_BINARY:-}
if [ -z "$bin" ]; then
    echo "build-deb: publishing the NativeAOT binary" >&2
    dotnet publish "$root/src/Dumpkit" -c Release -r linux-x64 -o "$work/publish" >"$work/publish.log" 2>&1 \
        || { tail -20 "$work/publish.log" >&2; exit 1; }
    bin=$work/publish/dumpkit
fi
[ -x "$bin" ] || { echo "build-deb: $bin: not an executable" >&2; exit 1; }
got=$("$bin" --version)
[ "$got" = "dumpkit $version" ] || { echo "build-deb: $bin says '$got', Directory.Build.props says $version" >&2; exit 1; }

pkg=$work/pkg
umask 022
install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/lib/dumpkit/bin" "$pkg/etc/default" "$pkg/usr/lib/systemd/system" \
    "$pkg/usr/share/doc/dumpkit" "$pkg/usr/share/bash-completion/completions" \
    "$pkg/usr/share/man/man1" "$pkg/usr/share/man/man5" "$pkg/usr/share/man/man8"
# Reproducible: every file's time is the last commit's (or now outside git).
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}
install -m 755 "$bin" "$pkg/usr/bin/dumpkit"
# The tool names: argv[0] picks the personality. In PATH through update-alternatives (postinst).
for t in makedumpfile tcpdump crash kexec kdump; do
    ln -s ../../../bin/dumpkit "$pkg/usr/lib/dumpkit/bin/$t"
done
install -m 644 "$root/etc/default/dumpkit" "$pkg/etc/default/dumpkit"
# kernel hooks: build / remove the capture initramfs when kernels come and go (as kdump-tools does)
install -D -m 755 "$deb/kernel-postinst" "$pkg/etc/kernel/postinst.d/dumpkit"
install -D -m 755 "$deb/kernel-postrm" "$pkg/etc/kernel/postrm.d/dumpkit"
install -m 644 "$root"/etc/systemd/*.service "$pkg/usr/lib/systemd/system/"
install -m 644 "$root/completion/dumpkit" "$pkg/usr/share/bash-completion/completions/dumpkit"
# bash-completion loads a command's file by its name; tcpdump's is bash-completion's own.
for t in makedumpfile crash kexec kdump; do
    ln -s dumpkit "$pkg/usr/share/bash-completion/completions/$t"
done
for m in "$root"/man/*.[158]; do
    s=${m##*.}
    gzip -9n < "$m" > "$pkg/usr/share/man/man$s/$(basename "$m").gz"
done
install -m 644 "$deb/copyright" "$pkg/usr/share/doc/dumpkit/copyright"
gzip -9n < "$deb/changelog" > "$pkg/usr/share/doc/dumpkit/changelog.Debian.gz"
install -d "$pkg/usr/share/lintian/overrides"
install -m 644 "$deb/lintian-overrides" "$pkg/usr/share/lintian/overrides/dumpkit"
chmod 644 "$pkg"/usr/share/doc/dumpkit/changelog.Debian.gz "$pkg"/usr/share/man/man*/*.gz

for s in postinst prerm postrm; do install -m 755 "$deb/$s" "$pkg/DEBIAN/$s"; done
install -m 644 "$deb/triggers" "$pkg/DEBIAN/triggers"
printf '%s\n' /etc/default/dumpkit /etc/kernel/postinst.d/dumpkit /etc/kernel/postrm.d/dumpkit > "$pkg/DEBIAN/conffiles"
chmod 644 "$pkg/DEBIAN/conffiles"

# The C library version the binary needs, as dpkg-shlibdeps computes it.
mkdir -p "$work/shlibs/debian"
printf 'Source: dumpkit\n\nPackage: dumpkit\nArchitecture: amd64\n' > "$work/shlibs/debian/control"
libc=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$pkg/usr/bin/dumpkit" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$libc" ] || libc=libc6

size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$full/" -e "s/@DEPENDS@/$libc, adduser/" -e "s/@SIZE@/$size/" "$deb/control.in" > "$pkg/DEBIAN/control"
(cd "$pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
chmod 644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums"

file=$out/dumpkit_${full}_amd64.deb
find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$file" >/dev/null
echo "$file"

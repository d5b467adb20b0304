#!/bin/bash
# Fetch the debug vmlinux of the corpus kernels into DIR as vmlinux-<kver>, for the drgn/crash
# tests (tests/Dumpkit.Formats.Tests/RealDumps/AnalysisToolTests.cs) and the drgn checks of the
# kdump end-to-end test:
#
#   tests/tools/fetch-debug-vmlinux.sh DIR
#   DUMPKIT_VMLINUX_DIR=DIR dotnet test tests/Dumpkit.Makedumpfile.Tests --filter FullyQualifiedName~AnalysisToolTests
#
# Downloads linux-image-KVER-dbg with apt-get (Debian 12 sources incl. bookworm-security; 0.9-1 GB
# each) and extracts only vmlinux, stopping the xz stream as soon as it is out (vmlinux comes
# early in the package: ~10 s instead of minutes). The .deb is deleted afterwards; a vmlinux
# already in DIR is not fetched again.
#   KVERS="..."   kernels (default: the two of the corpus)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
KVERS=${KVERS:-"6.1.0-56-amd64 6.12.117+deb12-amd64"}
mkdir -p "$1"; dir=$(cd "$1" && pwd)
for kv in $KVERS; do
  dest=$dir/vmlinux-$kv
  [ -s "$dest" ] && { echo "$dest (already there)"; continue; }
  tmp=$(mktemp -d "$dir/.fetch-XXXXXX")
  (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "linux-image-$kv-dbg" >/dev/null) \
    || { echo "fetch-debug-vmlinux: apt-get download linux-image-$kv-dbg failed" >&2; rm -rf "$tmp"; exit 1; }
  # tar stops after the first match; dpkg-deb then dies of SIGPIPE, which is expected.
  dpkg-deb --fsys-tarfile "$tmp"/linux-image-"$kv"-dbg_*.deb 2>/dev/null \
    | tar -x -C "$tmp" --occurrence=1 "./usr/lib/debug/boot/vmlinux-$kv" || true
  v=$tmp/usr/lib/debug/boot/vmlinux-$kv
  [ -s "$v" ] || { echo "fetch-debug-vmlinux: no vmlinux-$kv in linux-image-$kv-dbg" >&2; rm -rf "$tmp"; exit 1; }
  mv "$v" "$dest.part" && mv "$dest.part" "$dest"
  rm -rf "$tmp"
  echo "$dest"
done

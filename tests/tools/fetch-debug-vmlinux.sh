#!/bin/bash
# Fetch the debug vmlinux of the two corpus kernels and link them into DIR as vmlinux-<kver>,
# for the drgn/crash tests (tests/Dumpkit.Formats.Tests/RealDumps/AnalysisToolTests.cs):
#
#   tests/tools/fetch-debug-vmlinux.sh DIR
#   DUMPKIT_VMLINUX_DIR=DIR dotnet test tests/Dumpkit.Formats.Tests --filter FullyQualifiedName~AnalysisToolTests
#
# Uses the lab's fetch-kernels.sh with DBG=1 (apt-get download of linux-image-KVER-dbg, ~0.9-1 GB
# each, only vmlinux is extracted; Debian 12 apt sources incl. bookworm-security; run as root).
# Kernels and .debs go to $LAB (default: the lab's, $TMPDIR/dumpkit-lab). Already extracted
# kernels are not fetched again.
#   LAB_SCRIPTS=...   folder of fetch-kernels.sh (default: ../shared/lab next to the repository)
#   KVERS="..."       kernels (default: the two of the corpus)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
LAB_SCRIPTS=${LAB_SCRIPTS:-$(cd "$here/../../.." && pwd)/shared/lab}
KVERS=${KVERS:-"6.1.0-56-amd64 6.12.117+deb12-amd64"}
export LAB=${LAB:-${TMPDIR:-/tmp}/dumpkit-lab}
[ -x "$LAB_SCRIPTS/fetch-kernels.sh" ] || { echo "$LAB_SCRIPTS/fetch-kernels.sh not found (set LAB_SCRIPTS)" >&2; exit 1; }
# shellcheck disable=SC2086
DBG=1 "$LAB_SCRIPTS/fetch-kernels.sh" $KVERS
mkdir -p "$1"
dir=$(cd "$1" && pwd)
for kv in $KVERS; do
  v="$LAB/kernels/$kv/usr/lib/debug/boot/vmlinux-$kv"
  [ -s "$v" ] || { echo "$v missing after fetch-kernels.sh" >&2; exit 1; }
  ln -sfn "$v" "$dir/vmlinux-$kv"
  echo "$dir/vmlinux-$kv -> $v"
done

#!/usr/bin/env bash
# packaging/deb/build.sh OUTDIR: the same as packaging/build-deb.sh OUTDIR (prints the .deb's path last).
exec "$(dirname "$0")/../build-deb.sh" "$@"

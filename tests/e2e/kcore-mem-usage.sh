#!/usr/bin/env bash
# makedumpfile --mem-usage /proc/kcore on a running kernel: Debian's makedumpfile, ours, Debian's again, one after the
# other in the same QEMU guest (the lab's initramfs: busybox + Debian's makedumpfile, plus our binary and an /init of
# this script's), then the tables compared. The guest holds anonymous, zero, page-cache and tmpfs pages (the lab's
# memhog and files); between the runs only the tools' own pages and the kernel's housekeeping change, so every class of
# ours must lie within the two makedumpfile runs' figures give or take SLACK pages, and the totals must be equal.
#
#   DUMPKIT_BINARY=out/dumpkit tests/e2e/kcore-mem-usage.sh [KVER...]     (default: every kernel of the lab data)
#
# Needs qemu-system-x86_64, cpio and the lab's cached kernels and initramfs ($DUMPKIT_DATA/lab: kernels/KVER,
# initrd/*-base.cpio.gz); says SKIP and exits 0 without them. Output and consoles go to $KCORE_WORK (a temp dir).
# Both leave the crashkernel= reservation (/proc/iomem's "Crash kernel") out of the census; measured figures in
# tests/e2e/RESULTS.md (2026-12-07). About 20 s of QEMU per kernel.
# Ours runs once before the three counted runs, its output thrown away: the first dumpkit run of a boot found 40-120
# zero pages fewer than the makedumpfile runs around it, the later ones 7-25 (6.12) or about 20 (6.1) fewer, as many as
# its larger process takes from the per-CPU free lists (pages makedumpfile counts by content, not as FREE: only buddy
# pages are FREE), which the +94 USER pages of ours balance (tests/e2e/RESULTS.md). SLACK is 256 pages since.
set -u
DATA=${DUMPKIT_DATA:-/tmp/dumpkit-data}
LABDATA=${DUMPKIT_LAB_DATA:-$DATA/lab}
SLACK=${SLACK:-256}
MEM=${GUEST_MEM:-512}
bin=${DUMPKIT_BINARY:-}
skip() { echo "SKIP kcore --mem-usage: $*"; exit 0; }
[ -n "$bin" ] && [ -x "$bin" ] || skip "DUMPKIT_BINARY not set"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
command -v cpio >/dev/null || skip "no cpio"
base=$(ls "$LABDATA"/initrd/*-base.cpio.gz 2>/dev/null | head -1)
[ -n "$base" ] || skip "no lab initramfs in $LABDATA/initrd (lab/mkinitramfs.sh)"
kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || for k in "$LABDATA"/kernels/*/; do kvers+=("$(basename "$k")"); done
[ ${#kvers[@]} -gt 0 ] || skip "no lab kernels in $LABDATA/kernels"
work=${KCORE_WORK:-$(mktemp -d /tmp/dumpkit-kcore.XXXXXX)}
mkdir -p "$work/overlay/usr/bin" "$work/overlay/lib/x86_64-linux-gnu"
cp "$bin" "$work/overlay/usr/bin/dumpkit"
# the lab's image has libc and the loader (for Debian's makedumpfile); dumpkit needs libm too
for lib in $(ldd "$bin" | awk '$3 ~ /^\// { print $3 }'); do cp -L "$lib" "$work/overlay/lib/x86_64-linux-gnu/"; done
cat > "$work/overlay/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "KCORE-BOOTED $(uname -r) $(ls -l /proc/kcore)"
mkdir -p /fill; mount -t tmpfs -o size=256m tmpfs /fill
dd if=/dev/urandom of=/fill/random.bin bs=1M count=16 2>/dev/null
yes "LABCACHE text page-cache line" | head -c $((16 << 20)) > /fill/text.txt
memhog 32 16 > /dev/null 2>&1 &
sleep 3
dumpkit makedumpfile --mem-usage /proc/kcore > /dev/null 2>&1
for tool in makedumpfile "dumpkit makedumpfile" makedumpfile; do
  echo "KCORE-RUN-START $tool"
  $tool --mem-usage /proc/kcore 2>&1
  echo "KCORE-RUN-END rc=$? $tool"
done
echo "KCORE-ESTIMATE-START"; dumpkit kdump estimate 2>&1; echo "KCORE-ESTIMATE-END rc=$?"
echo "KCORE-DONE"
poweroff -f
EOF
chmod +x "$work/overlay/init"
(cd "$work/overlay" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/overlay.cpio.gz"
cat "$base" "$work/overlay.cpio.gz" > "$work/initrd.cpio.gz"

# "TYPE PAGES" of the table of run N (1-3) in a console log, one "TYPE PAGES" a line (and "TOTAL n", "PAGESIZE n")
table() {
  awk -v n="$2" '
    /^KCORE-RUN-START/ { run++; on = (run == n); next }
    /^KCORE-RUN-END/ { on = 0 }
    on && /^(ZERO|NON_PRI_CACHE|PRI_CACHE|USER|FREE|KERN_DATA)[ \t]/ { print $1, $2 }
    on && /^page size:/ { print "PAGESIZE", $3 }
    on && /^Total pages on system:/ { print "TOTAL", $5 }' "$1" | tr -d '\r'
}

fails=0
for kv in "${kvers[@]}"; do
  kernel=$LABDATA/kernels/$kv/boot/vmlinuz-$kv
  [ -f "$kernel" ] || { echo "SKIP $kv: no $kernel"; continue; }
  log=$work/console-$kv.log
  t0=$(date +%s)
  timeout 600 qemu-system-x86_64 -accel tcg -m "$MEM" -smp 1 -display none -no-reboot -kernel "$kernel" \
    -initrd "$work/initrd.cpio.gz" -append "console=ttyS0 crashkernel=96M panic=-1 quiet no_timer_check" \
    -serial "file:$log" -monitor none \
    </dev/null >/dev/null 2>&1
  t1=$(date +%s)
  if ! grep -q KCORE-DONE "$log"; then
    echo "FAIL $kv: the guest did not finish (console: $log)"; fails=$((fails + 1)); continue
  fi
  table "$log" 1 > "$work/$kv.mdf1"; table "$log" 2 > "$work/$kv.ours"; table "$log" 3 > "$work/$kv.mdf2"
  echo "== $kv ($((t1 - t0)) s in QEMU): TYPE makedumpfile-before ours makedumpfile-after"
  paste -d' ' "$work/$kv.mdf1" "$work/$kv.ours" "$work/$kv.mdf2" | awk '{ print $1, $2, $4, $6 }'
  bad=$(paste -d' ' "$work/$kv.mdf1" "$work/$kv.ours" "$work/$kv.mdf2" | awk -v s="$SLACK" '
    { lo = $2 < $6 ? $2 : $6; hi = $2 < $6 ? $6 : $2 }
    $1 == "TOTAL" || $1 == "PAGESIZE" { if ($4 != $2 || $4 != $6) print $1; next }
    $4 < lo - s || $4 > hi + s { print $1 }')
  if [ ! -s "$work/$kv.ours" ] || [ ! -s "$work/$kv.mdf1" ]; then
    echo "FAIL $kv: a table is missing (console: $log)"; fails=$((fails + 1))
  elif [ -n "$bad" ]; then
    echo "FAIL $kv: outside the makedumpfile runs +-$SLACK pages: $bad"; fails=$((fails + 1))
  else
    echo "PASS $kv"
  fi
  sed -n '/^KCORE-ESTIMATE-START/,/^KCORE-ESTIMATE-END/p' "$log" | tr -d '\r'
done
exit $((fails > 0))

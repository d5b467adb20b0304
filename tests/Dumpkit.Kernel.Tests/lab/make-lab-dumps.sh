#!/bin/bash
# Fresh kdump vmcores + reference outputs for LabDumpTests (DUMPKIT_LAB_VMCORES=OUT).
# usage (root): make-lab-dumps.sh OUT UPSTREAM_MAKEDUMPFILE
#   6.1 at 320 and 448 MiB: references from Debian's /usr/bin/makedumpfile 1.7.2 (right on 6.1);
#   6.12 at 384 and 512 MiB: references from upstream makedumpfile 1.7.9 (Debian's is wrong on 6.12);
#   the same two kernels at 384 MiB with 5-level paging (QEMU_CPU=qemu64,+la57, folder suffix -la57);
#   both at 512 MiB with hugepages=8 transparent_hugepage=always (suffix -huge);
#   ref-dmesg.txt from upstream everywhere. Built upstream with: make LINKTYPE=dynamic (libelf-dev, libdw-dev).
set -e
out=$1 up=$2
L=$(cd "$(dirname "$0")/../../../.." && pwd)/shared/lab
[ -d "$L" ] || L=/work/shared/lab
export LAB=${LAB:-/tmp/kernel-lab/lab}
run() { # KVER MEM REFTOOL [QEMU_CPU] [EXTRA_APPEND SUFFIX]
  local k=$1 mem=$2 tool=$3 d=$out/$1${4:+-la57}${6:+-$6}-m$2
  export QEMU_CPU=${4:-}
  "$L/fetch-kernels.sh" "$k"
  "$L/mkinitramfs.sh" "$k"
  GUEST_MEM=$mem GUEST_SMP=2 CRASHKERNEL=128M FILL_ANON=24 FILL_ZERO=8 FILL_RANDOM=1 FILL_TEXT=8 FILL_DISK=16 \
    APPEND="init_on_free=1 lab.rmboot=1 ${5:-}" "$L/kdump-run.sh" "$k" "$d"
  for l in 2 4 8 16 31; do "$tool" --message-level 1 -d $l "$d/kdump-vmcore.elf" "$d/ref-d$l" > "$d/ref-d$l.log" 2>&1; done
  "$up" --dump-dmesg "$d/kdump-vmcore.elf" "$d/ref-dmesg.txt" > /dev/null
}
run 6.1.0-56-amd64 320 /usr/bin/makedumpfile
run 6.1.0-56-amd64 448 /usr/bin/makedumpfile
run 6.12.117+deb12-amd64 384 "$up"
run 6.12.117+deb12-amd64 512 "$up"
run 6.1.0-56-amd64 384 /usr/bin/makedumpfile qemu64,+la57        # 5-level paging
run 6.12.117+deb12-amd64 384 "$up" qemu64,+la57
# Linux 5.10 (bullseye; fetch its .deb with apt-get using a bullseye sources list into $LAB/debs first)
run 5.10.0-46-amd64 384 "$up"
# Linux 7.2 (sid; packaging split into linux-binary/-modules/-base .debs: extract all three into
# $LAB/kernels/KVER, copy usr/lib/modules/KVER/vmlinuz to boot/vmlinuz-KVER, ln -s usr/lib lib, depmod -b)
run 7.2.13+deb14-amd64 384 "$up"
# hugetlb pool (8 × 2 MiB) and THP for anonymous memory: compound pages of every kind
run 6.1.0-56-amd64 512 /usr/bin/makedumpfile "" "hugepages=8 transparent_hugepage=always" huge
run 6.12.117+deb12-amd64 512 "$up" "" "hugepages=8 transparent_hugepage=always" huge
# ... with HugeTLB vmemmap optimization (on 7.1+ tails then hold a mask, not a head pointer)
run 6.12.117+deb12-amd64 512 "$up" "" "hugepages=8 hugetlb_free_vmemmap=on transparent_hugepage=always" hvo
run 7.2.13+deb14-amd64 512 "$up" "" "hugepages=8 hugetlb_free_vmemmap=on transparent_hugepage=always" hvo

# --partial-dmesg references: no guest ran `dmesg -c`, so copy the corpus vmcores and set clear_seq
# (struct latched_seq {seqcount; val[2]}: seqcount 1 selects val[1] = 150) in every PT_LOAD holding it.
patch_clear_seq() { # KVER
  local d=$out/$1-partial
  mkdir -p "$d"
  python3 - "${DUMPKIT_VMCORES:-/work/vmcores}/$1/vmcore.elf" "$d/kdump-vmcore.elf" <<'PY'
import re, shutil, struct, sys
shutil.copyfile(sys.argv[1], sys.argv[2])
f = open(sys.argv[2], 'r+b'); eh = f.read(64)
phoff, phnum = struct.unpack_from('<Q', eh, 32)[0], struct.unpack_from('<H', eh, 56)[0]
f.seek(phoff); ph = f.read(56 * phnum)
segs = [struct.unpack_from('<IIQQQQQQ', ph, i * 56) for i in range(phnum)]
note = [s for s in segs if s[0] == 4][0]; f.seek(note[2]); text = f.read(note[5]).decode('latin1')
sym = int(re.search(r'SYMBOL\(clear_seq\)=([0-9a-f]+)', text).group(1), 16)
pb = int(re.search(r'NUMBER\(phys_base\)=(-?\d+)', text).group(1)) & (2**64 - 1)
pa = (sym - 0xffffffff80000000 + pb) & (2**64 - 1)
for s in segs:
    if s[0] == 1 and s[4] <= pa < s[4] + s[5]:
        f.seek(s[2] + pa - s[4]); f.write(struct.pack('<QQQ', 1, 0, 150))
PY
  "$up" --dump-dmesg --partial-dmesg "$d/kdump-vmcore.elf" "$d/ref-dmesg-partial.txt" > /dev/null
}
patch_clear_seq 6.1.0-56-amd64
patch_clear_seq 6.12.117+deb12-amd64

#!/usr/bin/env bash
# Runs every test suite and ends with the line "N passed, N failed".
#
# Real-data suites use ../shared when it is there: the vmcores of ../shared/vmcores are
# restored (once, cached in $DUMPKIT_DATA) and tcpdump's own test captures are read in place.
# Without ../shared those suites report themselves as skipped.
set -u
cd "$(dirname "$0")"
root=$(pwd)
shared=$(cd .. && pwd)/shared
data=${DUMPKIT_DATA:-${TMPDIR:-/tmp}/dumpkit-data}

mkdir -p "$data"
scripts/test-deps.sh

if [ -d "$shared/vmcores" ] && [ -z "${DUMPKIT_VMCORES:-}" ]; then
    mkdir -p "$data/vmcores"
    ok=1
    for sums in "$shared"/vmcores/*/SHA256SUMS; do
        k=$(basename "$(dirname "$sums")")
        (cd "$data/vmcores/$k" 2>/dev/null && sha256sum --quiet -c "$sums" >/dev/null 2>&1) || ok=0
    done
    if [ $ok = 0 ]; then
        echo "test.sh: restoring ../shared/vmcores into $data/vmcores (once; about a minute)"
        "$shared/vmcores/decompress.sh" "$data/vmcores" || echo "test.sh: decompress failed; real-dump tests will skip"
    fi
    export DUMPKIT_VMCORES="$data/vmcores"
fi
[ -n "${DUMPKIT_VMCORES:-}" ] && echo "test.sh: real vmcores in $DUMPKIT_VMCORES" \
    || echo "test.sh: no ../shared/vmcores: real-dump tests will be skipped"

# The dumps whose kernel log holds every task's stack (../shared/crash-dumps), for crash's tests.
if [ -d "$shared/crash-dumps" ] && [ -z "${DUMPKIT_CRASH_DUMPS:-}" ]; then
    ok=1
    for sums in "$shared"/crash-dumps/*/SHA256SUMS; do
        [ -f "$sums" ] || continue
        k=$(basename "$(dirname "$sums")")
        (cd "$data/crash-dumps/$k" 2>/dev/null && sha256sum --quiet -c "$sums" >/dev/null 2>&1) || ok=0
    done
    if [ $ok = 0 ]; then
        echo "test.sh: restoring ../shared/crash-dumps into $data/crash-dumps (once)"
        mkdir -p "$data/crash-dumps"
        "$shared/crash-dumps/decompress.sh" "$data/crash-dumps" || echo "test.sh: decompress failed; crash-dump tests will skip"
    fi
    export DUMPKIT_CRASH_DUMPS="$data/crash-dumps"
fi
[ -n "${DUMPKIT_CRASH_DUMPS:-}" ] && echo "test.sh: crash dumps in $DUMPKIT_CRASH_DUMPS" \
    || echo "test.sh: no ../shared/crash-dumps: the crash tests that need them will be skipped"

# The kernels of the kdump end-to-end test: Debian 12's stock 6.1 and its 6.12 (as ../shared/lab
# picks them; empty without apt).
e2e_kvers=$(for m in linux-image-amd64 linux-image-6.12-amd64; do
    apt-cache depends "$m" 2>/dev/null | awk '/Depends: linux-image-/{sub("linux-image-","",$2); print $2; exit}'
done | tr '\n' ' ')

# Debug vmlinux of the corpus and end-to-end kernels (apt-get download, ~1 GB each, only vmlinux kept; under a
# minute here), for the drgn and crash checks of our dumps. In the background while the next
# steps run. DUMPKIT_DEBUG_VMLINUX=0 skips it.
if [ -z "${DUMPKIT_VMLINUX_DIR:-}" ] && [ "${DUMPKIT_DEBUG_VMLINUX:-1}" != 0 ] && [ "$(id -u)" = 0 ] \
   && command -v apt-get >/dev/null; then
    echo "test.sh: fetching the kernels' debug vmlinux into $data/vmlinux (background)"
    KVERS="$(ls "$shared/vmcores" 2>/dev/null | grep -E '^[0-9]' | tr '\n' ' ')$e2e_kvers" \
        tests/tools/fetch-debug-vmlinux.sh "$data/vmlinux" > "$data/vmlinux.log" 2>&1 &
    vmlinux_pid=$!
fi

# QEMU dump-guest-memory dumps of a real kernel (../shared/lab, root and QEMU needed; about a
# minute). DUMPKIT_LAB=0 skips them.
if [ -z "${DUMPKIT_QEMU_DUMPS:-}" ] && [ "${DUMPKIT_LAB:-1}" != 0 ] && [ -d "$shared/lab" ] \
   && [ "$(id -u)" = 0 ] && command -v qemu-system-x86_64 >/dev/null; then
    echo "test.sh: making QEMU dumps with ../shared/lab (cached in $data/lab)"
    if tests/lab/qemu-dumps.sh "$data/lab"; then
        export DUMPKIT_QEMU_DUMPS="$data/lab/qemu"
    else
        echo "test.sh: the lab could not make QEMU dumps (logs in $data/lab); QEMU dump tests will skip"
    fi
fi

# Real kdumps of other panics (tests/lab/panic-dumps.sh, under a minute each here): a guest whose PID 1 holds open TCP, UDP
# and unix sockets (crash's net tests against crash 8.0.2 and drgn) and an NMI panic (bt across the NMI stack, --triage), on
# the kernels of ../shared/crash-dumps, whose debug vmlinux the step above fetches. In the background while the binary is
# published; cached in $data/lab/panic. DUMPKIT_PANIC=0 skips them.
if [ -z "${DUMPKIT_PANIC_DUMPS:-}" ] && [ "${DUMPKIT_PANIC:-1}" != 0 ] && [ -d "$shared/lab" ] && [ -d "$shared/crash-dumps" ] \
   && [ "$(id -u)" = 0 ] && command -v qemu-system-x86_64 gcc >/dev/null; then
    panic_kvs=$(ls "$shared/crash-dumps" | grep -E '^[0-9]+\.[0-9]+\.' | tr '\n' ' ')
    if [ -n "$panic_kvs" ]; then
        echo "test.sh: making the sockets and NMI panic dumps of $panic_kvs(background; cached in $data/lab/panic)"
        (for kv in $panic_kvs; do
            SHARED_LAB="$shared/lab" tests/lab/panic-dumps.sh "$data/lab" "$kv" sockets nmi || echo "panic-dumps: $kv failed"
        done) > "$data/panic-dumps.log" 2>&1 &
        panic_pid=$!
    fi
fi

# The NativeAOT binary, for the tests that run it (ldd, multicall links, exit codes).
if [ -z "${DUMPKIT_BINARY:-}" ]; then
    if dotnet publish src/Dumpkit -c Release -r linux-x64 -o "$data/bin" >"$data/publish.log" 2>&1; then
        export DUMPKIT_BINARY="$data/bin/dumpkit"
        echo "test.sh: NativeAOT binary published to $DUMPKIT_BINARY"
    else
        echo "test.sh: dotnet publish failed (see $data/publish.log); binary tests will skip"
        tail -5 "$data/publish.log"
        publish_failed=1
    fi
fi

if [ -n "${panic_pid:-}" ]; then
    wait "$panic_pid"
    made=$(ls "$data"/lab/panic/*/*/vmcore.elf 2>/dev/null | wc -l)
    if [ "$made" -gt 0 ]; then
        export DUMPKIT_PANIC_DUMPS="$data/lab/panic"
        echo "test.sh: $made panic dumps in $DUMPKIT_PANIC_DUMPS"
    else
        echo "test.sh: no panic dump could be made (see $data/panic-dumps.log): their crash tests will skip"
    fi
    grep -E 'failed|done in' "$data/panic-dumps.log" | tail -6
fi

if [ -n "${vmlinux_pid:-}" ]; then
    if wait "$vmlinux_pid"; then
        export DUMPKIT_VMLINUX_DIR="$data/vmlinux"
        echo "test.sh: debug vmlinux in $DUMPKIT_VMLINUX_DIR"
    else
        echo "test.sh: could not fetch the debug vmlinux (see $data/vmlinux.log); drgn/crash checks will skip"
        tail -3 "$data/vmlinux.log"
    fi
fi

log=$(mktemp)
dotnet test Dumpkit.slnx -c Release 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# End to end in QEMU: our kexec loads the capture kernel, the kernel crashes, our makedumpfile
# (and, second run, our kdump savecore, at two crashkernel= sizes) saves the dump; the host checks it (tests/e2e, with drgn
# when the debug vmlinux is there). Debian's stock 6.1 kernel and bookworm's 6.12; one retry, since a software-emulated boot on a
# loaded machine now and then dies before /init. DUMPKIT_E2E=0 skips it.
e2e_passed=0 e2e_failed=0
if [ "${DUMPKIT_E2E:-1}" != 0 ] && [ -n "${DUMPKIT_QEMU_DUMPS:-}" ] && [ -n "${DUMPKIT_BINARY:-}" ]; then
    for kv in $e2e_kvers; do
    # savecore runs as a search: at 112M, then at 100M; it passes when 112M passes and reports
    # the smallest size that worked (6.1 needs 112M, 6.12 fits in 100M; tests/e2e/RESULTS.md).
    # initrd: the capture kernel boots "dumpkit kdump initrd"'s image and saves to a disk by UUID (2-3 min per kernel).
    # nfs: the same image with NFS=: DHCP on the guest's virtio-net card, the export of nfs-ganesha (NFSv4, run with QEMU in a
    # network namespace of its own); skipped (exit 2) when ganesha.nfsd is missing or does not start (2-3 min per kernel).
    # s3: the same image with KDUMP_S3= (the credentials inside, mode 0600): savecore uploads the dump to radosgw (a one-node
    # memstore Ceph cluster, tests/s3/radosgw.sh, with QEMU in a network namespace of its own), the host fetches and checks it;
    # skipped (exit 2) when ceph-mon, ceph-osd or radosgw is missing or the cluster does not start (3.5 to 12 min per kernel
    # here, 2 cores shared with other QEMU runs and builds).
    # ssh: the same image with SSH= (OpenSSH's client, the key mode 0600 and the known hosts inside): savecore streams the dump
    # to a throwaway sshd (own host key and authorized_keys, with QEMU in a network namespace of its own) where our makedumpfile
    # -R rebuilds it; skipped (exit 2) when sshd or ssh-keygen is missing or sshd does not start (2-3 min per kernel).
    for mode in makedumpfile search initrd nfs s3 ssh; do
        result=fail
        elog="$data/e2e-$mode-$kv.log"
        for try in 1 2; do
            echo "test.sh: e2e $mode on $kv (try $try)"
            # nfs: the first kernel against a server refusing NFSv4.2 (savecore's fall-back to 4.1), the other over 4.2
            minors="0, 1, 2"; [ "$kv" = "${e2e_kvers%% *}" ] && minors="0, 1"
            NFS_MINOR_VERSIONS=$minors CRASHKERNEL_SIZES="112M 100M" TARGET_BY=UUID DUMPKIT_BIN=$DUMPKIT_BINARY \
                KERNELS_FROM="$data/lab" LAB="$data/e2e" tests/e2e/kdump-e2e.sh "$mode" "$kv" > "$elog" 2>&1
            e=$?
            if [ "$mode" = search ]; then
                grep -E 'e2e: .*passed|smallest crashkernel' "$elog" | tail -6
            else
                grep -E '^(PASS|FAIL|SKIP) |e2e: .*passed' "$elog" | tail -20
            fi
            if [ $e = 0 ]; then result=pass; break; fi
            if [ $e = 2 ]; then result=skip; echo "test.sh: e2e $mode on $kv could not be set up (see $elog): skipped"; break; fi
        done
        case $result in pass) e2e_passed=$((e2e_passed + 1)) ;; fail) e2e_failed=$((e2e_failed + 1)) ;; esac
    done
    done
    # makedumpfile --mem-usage /proc/kcore in a running guest: Debian's makedumpfile, ours, Debian's again (under a minute)
    echo "test.sh: --mem-usage /proc/kcore in QEMU against Debian's makedumpfile"
    DUMPKIT_LAB_DATA="$data/lab" tests/e2e/kcore-mem-usage.sh $e2e_kvers > "$data/kcore-mem-usage.log" 2>&1
    e=$?
    grep -E '^(PASS|FAIL|SKIP) ' "$data/kcore-mem-usage.log"
    if [ $e != 0 ]; then e2e_failed=$((e2e_failed + 1))
    elif grep -q '^PASS ' "$data/kcore-mem-usage.log" && ! grep -q '^SKIP ' "$data/kcore-mem-usage.log"; then e2e_passed=$((e2e_passed + 1))
    else echo "test.sh: kcore --mem-usage skipped (see $data/kcore-mem-usage.log)"
    fi
else
    echo "test.sh: e2e kdump in QEMU skipped (needs root, QEMU, ../shared/lab and the published binary)"
fi

# The Debian package (packaging/build-deb.sh from the published binary), checked by lintian and
# installed, upgraded, removed and purged in a throwaway root (an overlay over / in a private mount
# namespace; tests/package/package-test.sh). Root only. DUMPKIT_PACKAGE_TEST=0 skips it.
pkg_passed=0 pkg_failed=0
if [ "${DUMPKIT_PACKAGE_TEST:-1}" != 0 ] && [ -n "${DUMPKIT_BINARY:-}" ] && [ "$(id -u)" = 0 ]; then
    echo "test.sh: the Debian package in a throwaway root"
    tests/package/package-test.sh > "$data/package-test.log" 2>&1
    e=$?
    grep -E '^(FAIL|SKIP) |^package: ' "$data/package-test.log"
    case $e in
        0) pkg_passed=1 ;;
        2) echo "test.sh: package test skipped (see $data/package-test.log)" ;;
        *) pkg_failed=1 ;;
    esac
    # The README's "Make Dumpkit this machine's kdump service" commands in a throwaway root.
    echo "test.sh: kdump estimate/install/status/uninstall from the package in a throwaway root"
    # this machine's own kernel may have no /lib/modules: the first e2e kernel's module tree stands in for it
    kv1=${e2e_kvers%% *}
    DUMPKIT_KMODDIR="$data/lab/kernels/$kv1/lib/modules/$kv1" tests/package/kdump-setup-test.sh > "$data/kdump-setup-test.log" 2>&1
    e=$?
    grep -E '^(FAIL|SKIP) |^kdump-setup: ' "$data/kdump-setup-test.log"
    case $e in
        0) pkg_passed=$((pkg_passed + 1)) ;;
        2) echo "test.sh: kdump set-up test skipped (see $data/kdump-setup-test.log)" ;;
        *) pkg_failed=$((pkg_failed + 1)) ;;
    esac
else
    echo "test.sh: package test skipped (needs root and the published binary)"
fi

# KDUMP_S3 against a real S3 server: Ceph's radosgw on a one-node memstore cluster (tests/s3/s3-test.sh, about a
# minute). Skips without the ceph packages (scripts/test-deps.sh installs them as root) or the corpus vmcores.
# DUMPKIT_S3_TEST=0 skips it.
s3_passed=0 s3_failed=0
if [ "${DUMPKIT_S3_TEST:-1}" != 0 ]; then
    echo "test.sh: the S3 target against radosgw"
    DUMPKIT_S3_NO_BUILD=1 tests/s3/s3-test.sh "$data/s3" > "$data/s3-test.log" 2>&1
    e=$?
    grep -E '^(PASS|FAIL|SKIP) |^s3: ' "$data/s3-test.log"
    case $e in
        0) s3_passed=1 ;;
        2) echo "test.sh: S3 test skipped (see $data/s3-test.log)" ;;
        *) s3_failed=1 ;;
    esac
fi

# dotnet test prints one summary line per test assembly:
#   Passed!  - Failed:     0, Passed:    46, Skipped:     2, Total:    48, Duration: ...
read -r passed failed skipped < <(sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\),.*/\2 \1 \3/p' "$log" \
    | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
assemblies=$(grep -c 'Failed: *[0-9]*, Passed:' "$log")
# The failing tests' names again at the end, where a truncated CI record still shows them.
failed_tests=$(grep -E '^ +Failed [A-Za-z]' "$log" | sed 's/ \[[^]]*\]$//' | sort -u | head -20)
rm -f "$log"
passed=$((passed + e2e_passed + pkg_passed + s3_passed)); failed=$((failed + e2e_failed + pkg_failed + s3_failed))
if [ -n "${publish_failed:-}" ]; then
    echo "test.sh: counting the failed NativeAOT publish as a failure"
    failed=$((failed + 1))
fi
if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
    echo "test.sh: dotnet test exited with $rc without a failing test (a build or runner error)"
    failed=1
fi
[ -n "$failed_tests" ] && printf 'test.sh: failed tests:\n%s\n' "$failed_tests"
echo "($assemblies test assemblies, $skipped skipped; e2e in QEMU: $e2e_passed passed, $e2e_failed failed;" \
    "package: $pkg_passed passed, $pkg_failed failed; S3/radosgw: $s3_passed passed, $s3_failed failed)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$rc" = 0 ]

#!/bin/bash
# The KDUMP_S3 target against a real S3 server: Ceph's radosgw of Debian 12 on a one-node cluster
# (tests/s3/radosgw.sh, memstore: nothing but logs on disk), then
#   - the xunit tests RadosgwTests (savecore upload of the real 6.1 vmcore, fetch, Debian's makedumpfile -R and
#     --dump-dmesg as the oracle, a connection cut mid-upload, status and fetch saying INCOMPLETE, resume);
#   - with DUMPKIT_BINARY: the NativeAOT binary's kdump test / savecore / fetch against the same server, with
#     LD_DEBUG showing that no libssl or libcrypto is loaded.
# Usage: tests/s3/s3-test.sh [DIR]   (DIR: the cluster's state, default $DUMPKIT_DATA/s3 or /tmp/dumpkit-data/s3)
# Exit 0 passed, 1 failed, 2 skipped (no radosgw/ceph packages, no corpus vmcore, no dotnet).
set -u
cd "$(dirname "$0")/../.."
dir=${1:-${DUMPKIT_DATA:-/tmp/dumpkit-data}/s3}
port=${DUMPKIT_S3_PORT:-17480}
vmcores=${DUMPKIT_VMCORES:-}
vmcore=$vmcores/6.1.0-56-amd64/vmcore.elf
if [ -z "$vmcores" ] || [ ! -f "$vmcore" ]; then echo "SKIP s3: no corpus vmcore (DUMPKIT_VMCORES)"; exit 2; fi
if ! command -v radosgw >/dev/null || ! command -v ceph-osd >/dev/null || ! command -v ceph-mon >/dev/null; then
    echo "SKIP s3: radosgw, ceph-mon and ceph-osd are not installed (scripts/test-deps.sh installs them as root)"
    exit 2
fi
command -v dotnet >/dev/null || { echo "SKIP s3: no dotnet"; exit 2; }
mkdir -p "$(dirname "$dir")"
# One more try on the next port, after a pause, when the cluster does not start. The OSD's "mon_cmd_maybe_osd_create
# fail: 'wrong fsid'" that once made CI skip this test was a race in Ceph 16.2's OSD start, not left-over state; radosgw.sh
# now avoids it (see there), and the retry stays for anything else.
for try in 1 2; do
    out=$(tests/s3/radosgw.sh start "$dir" "$port" 2>"$dir.err")
    e=$?
    [ $e = 0 ] && break
    tests/s3/radosgw.sh stop "$dir" >/dev/null 2>&1
    if [ $try = 2 ]; then
        echo "SKIP s3: the one-node Ceph cluster did not start (exit $e), twice:"; tail -5 "$dir.err"
        exit 2
    fi
    echo "s3: the one-node Ceph cluster did not start (exit $e; $(grep -m1 -o "fail: .*" "$dir.err")): once more on port $((port + 1))"
    sleep 5; port=$((port + 1))
done
trap 'tests/s3/radosgw.sh stop "$dir"' EXIT
eval "$out"
export DUMPKIT_S3_ENDPOINT=$S3_ENDPOINT DUMPKIT_S3_ACCESS_KEY=$S3_ACCESS_KEY DUMPKIT_S3_SECRET_KEY=$S3_SECRET_KEY DUMPKIT_VMCORES=$vmcores
echo "s3: radosgw at $S3_ENDPOINT ($(radosgw --version | head -1))"
failed=0
nobuild=${DUMPKIT_S3_NO_BUILD:+--no-build}
if dotnet test tests/Dumpkit.Kdump.Tests -c Release $nobuild --filter 'FullyQualifiedName~Kdump.Tests.S3.RadosgwTests' \
    --logger 'console;verbosity=normal' > "$dir/xunit.log" 2>&1 && grep -q 'Passed: *2' "$dir/xunit.log"; then
    echo "PASS s3: RadosgwTests (upload, fetch = makedumpfile -R, cut mid-upload, INCOMPLETE, resume)"
else
    echo "FAIL s3: RadosgwTests (see $dir/xunit.log)"; grep -E 'Failed |Skipped |Assert|Passed!|Failed!' "$dir/xunit.log" | head -20
    failed=1
fi

if [ -n "${DUMPKIT_BINARY:-}" ] && [ -x "$DUMPKIT_BINARY" ]; then
    w="$dir/binary"
    rm -rf "$w"; mkdir -p "$w"
    printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$S3_ACCESS_KEY" "$S3_SECRET_KEY" > "$w/creds"
    chmod 600 "$w/creds"
    bucket=dumpkit-binary-$$
    printf 'KDUMP_S3=%s/%s/bin\nKDUMP_S3_CREDENTIALS=%s\nKDUMP_VMCORE=%s\nMAKEDUMP_ARGS="-c -d 31"\n' \
        "$S3_ENDPOINT" "$bucket" "$w/creds" "$vmcore" > "$w/dumpkit.conf"
    # "kdump test" on a missing bucket must say so; then curl's own SigV4 (--aws-sigv4) makes the bucket
    "$DUMPKIT_BINARY" kdump --config "$w/dumpkit.conf" test > "$w/test-nobucket.out" 2>&1
    if grep -q "KDUMP_S3: $S3_ENDPOINT/$bucket/bin: the bucket answers 404" "$w/test-nobucket.out"; then
        echo "PASS s3: binary kdump test names a missing bucket"
    else
        echo "FAIL s3: binary kdump test on a missing bucket:"; grep -i s3 "$w/test-nobucket.out" | head -5; failed=1
    fi
    curl -sf -X PUT -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
        --aws-sigv4 aws:amz:us-east-1:s3 --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" "$S3_ENDPOINT/$bucket" \
        || echo "s3: curl could not create the bucket $bucket"
    LD_DEBUG=libs "$DUMPKIT_BINARY" kdump --config "$w/dumpkit.conf" test > "$w/test.out" 2> "$w/test.ld"
    if grep -q 'the bucket answers and is writable' "$w/test.out"; then
        echo "PASS s3: binary kdump test: bucket reachable and writable"
    else
        echo "FAIL s3: binary kdump test:"; grep -iE 's3|target' "$w/test.out" "$w/test.ld" | head -5; failed=1
    fi
    if LD_DEBUG=libs "$DUMPKIT_BINARY" kdump --config "$w/dumpkit.conf" savecore > "$w/savecore.out" 2> "$w/savecore.ld" &&
       "$DUMPKIT_BINARY" kdump --config "$w/dumpkit.conf" fetch "$(grep -o 'bin/[0-9-]*/' "$w/savecore.out" | head -1)" "$w/fetched" \
           > "$w/fetch.out" 2>&1 && makedumpfile --dump-dmesg "$w/fetched"/dump.* "$w/dmesg.check" >/dev/null 2>&1; then
        echo "PASS s3: binary savecore + fetch ($(grep -o '[0-9]* bytes in [0-9]* part(s)' "$w/savecore.out")); Debian's makedumpfile reads the fetched dump"
    else
        echo "FAIL s3: binary savecore/fetch:"; tail -5 "$w/savecore.out" "$w/savecore.ld" "$w/fetch.out" 2>/dev/null; failed=1
    fi
    if grep -qE 'libssl|libcrypto|libgssapi' "$w/savecore.ld" "$w/test.ld"; then
        echo "FAIL s3: the binary loaded OpenSSL/GSSAPI:"; grep -E 'libssl|libcrypto|libgssapi' "$w/savecore.ld" | head -3; failed=1
    else
        echo "PASS s3: the binary's S3 run loads $(grep -o 'calling init: [^ ]*' "$w/savecore.ld" | sed 's/calling init: //' | sort -u | xargs -n1 basename | tr '\n' ' ')(no libssl)"
    fi
else
    echo "SKIP s3: binary checks (DUMPKIT_BINARY not set)"
fi
exit $failed

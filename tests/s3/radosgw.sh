#!/bin/bash
# A one-node Ceph cluster with an S3 gateway, from Debian 12's packages (ceph-mon, ceph-osd, radosgw),
# for the S3 target tests: one monitor, one OSD on memstore (objects in RAM, nothing on disk but logs),
# radosgw (beast) on 127.0.0.1, one S3 user. No manager daemon: I/O does not need one.
#   tests/s3/radosgw.sh start DIR [PORT]   prints the endpoint, access key and secret as shell assignments
#   tests/s3/radosgw.sh stop DIR           stops the daemons this script started there (by their pid files)
# Needs root only for nothing in particular; the daemons run as the caller.
set -eu
cmd=${1:?usage: radosgw.sh start|stop DIR [PORT]}
dir=${2:?usage: radosgw.sh start|stop DIR [PORT]}
port=${3:-7480}
monport=$((port + 10000))

stop() {
    for p in "$dir"/run/*.pid; do
        [ -f "$p" ] || continue
        pid=$(cat "$p")
        kill "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$p"
    done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "radosgw.sh: unknown command $cmd" >&2; exit 2; }
for t in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool ceph-authtool; do
    command -v "$t" >/dev/null 2>&1 || { echo "radosgw.sh: $t not installed (apt-get install ceph-mon ceph-osd radosgw)" >&2; exit 77; }
done
[ -d "$dir/run" ] && stop
rm -rf "$dir"
mkdir -p "$dir/run" "$dir/log" "$dir/mon" "$dir/osd" "$dir/rgw"
fsid=$(cat /proc/sys/kernel/random/uuid)
conf="$dir/ceph.conf"
cat > "$conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$monport
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $dir/keyring
run dir = $dir/run
pid file = $dir/run/\$name.pid
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 1073741824
osd max object size = 134217728
[mon.a]
mon data = $dir/mon
[osd]
# no mon commands from the OSD's init (see the crush add below)
osd crush update on start = false
osd class update on start = false
[osd.0]
osd data = $dir/osd
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $dir/rgw
rgw dns name = localhost
CONF
ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$monport]" "$dir/monmap" >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
ceph-mon -c "$conf" -i a
osd=$(ceph -c "$conf" --connect-timeout 30 osd create)
# The OSD is put into the CRUSH map here, not by itself: Ceph 16.2's OSD sends its first mon command (osd crush
# set-device-class, then create-or-move) as soon as it has authenticated, and with auth none that can be before the
# mon's monmap reached it; its MonClient's initial monmap (rebuilt from the mon addresses only) has a zero fsid, and the
# mon refuses the command: "mon_cmd_maybe_osd_create fail: 'wrong fsid'", the OSD exits (osd.0.log at debug monc 20:
# the command left with fsid 00000000-..., the monmap arrived in the same millisecond). About 1 start in 4 failed so,
# in a fresh directory as in a reused one; none in 10 + the s3 test with the placement done here.
ceph -c "$conf" --connect-timeout 30 osd crush add "osd.$osd" 1.0 root=default >/dev/null
ceph-osd -c "$conf" -i "$osd" --mkfs --osd-uuid "$(cat /proc/sys/kernel/random/uuid)" >/dev/null 2>&1
ceph-osd -c "$conf" -i "$osd"
i=0
until ceph -c "$conf" osd stat 2>/dev/null | grep -q '1 up'; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "radosgw.sh: the OSD did not come up (see $dir/log)" >&2; stop; exit 1; }
    sleep 1
done
access=DUMPKITTESTACCESS0001
secret=$(head -c 30 /dev/urandom | od -An -tx1 | tr -d ' \n')
radosgw-admin -c "$conf" user create --uid=dumpkit --display-name=dumpkit --access-key="$access" --secret-key="$secret" >/dev/null
radosgw -c "$conf" -n client.rgw
i=0
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "radosgw.sh: radosgw did not listen on port $port (see $dir/log)" >&2; stop; exit 1; }
    sleep 1
done
echo "S3_ENDPOINT=http://127.0.0.1:$port"
echo "S3_ACCESS_KEY=$access"
echo "S3_SECRET_KEY=$secret"

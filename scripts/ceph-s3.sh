#!/usr/bin/env bash
# A throwaway single-node Ceph RGW — a real S3 server that enforces signatures — for the tests.
# One monitor, one BlueStore OSD on a sparse file, one radosgw, all on 127.0.0.1.
#   scripts/ceph-s3.sh start DIR   first time creates the cluster and the S3 user; later restarts it
#   scripts/ceph-s3.sh stop DIR
# Env: S3_PORT (7480) S3_ACCESS_KEY S3_SECRET_KEY CEPH_MON_PORT (6789)
set -euo pipefail
cmd=${1:?start|stop}
D=$(realpath -m "${2:?data dir}")
PORT=${S3_PORT:-7480}
MONPORT=${CEPH_MON_PORT:-6789}
# An existing cluster keeps the ports it was created with.
if [ -f "$D/ceph.conf" ]; then
  PORT=$(sed -n 's/.*endpoint=127.0.0.1:\([0-9]*\).*/\1/p' "$D/ceph.conf")
  MONPORT=$(sed -n 's/^mon host = v1:127.0.0.1:\([0-9]*\)$/\1/p' "$D/ceph.conf")
fi
AK=${S3_ACCESS_KEY:-podiumtestaccess}
SK=${S3_SECRET_KEY:-podiumtestsecret123}
export CEPH_CONF=$D/ceph.conf

stop_all() {
  for n in rgw osd mon; do
    [ -f "$D/$n.pid" ] || continue
    p=$(cat "$D/$n.pid")
    if kill -0 "$p" 2>/dev/null; then
      kill "$p"
      for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$p" 2>/dev/null && kill -9 "$p"
    fi
    rm -f "$D/$n.pid"
  done
}
die() {
  echo "ceph-s3: $*" >&2
  for f in "$D"/log/*.out; do [ -f "$f" ] && { echo "== $f" >&2; tail -5 "$f" >&2; }; done
  stop_all
  exit 1
}
alive() { [ -f "$D/$1.pid" ] && kill -0 "$(cat "$D/$1.pid")" 2>/dev/null; }

case "$cmd" in
  stop) stop_all; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
command -v radosgw >/dev/null || die "radosgw is not installed (apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw)"
if alive rgw && curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then echo "S3 already running on $PORT"; exit 0; fi
stop_all

fresh=0
if [ ! -f "$D/ready" ]; then
  fresh=1
  rm -rf "$D"
  mkdir -p "$D"/{mon.a,osd.0,run,log}
  FSID=$(cat /proc/sys/kernel/random/uuid)
  cat > "$CEPH_CONF" <<CONF
[global]
fsid = $FSID
mon host = v1:127.0.0.1:$MONPORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
ms bind ipv6 = false
keyring = $D/keyring
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
auth allow insecure global id reclaim = false
[mon]
mon data = $D/mon.a
mon cluster log file = $D/log/cluster.log
[osd]
osd data = $D/osd.0
osd objectstore = bluestore
bluestore block path = $D/osd.0/block.file
bluestore block create = true
bluestore block size = 20G
osd memory target = 1073741824
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
CONF
  ceph-authtool "$D/keyring" --create-keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
  # --addv with an explicit v1 address: with --add, a port other than 6789 would be taken for msgr2.
  monmaptool --create --addv a "[v1:127.0.0.1:$MONPORT]" --fsid "$FSID" "$D/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring" >"$D/log/mkfs.out" 2>&1 || die "mon mkfs failed"
fi

ceph-mon -i a -f >>"$D/log/mon.out" 2>&1 &
echo $! >"$D/mon.pid"
timeout 60 ceph --connect-timeout 30 -s >/dev/null 2>&1 || die "monitor did not come up"

if [ $fresh = 1 ]; then
  OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
  ceph osd new "$OSD_UUID" >/dev/null
  ceph-osd -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$D/log/mkfs.out" 2>&1 || die "osd mkfs failed"
fi
ceph-osd -i 0 -f >>"$D/log/osd.out" 2>&1 &
echo $! >"$D/osd.pid"
for i in $(seq 1 240); do
  ceph osd stat -f json 2>/dev/null | grep -q '"num_up_osds":1' && break
  alive osd || die "osd died"
  [ "$i" = 240 ] && die "osd not up after 120 s"
  sleep 0.5
done

radosgw -n client.rgw.a -f >>"$D/log/rgw.out" 2>&1 &
echo $! >"$D/rgw.pid"
for i in $(seq 1 240); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  alive rgw || die "radosgw died"
  [ "$i" = 240 ] && die "radosgw not up after 120 s"
  sleep 0.5
done
if [ $fresh = 1 ]; then
  timeout 60 radosgw-admin user create --uid=podium --display-name=podium --access-key="$AK" --secret-key="$SK" >/dev/null || die "S3 user create failed"
  touch "$D/ready"
fi
echo "S3 ready on http://127.0.0.1:$PORT"

#!/usr/bin/env bash
# Starts the services the tests talk to — PostgreSQL and Ceph RGW (S3) — installing them from Debian's packages
# when absent, and writes their settings to .ci-services/env. `down` stops only what `up` started.
#   scripts/test-services.sh up | down
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=$PWD/.ci-services
mkdir -p "$STATE"
ENV_FILE=$STATE/env
STARTED=$STATE/started
S3_PORT=${PODIUM_TEST_S3_PORT:-7480}
S3_ACCESS_KEY=podiumtestaccess
S3_SECRET_KEY=podiumtestsecret123

log() { echo "test-services: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  log "installing $* from Debian's packages"
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

postgres_up() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    echo "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres" >>"$ENV_FILE"
    log "PostgreSQL: using the server on 127.0.0.1:5432"
    return
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    apt_install postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  local dir=$STATE/pg port=55432
  while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
  if [ ! -f "$dir/PG_VERSION" ]; then
    rm -rf "$dir"; mkdir -p "$dir"; chown postgres "$dir" 2>/dev/null || true
    run_pg "$bin/initdb" -D "$dir" --auth=trust -U postgres >/dev/null
  fi
  run_pg "$bin/pg_ctl" -D "$dir" -l "$STATE/pg.log" -o "-p $port -c listen_addresses=127.0.0.1 -k /tmp" -w start >/dev/null
  echo "pg $bin $dir" >>"$STARTED"
  echo "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres" >>"$ENV_FILE"
  log "PostgreSQL: started a private cluster on 127.0.0.1:$port"
}
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; else "$@"; fi; }

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port_from() { local port=$1; while ! port_free "$port"; do port=$((port + 1)); done; echo "$port"; }

s3_up() {
  command -v radosgw >/dev/null || apt_install ceph-mon ceph-osd radosgw
  local before=no mon_port
  [ -f "$STATE/ceph/rgw.pid" ] && kill -0 "$(cat "$STATE/ceph/rgw.pid")" 2>/dev/null && before=yes
  if [ -f "$STATE/ceph/ceph.conf" ]; then
    S3_PORT=$(sed -n 's/.*endpoint=127.0.0.1:\([0-9]*\).*/\1/p' "$STATE/ceph/ceph.conf")
  else
    # A new cluster takes free ports, so another Ceph or S3 on this machine cannot collide with it.
    S3_PORT=$(free_port_from "$S3_PORT")
    mon_port=$(free_port_from 6789)
  fi
  S3_PORT=$S3_PORT CEPH_MON_PORT=${mon_port:-6789} S3_ACCESS_KEY=$S3_ACCESS_KEY S3_SECRET_KEY=$S3_SECRET_KEY scripts/ceph-s3.sh start "$STATE/ceph" >&2
  [ $before = no ] && echo "ceph" >>"$STARTED"
  {
    echo "TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT"
    echo "TEST_S3_ACCESS_KEY=$S3_ACCESS_KEY"
    echo "TEST_S3_SECRET_KEY=$S3_SECRET_KEY"
  } >>"$ENV_FILE"
}

down() {
  [ -f "$STARTED" ] || return 0
  while read -r kind a b; do
    case $kind in
      pg) run_pg "$a/pg_ctl" -D "$b" -m fast -w stop >/dev/null || true ;;
      ceph) scripts/ceph-s3.sh stop "$STATE/ceph" || true ;;
    esac
  done <"$STARTED"
  rm -f "$STARTED"
}

case ${1:-} in
  up) : >"$ENV_FILE"; postgres_up; s3_up; log "settings in $ENV_FILE" ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac

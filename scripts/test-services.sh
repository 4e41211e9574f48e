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

# Always a private cluster (not a server already on 5432): the tests need it with TLS under a CA they trust.
postgres_up() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    apt_install postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  # As root the server runs as `postgres`, which may not enter the checkout (a fresh clone under `mktemp -d` is
  # 0700): its folder then lives under /tmp, one per checkout.
  local dir=$STATE/pg port=55432
  [ "$(id -u)" = 0 ] && dir=/tmp/podium-test-pg-$(printf '%s' "$STATE" | md5sum | cut -c1-12)
  while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
  if [ ! -f "$dir/PG_VERSION" ]; then
    rm -rf "$dir"; mkdir -p "$dir"; chown postgres "$dir" 2>/dev/null || true
    run_pg "$bin/initdb" -D "$dir" --auth=trust -U postgres >/dev/null
  fi
  # TLS with a private authority, so the tests can connect as AWS does (sslmode=verify-full) as well as in clear.
  database_certificates "$dir"
  touch "$dir.log"; chown "$(stat -c %U "$dir")" "$dir.log" 2>/dev/null || true
  run_pg "$bin/pg_ctl" -D "$dir" -l "$dir.log" -o "-p $port -c listen_addresses=127.0.0.1 -k /tmp -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" -w start >/dev/null
  echo "pg $bin $dir" >>"$STARTED"
  echo "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres" >>"$ENV_FILE"
  echo "TEST_DATABASE_CA_FILE=$STATE/pg-ca.crt" >>"$ENV_FILE"
  log "PostgreSQL: started a private cluster on 127.0.0.1:$port"
}
# A certificate authority and a server certificate for localhost and 127.0.0.1, made once per cluster folder.
database_certificates() {
  local dir=$1
  [ -f "$dir/server.crt" ] && [ -f "$STATE/pg-ca.crt" ] && return
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Podium test database CA" -keyout "$STATE/pg-ca.key" -out "$STATE/pg-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$STATE/pg-server.key" -out "$STATE/pg-server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$STATE/pg-server.ext"
  openssl x509 -req -in "$STATE/pg-server.csr" -CA "$STATE/pg-ca.crt" -CAkey "$STATE/pg-ca.key" -CAcreateserial -days 3650 -extfile "$STATE/pg-server.ext" -out "$STATE/pg-server.crt" 2>/dev/null
  as_root install -m 600 -o "$(stat -c %U "$dir")" "$STATE/pg-server.key" "$dir/server.key"
  as_root install -m 644 -o "$(stat -c %U "$dir")" "$STATE/pg-server.crt" "$dir/server.crt"
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

# The bundle's starter notebook (tests/clients/starter-notebook.test.ts) runs its colour baseline with numpy and
# Pillow: Debian's python3-numpy and python3-pil, installed once when no python3 has them.
python_packages() {
  local python
  for python in python3 /usr/bin/python3; do
    "$python" -c "import numpy, PIL" 2>/dev/null && return 0
  done
  apt_install python3-numpy python3-pil
  /usr/bin/python3 -c "import numpy, PIL" || { log "python3-numpy and python3-pil were installed, but /usr/bin/python3 cannot import numpy and PIL"; exit 1; }
  log "python3: numpy and Pillow installed"
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
  up) : >"$ENV_FILE"; postgres_up; s3_up; python_packages; log "settings in $ENV_FILE" ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac

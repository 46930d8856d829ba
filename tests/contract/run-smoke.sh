#!/usr/bin/env bash
# Run the shared contract smoke test (tests/contract/smoke.py, a copy of shared/contract/smoke.py)
# against the real binary on a fresh database: SQLite, and PostgreSQL when a server URL is given.
#   tests/contract/run-smoke.sh BINARY [POSTGRES_SERVER_URL]
set -euo pipefail
bin=$(realpath "$1")
pg=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
python3 -c 'import requests' 2>/dev/null || python3 -m pip install -q requests

run() { # $1 = label, $2 = database url
  local dir; dir=$(mktemp -d)
  local url=${2:-sqlite:$dir/smoke.db}
  echo 'Smoke-Admin-Pass-1' | "$bin" create-user --database-url "$url" --data-dir "$dir" \
    --username smoke_admin --role admin --password-stdin >/dev/null
  "$bin" serve --bind 127.0.0.1:0 --database-url "$url" --data-dir "$dir" >"$dir/out" 2>"$dir/err" &
  local pid=$!
  local base=""
  for _ in $(seq 1 100); do
    base=$(sed -n 's/^dtpilot listening on //p' "$dir/out" | head -n 1)
    [ -n "$base" ] && break
    sleep 0.1
  done
  if [ -z "$base" ]; then kill "$pid" 2>/dev/null; cat "$dir/err" >&2; echo "smoke ($1): server did not start" >&2; return 1; fi
  local rc=0
  python3 "$here/smoke.py" "$base" smoke_admin Smoke-Admin-Pass-1 || rc=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "smoke ($1): exit $rc"
  return $rc
}

run sqlite ""
if [ -n "$pg" ]; then
  db="dtpilot_smoke_$$"
  psql "$pg/postgres" -qc "CREATE DATABASE $db" >/dev/null
  trap 'psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
  run postgres "$pg/$db"
fi

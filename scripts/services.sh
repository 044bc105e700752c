#!/usr/bin/env bash
# Start the local PostgreSQL and Redis when they are installed but not running.
# Never stops anything. Exit status: 0 when both answer, 1 otherwise (callers decide what to do).
set -u
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }

start_pg() {
  pg_up && return 0
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_up && return 0; sleep 0.5; done
  fi
  echo "services: PostgreSQL is not reachable on 127.0.0.1:5432"
  return 1
}

start_redis() {
  redis_up && return 0
  if command -v redis-server >/dev/null 2>&1; then
    echo "services: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
    for _ in $(seq 1 30); do redis_up && return 0; sleep 0.2; done
  fi
  echo "services: Redis is not reachable on 127.0.0.1:6379"
  return 1
}

case "${1:-start}" in
  start) rc=0; start_pg || rc=1; start_redis || rc=1; exit $rc ;;
  *) echo "usage: $0 start" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Starts the PostgreSQL and MariaDB servers that platform-server's ExternalDatabaseIntegrationTest uses
# (127.0.0.1:5432 user postgres, 127.0.0.1:3306 user root, trust / empty password), when they are installed and not
# running, and waits until both accept connections. Safe to run repeatedly.
set -euo pipefail

if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
if [ -x /usr/sbin/mariadbd ] && ! mysqladmin -uroot -h127.0.0.1 ping >/dev/null 2>&1; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi

for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p 5432 && mysqladmin -uroot -h127.0.0.1 ping >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.5
done
echo "PostgreSQL or MariaDB did not come up on 127.0.0.1" >&2
exit 1

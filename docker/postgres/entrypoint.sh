#!/bin/sh
# Starts PostgreSQL on its Unix socket in $PGHOST only (no TCP). On the first start, with an empty
# volume, it creates the cluster with $POSTGRES_USER as superuser (password auth, scram-sha-256,
# also on the local socket) and the database $POSTGRES_DB.
set -eu
: "${POSTGRES_USER:?set POSTGRES_USER}" "${POSTGRES_DB:?set POSTGRES_DB}"
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (docker-compose.yml, .env)}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8
  rm -f "$pwfile"
  "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/tmp" -w start
  PGPASSWORD=$POSTGRES_PASSWORD "$bin/psql" -h /tmp -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE \"$POSTGRES_DB\""
  "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses= -c unix_socket_directories="$PGHOST"

#!/usr/bin/env bash
# Run by the postgres image on its first start (empty data volume): the four PulsePoint roles and the
# database, the same attributes as deploy/postgres.sh and the DBA statements in deploy/README.md, and
# large-object creation revoked from PUBLIC (only a superuser can).
# Passwords arrive as psql variables and are quoted by psql (:'name'), never spliced into SQL text.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -X -q --username "$POSTGRES_USER" --dbname postgres \
    -v owner_pw="$PULSEPOINT_OWNER_PASSWORD" -v app_pw="$PULSEPOINT_APP_PASSWORD" -v pipeline_pw="$PULSEPOINT_PIPELINE_PASSWORD" \
    -v orleans_pw="$PULSEPOINT_ORLEANS_PASSWORD" <<'SQL'
select format('create role pulsepoint_owner login nosuperuser nobypassrls createdb nocreaterole password %L', :'owner_pw') \gexec
select format('create role pulsepoint_app login nosuperuser nobypassrls nocreatedb nocreaterole noinherit password %L', :'app_pw') \gexec
select format('create role pulsepoint_pipeline login nosuperuser bypassrls nocreatedb nocreaterole noinherit password %L', :'pipeline_pw') \gexec
select format('create role pulsepoint_orleans login nosuperuser nobypassrls nocreatedb nocreaterole noinherit password %L', :'orleans_pw') \gexec
create database pulsepoint owner pulsepoint_owner;
SQL
psql -v ON_ERROR_STOP=1 -X -q --username "$POSTGRES_USER" --dbname pulsepoint <<'SQL'
revoke execute on function pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),
    pg_catalog.lo_from_bytea(oid, bytea), pg_catalog.lo_import(text), pg_catalog.lo_import(text, oid) from public;
SQL

#!/bin/sh
# Three relay instances on one PostgreSQL behind a shop-hashing proxy, on this machine, no docker.
#   sync-server/cluster/run-local.sh            # throwaway PostgreSQL in a temp dir (Debian's package)
#   DATABASE_URL=postgres://… sync-server/cluster/run-local.sh
# Env: PORT (proxy, default 8787), INSTANCES (3). Ctrl-C stops everything.
cd "$(dirname "$0")/../.." && exec npx tsx sync-server/src/testing/run-cluster.ts "$@"

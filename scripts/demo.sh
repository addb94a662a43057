#!/usr/bin/env bash
# The demo: a web app with a feed of posts and like buttons (optimistic, offline queue in localStorage), served on
# http://127.0.0.1:PORT/ over the in-memory store, so it needs nothing else. Prints the address; Ctrl-C stops it.
# With --full it runs on the whole pipeline instead: starts Redis, MariaDB and Kafka (scripts/services.sh) and wires
# Redis (outbox) -> Kafka -> MySQL. The servers keep running afterwards: scripts/services.sh stop stops them.
# With --docker it runs on the whole pipeline over the servers of `docker compose up -d --wait` (docker-compose.yml,
# same ports), starting nothing itself.
# Usage: scripts/demo.sh [--port N] [--full | --docker]        (default port 8080)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
args=()
for arg in "$@"; do
  case $arg in
    --full)
      bash scripts/services.sh start redis mariadb kafka >&2
      eval "$(bash scripts/services.sh env)"
      args+=(--full) ;;
    --docker)
      eval "$(bash scripts/services.sh env)"   # prints the endpoints only; docker-compose.yml uses the same ports
      args+=(--full) ;;
    *) args+=("$arg") ;;
  esac
done
log "building the examples module"
cp=$(runtime_classpath examples)
exec java -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.likes.examples.web.WebDemo ${args[@]+"${args[@]}"}

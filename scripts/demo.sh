#!/usr/bin/env bash
# The demo: a web app with a feed of posts and like buttons (optimistic, offline queue in localStorage), served on
# http://127.0.0.1:PORT/ over the in-memory store, so it needs nothing else. Prints the address; Ctrl-C stops it.
# With --full it runs on the whole pipeline instead: starts Redis, MariaDB and Kafka (scripts/services.sh) and wires
# Redis (outbox) -> Kafka -> MySQL. The servers keep running afterwards: scripts/services.sh stop stops them.
# Usage: scripts/demo.sh [--port N] [--full]        (default port 8080)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
for arg in "$@"; do
  if [ "$arg" = "--full" ]; then
    bash scripts/services.sh start redis mariadb kafka >&2
    eval "$(bash scripts/services.sh env)"
  fi
done
log "building the examples module"
cp=$(runtime_classpath examples)
exec java -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.likes.examples.web.WebDemo "$@"

#!/usr/bin/env bash
# The whole pipeline on real servers: starts Redis, MariaDB and Kafka (scripts/services.sh), then likes go through
# Redis (outbox) -> Kafka -> MySQL, and the demo shows the tiers agreeing, the reconciler and the meters.
# Usage: scripts/demo-pipeline.sh [LIKES]   (default 20000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
bash scripts/services.sh start redis mariadb kafka >&2
eval "$(bash scripts/services.sh env)"
cp=$(runtime_classpath examples)
exec java -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.likes.examples.pipeline.PipelineDemo "$@"

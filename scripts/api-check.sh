#!/usr/bin/env bash
# The API check: builds the published modules at the baseline commit named in .api-baseline (in a git worktree, jars
# only, nothing installed), then builds them here and compares each with japicmp (profile api-check in the root POM).
# Fails on a binary or source incompatible change of a public type or member. An intended break is followed by a
# commit that writes the breaking commit into .api-baseline; the break's commit message says why.
# Usage: scripts/api-check.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"

MODULES=(like-core like-testkit like-redis like-kafka like-jdbc like-pipeline like-spring-boot-autoconfigure)
baseline=$(grep -v '^#' .api-baseline | tr -d '[:space:]')
git cat-file -e "$baseline^{commit}" 2>/dev/null \
  || die "the baseline commit $baseline (.api-baseline) is not in this clone; a shallow clone needs: git fetch --unshallow"

work=$(mktemp -d)
trap 'git worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/tree" "$baseline" >/dev/null 2>&1 || die "git worktree add $baseline failed"
log "building the API baseline ${baseline:0:10}"
list=$(IFS=,; echo "${MODULES[*]}")
(cd "$work/tree" && "${MVN[@]}" -q -DskipTests -Dmaven.javadoc.skip=true -pl "$list" -am package) \
  || die "the baseline ${baseline:0:10} does not build"
mkdir -p "$work/jars"
for m in "${MODULES[@]}"; do
  cp "$(ls "$work/tree/$m/target/$m"-*.jar | grep -v -e sources -e javadoc | head -1)" "$work/jars/$m.jar"
done
log "comparing the public API with ${baseline:0:10}"
"${MVN[@]}" -q -P api-check -DskipTests -Dlike.api.baseline="$work/jars" -pl "$list" -am verify
log "API compatible with ${baseline:0:10}"

#!/usr/bin/env bash
# Builds the OCI image tarball without a Docker daemon and checks it:
#   ops/image/build.sh            -> target/agent-kanban-image.tar, configuration checked
#   ops/image/build.sh --run URL  -> also trains the image's start-up cache on the PostgreSQL at URL
#                                    and starts the image's entrypoint (chroot, as its user) on it,
#                                    waiting for its health check (needs root)
# Load it with `docker load`/`podman load -i` (the tar is an OCI layout) or push it with skopeo/crane.
#
# Two Jib builds (issue #19): the first lays the image out; ops/image/aot.py unpacks it, writes the
# entrypoint's class path of jar files and, given a database, makes the JDK's AOT cache with a
# training run of the image's own Java on those files; the second build adds both (docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=""
[ "${1:-}" = --run ] && DB=${2:-}
ops/image/prepare-base.sh
MVN=(./mvnw -B -ntp -q -Pimage -DskipTests)
# compiled with Spring's ahead-of-time code for serve (pom.xml's process-aot; dev.agentkanban.AheadOfTime)
"${MVN[@]}" compile spring-boot:process-aot@process-aot
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}jar
# the application as one jar file next to Jib's /app/classes (which the health check command uses)
"${JAVA}" --create --file target/jib-base/app/agent-kanban-app.jar -C target/classes .
"${MVN[@]}" jib:buildTar
AOT_OPTION=-Xshare:auto
if python3 ops/image/aot.py target/agent-kanban-image.tar target/jib-base/app $DB | tee target/image-aot.log \
  && grep -q '^trained' target/image-aot.log; then
  AOT_OPTION=-XX:AOTCache=/app/agent-kanban.aot
fi
"${MVN[@]}" -Dimage.aot.option="$AOT_OPTION" jib:buildTar
python3 ops/image/check.py target/agent-kanban-image.tar "$@"

#!/usr/bin/env bash
# Builds the OCI image tarball without a Docker daemon and checks it:
#   ops/image/build.sh            -> target/agent-kanban-image.tar, configuration checked
#   ops/image/build.sh --run URL  -> also starts the image's entrypoint (chroot, as its user) on the
#                                    PostgreSQL at URL and waits for its health check (needs root)
# Load it with `docker load`/`podman load -i` (the tar is an OCI layout) or push it with skopeo/crane.
set -euo pipefail
cd "$(dirname "$0")/../.."
ops/image/prepare-base.sh
./mvnw -B -ntp -q -Pimage -DskipTests compile jib:buildTar
python3 ops/image/check.py target/agent-kanban-image.tar "$@"

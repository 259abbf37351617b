#!/usr/bin/env python3
"""Validates what can be validated here without Docker or a cluster: compose.yaml and the Kubernetes
manifests parse as YAML, name the image the Jib build produces (pom.xml), use the ports, user, probes
and health-check command the image provides, and HAProxy's configs pass `haproxy -c` when haproxy is
installed. Exits non-zero with the reason on any mismatch."""
import re, shutil, subprocess, sys, yaml
from pathlib import Path

root = Path(__file__).resolve().parent.parent
pom = (root / "pom.xml").read_text()
version = re.search(r"<artifactId>agent-kanban</artifactId>\s*<version>([^<]+)</version>", pom).group(1)
image = "agent-kanban:" + version
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

compose = yaml.safe_load((root / "compose.yaml").read_text())
services = compose["services"]
for name in ("api1", "api2", "worker", "haproxy", "postgres", "worker-postgres"):
    check(name in services, "compose: no service " + name)
for name in ("api1", "api2", "worker"):
    check(services[name]["image"] == image, "compose: %s does not use %s" % (name, image))
for name in ("api1", "api2"):
    test = services[name]["healthcheck"]["test"]
    check(test[1:] == ["/opt/java/bin/java", "-cp", "/app/classes", "dev.agentkanban.ops.HealthCheck"], "compose: health check command")
    check(services[name]["command"] == ["serve"], "compose: api mode")
check(services["worker"]["command"] == ["worker"], "compose: worker mode")
haproxy_cfg = (root / "ops/compose/haproxy.cfg").read_text()
check("api1:8080" in haproxy_cfg and "api2:8080" in haproxy_cfg and "/readyz" in haproxy_cfg, "compose haproxy.cfg: backends")

docs = list(yaml.safe_load_all((root / "ops/k8s/agent-kanban.yaml").read_text()))
kinds = [d["kind"] for d in docs]
check(kinds.count("Deployment") == 2 and "Service" in kinds, "k8s: kinds " + str(kinds))
for d in docs:
    if d["kind"] != "Deployment":
        continue
    spec = d["spec"]["template"]["spec"]
    check(spec["securityContext"]["runAsUser"] == 10001, "k8s: %s user" % d["metadata"]["name"])
    check(d["spec"]["selector"]["matchLabels"].items() <= d["spec"]["template"]["metadata"]["labels"].items(), "k8s: selector")
    for c in spec["containers"]:
        check(c["image"] == image, "k8s: %s image" % c["name"])
        check(c["args"][0] in ("serve", "worker"), "k8s: mode")
        if c["args"][0] == "serve":
            check(c["readinessProbe"]["httpGet"]["path"] == "/readyz", "k8s: readiness probe")
            check(c["livenessProbe"]["httpGet"]["path"] == "/livez", "k8s: liveness probe")
            check(c["ports"][0]["containerPort"] == 8080, "k8s: port")

if shutil.which("haproxy"):
    import tempfile
    # the configs as they will be used: the container's paths and the drill's placeholders filled in
    compose_cfg = haproxy_cfg.replace("/usr/local/etc/haproxy/503-problem.http", str(root / "ops/compose/503-problem.http"))
    ha_cfg = (root / "ops/ha/haproxy.cfg.in").read_text()
    for k, v in {"SOCK": "/tmp/kanban-validate.sock", "DB_PRIMARY": "25000", "DB_REPLICA": "25001", "API": "25080",
                 "PG1_PORT": "25432", "PG2_PORT": "25433", "PG1_REST": "25008", "PG2_REST": "25009", "APP1": "25081",
                 "APP2": "25082", "ERRORFILE": str(root / "ops/ha/503-problem.http")}.items():
        ha_cfg = ha_cfg.replace("@%s@" % k, v)
    check(not re.search(r"@[A-Z0-9_]+@", ha_cfg), "ops/ha/haproxy.cfg.in: a placeholder is not filled")
    for name, text in (("ops/compose/haproxy.cfg", compose_cfg), ("ops/ha/haproxy.cfg.in", ha_cfg)):
        with tempfile.NamedTemporaryFile("w", suffix=".cfg") as f:
            f.write(text)
            f.flush()
            r = subprocess.run(["haproxy", "-c", "-f", f.name], capture_output=True, text=True)
            check(r.returncode == 0, "haproxy -c %s: %s" % (name, r.stdout + r.stderr))

if errors:
    print("\n".join("FAIL: " + e for e in errors))
    sys.exit(1)
print("compose.yaml, ops/k8s and the HAProxy configs are consistent with image " + image)

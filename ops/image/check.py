#!/usr/bin/env python3
"""Checks the image tarball Jib wrote (OCI layout) without a container runtime.

  ops/image/check.py target/agent-kanban-image.tar [--run DATABASE_URL]

Always: the config's entrypoint (the image's Java with the app's classpath file), a non-root user, the
exposed port 8080, the mode argument, and that the files the entrypoint needs are in the layers (the
Java binary executable, the classpath file, the main class, glibc's loader, the user in /etc/passwd).
When the image carries the start-up cache (/app/agent-kanban.aot, ops/image/aot.py), the entrypoint must
load it. With --run: unpacks the layers into a root file system and starts the image's entrypoint in it
(chroot, as the image's user, with its environment, a fresh /proc) against DATABASE_URL, then runs the
image's health check command until /readyz answers 200; with the cache it also counts the classes the
start loaded from it (at least half, or the cache was refused). Needs root for chroot. Exits non-zero on any
failure and says which.
"""
import io, json, os, shutil, subprocess, sys, tarfile, tempfile, time

def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)

def main():
    if len(sys.argv) < 2:
        fail("usage: check.py IMAGE.tar [--run DATABASE_URL]")
    path = sys.argv[1]
    run_db = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--run" else None
    outer = tarfile.open(path)
    blob = lambda digest: outer.extractfile("blobs/" + digest.replace(":", "/")).read()
    index = json.loads(outer.extractfile("index.json").read())
    manifest = json.loads(blob(index["manifests"][0]["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))
    c = config["config"]
    print("entrypoint:", c.get("Entrypoint"), "cmd:", c.get("Cmd"))
    print("user:", c.get("User"), "ports:", list(c.get("ExposedPorts", {})), "workdir:", c.get("WorkingDir"))
    ep = c.get("Entrypoint") or []
    if ep[:1] != ["/opt/java/bin/java"] or "@/app/aot-classpath-file" not in ep or ep[-1] != "dev.agentkanban.KanbanApplication":
        fail("entrypoint is not the image's java with the app's classpath")
    if (c.get("Cmd") or [None])[0] not in ("serve", "worker", "mcp"):
        fail("the default argument is not a mode")
    user = c.get("User") or ""
    uid = user.split(":")[0]
    if not uid.isdigit() or int(uid) == 0:
        fail("the image runs as root or as a named user (want a numeric non-zero uid): %r" % user)
    if "8080/tcp" not in c.get("ExposedPorts", {}):
        fail("port 8080 is not exposed")
    if config.get("os") != "linux" or config.get("architecture") != "amd64":
        fail("platform is %s/%s" % (config.get("os"), config.get("architecture")))
    files = {}
    for layer in manifest["layers"]:
        with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"]))) as t:
            for m in t.getmembers():
                files["/" + m.name.lstrip("./")] = m
    need = {"/opt/java/bin/java": 0o755, "/lib64/ld-linux-x86-64.so.2": 0o755, "/app/aot-classpath-file": None,
            "/app/agent-kanban-app.jar": None,
            "/app/classes/dev/agentkanban/KanbanApplication.class": None,
            "/app/classes/dev/agentkanban/ops/HealthCheck.class": None, "/etc/passwd": None}
    for f, mode in need.items():
        if f not in files:
            fail("missing in the layers: " + f)
        if mode is not None and files[f].mode & 0o111 == 0:
            fail(f + " is not executable")
    if (":%s:" % uid) not in outer_text(manifest, blob, "/etc/passwd"):
        fail("uid %s is not in /etc/passwd" % uid)
    cached = "/app/agent-kanban.aot" in files
    if cached != ("-XX:AOTCache=/app/agent-kanban.aot" in ep):
        fail("the entrypoint's -XX:AOTCache and the cache file /app/agent-kanban.aot disagree")
    print("start-up cache: " + ("/app/agent-kanban.aot, %.0f MB" % (files["/app/agent-kanban.aot"].size / 1e6) if cached else "none"))
    # Spring's ahead-of-time code (build.sh runs process-aot): the entrypoint asks for it
    spring_aot = "/app/classes/dev/agentkanban/KanbanApplication__ApplicationContextInitializer.class" in files
    if spring_aot and "-Dagent-kanban.aot=on" not in ep:
        fail("the image has Spring's ahead-of-time code but its entrypoint does not ask for it")
    print("Spring's ahead-of-time code: " + ("yes" if spring_aot else "no"))
    print("layers: %d, files: %d, image: %.0f MB" % (len(manifest["layers"]), len(files), os.path.getsize(path) / 1e6))
    print("config OK")
    if run_db:
        run(manifest, blob, c, run_db, cached, spring_aot)

def outer_text(manifest, blob, name):
    for layer in manifest["layers"]:
        with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"]))) as t:
            for m in t.getmembers():
                if "/" + m.name.lstrip("./") == name:
                    return t.extractfile(m).read().decode()
    return ""

def run(manifest, blob, c, database_url, cached, spring_aot):
    root = tempfile.mkdtemp(prefix="kanban-rootfs-")
    os.chmod(root, 0o755)  # "/" of the image, which its non-root user must be able to enter
    try:
        for layer in manifest["layers"]:
            with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"]))) as t:
                # our own image, extracted as root: keep every mode bit (the "tar" filter drops o+w of /tmp)
                t.extractall(root, filter="fully_trusted" if hasattr(tarfile, "data_filter") else None)
        os.makedirs(root + "/proc", exist_ok=True)
        env = dict(e.split("=", 1) for e in c.get("Env", []))
        port = "18531"
        env.update({"PORT": port, "DATABASE_URL": database_url})
        if cached:
            # where each class came from: "shared objects file" is the cache
            env["JAVA_TOOL_OPTIONS"] = env.get("JAVA_TOOL_OPTIONS", "") + " -Xlog:class+load=info:file=/tmp/class-load-%p.txt"
        health = c["Labels"]["dev.agentkanban.healthcheck"].split()
        user = c["User"]
        envargs = ["env", "-i"] + ["%s=%s" % kv for kv in env.items()]
        def inside(cmd):
            # the image's environment only (env -i): tools of the host by absolute path
            return envargs + ["/usr/bin/unshare", "--mount", "--pid", "--fork", "--kill-child", "/bin/sh", "-c",
                    '/bin/mount -t proc proc "$0/proc" && cd "$0" && u="$1" && shift && exec /usr/sbin/chroot --userspec="$u" "$0" "$@"',
                    root, user] + cmd
        log = open(os.path.join(root, "tmp", "app.log"), "w")
        app = subprocess.Popen(inside(c["Entrypoint"] + c["Cmd"]), stdout=log, stderr=subprocess.STDOUT)
        start = time.time()
        try:
            while True:
                if app.poll() is not None:
                    fail("the entrypoint exited (%d):\n%s" % (app.returncode, open(log.name).read()[-3000:]))
                r = subprocess.run(inside(health), capture_output=True, text=True)
                if r.returncode == 0:
                    print("entrypoint started as %s; health check command: %s (%.0f s)" % (user, r.stdout.strip(), time.time() - start))
                    break
                if time.time() - start > 180:
                    fail("not ready within 180 s:\n" + open(log.name).read()[-3000:])
                time.sleep(1)
            if cached:
                # the entrypoint's own log is the largest (the health check commands load few classes)
                logs = [os.path.join(root, "tmp", n) for n in os.listdir(os.path.join(root, "tmp")) if n.startswith("class-load-")]
                loads = open(max(logs, key=os.path.getsize)).read().splitlines()
                shared = sum(1 for l in loads if "source: shared objects file" in l)
                print("%d of %d classes loaded from the start-up cache" % (shared, len(loads)))
                if shared * 2 < len(loads):
                    fail("the entrypoint did not use the start-up cache")
            if spring_aot:
                text = open(log.name).read()
                if "Starting with Spring's ahead-of-time code" not in text:
                    fail("the entrypoint did not use Spring's ahead-of-time code:\n" + text[-3000:])
                print("Spring's ahead-of-time code used")
            lines = [l for l in open(log.name).read().splitlines() if l.startswith("{")]
            if not lines:
                fail("no JSON log lines (the image sets LOG_FORMAT=json)")
            for l in lines:
                json.loads(l)
            print("%d JSON log lines (LOG_FORMAT=json in the image)" % len(lines))
        finally:
            # unshare does not pass SIGTERM on: stop the entrypoint (its child) the way a runtime would
            try:
                for child in open("/proc/%d/task/%d/children" % (app.pid, app.pid)).read().split():
                    os.kill(int(child), 15)
            except OSError:
                pass
            try:
                app.wait(60)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("run OK")

if __name__ == "__main__":
    main()

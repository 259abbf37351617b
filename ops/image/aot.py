#!/usr/bin/env python3
"""Makes the image's start-up cache (issue #19), between ops/image/build.sh's two Jib builds.

  ops/image/aot.py IMAGE.tar OUT_DIR [DATABASE_URL]

Unpacks the layers of the first build, writes OUT_DIR/aot-classpath-file (the entrypoint's class path:
/app/agent-kanban-app.jar, the application as one jar, then the dependencies as /app/jib-classpath-file
lists them; the JDK caches classes from jar files only, and Jib's /app/classes is a directory) and, when
a DATABASE_URL is given and the image's Java is 25 or newer, runs the training run with the image's own
Java inside the unpacked image (chroot as the image's user, so at the entrypoint's own paths; needs
root): the entrypoint's command with -XX:AOTCacheOutput and -Dspring.context.exit=onRefresh (it
migrates that database and starts the application context, then stops). The cache goes to
OUT_DIR/agent-kanban.aot and it prints "trained". The second Jib build lays the same jar files out
again with the same sizes and times (Jib's reproducible times), which the cache checks. Exits non-zero
only when the image cannot be read; a failed training run leaves no cache (the image then starts
uncached).
"""
import io, json, os, shutil, subprocess, sys, tarfile, tempfile, time

APP_JAR = "/app/agent-kanban-app.jar"
CACHE = "agent-kanban.aot"


def main():
    if len(sys.argv) < 3:
        print("usage: aot.py IMAGE.tar OUT_DIR [DATABASE_URL]")
        sys.exit(2)
    path, out = sys.argv[1], sys.argv[2]
    database_url = sys.argv[3] if len(sys.argv) > 3 else None
    outer = tarfile.open(path)
    blob = lambda digest: outer.extractfile("blobs/" + digest.replace(":", "/")).read()
    index = json.loads(outer.extractfile("index.json").read())
    manifest = json.loads(blob(index["manifests"][0]["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))["config"]
    root = tempfile.mkdtemp(prefix="kanban-aot-")
    try:
        for layer in manifest["layers"]:
            with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"]))) as t:
                t.extractall(root, filter="fully_trusted" if hasattr(tarfile, "data_filter") else None)
        if not os.path.exists(root + APP_JAR):
            print("FAIL: %s is not in the image (build.sh makes it from target/classes)" % APP_JAR)
            sys.exit(1)
        jib = open(root + "/app/jib-classpath-file").read().strip().split(":")
        entries = [APP_JAR] + [e for e in jib if e.endswith(".jar")]
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "aot-classpath-file"), "w") as f:
            f.write(":".join(entries) + "\n")
        print("aot-classpath-file: %s and %d dependency jars" % (APP_JAR, len(entries) - 1))
        cache = os.path.join(out, CACHE)
        if os.path.exists(cache):
            os.remove(cache)
        if database_url:
            train(root, config, entries, database_url, cache)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def java_major(java):
    r = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True)
    for line in r.stderr.splitlines():
        if "java.specification.version" in line:
            return int(line.split("=")[1].strip().split(".")[0])
    return 0


def train(root, config, entries, database_url, cache):
    java = root + "/opt/java/bin/java"
    if java_major(java) < 25:
        print("the image's Java is older than 25: no AOT cache")
        return
    if os.geteuid() != 0:
        print("not root: no chroot for the training run, no AOT cache")
        return
    os.chmod(root, 0o755)
    os.makedirs(root + "/proc", exist_ok=True)
    env = dict(e.split("=", 1) for e in config.get("Env", []))
    env.update({"DATABASE_URL": database_url, "PORT": "0"})
    # inside the image's own file system (chroot, as its user), at the paths the entrypoint uses: the
    # cache holds the jar files' locations (a sealed package, as in the LDAP SDK, must come from the
    # same place at run time)
    made = "/tmp/" + CACHE
    # with Spring's ahead-of-time code, as the entrypoint starts (its classes then come from the cache too)
    java_cmd = ["/opt/java/bin/java", "-XX:AOTCacheOutput=" + made, "-Dspring.context.exit=onRefresh", "-Dagent-kanban.aot=on",
                "-Xlog:aot=error,cds=error", "-cp", ":".join(entries), config["Entrypoint"][-1], "serve"]
    cmd = (["env", "-i"] + ["%s=%s" % kv for kv in env.items()]
           + ["/usr/bin/unshare", "--mount", "--pid", "--fork", "--kill-child", "/bin/sh", "-c",
              '/bin/mount -t proc proc "$0/proc" && cd "$0" && u="$1" && shift && exec /usr/sbin/chroot --userspec="$u" "$0" "$@"',
              root, config["User"]] + java_cmd)
    log = os.path.join(tempfile.gettempdir(), "kanban-aot-training.log")
    start = time.time()
    with open(log, "w") as f:
        # the schema first, by a start of its own (as bin/agent-kanban does): a training run that
        # migrated would keep Flyway's classes in the cache of every later start
        subprocess.run([a for a in cmd if not a.startswith("-XX:AOTCacheOutput=")],
                       stdout=f, stderr=subprocess.STDOUT, timeout=1800)
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=1800)
    made = root + made
    if r.returncode != 0 or not os.path.exists(made) or os.path.getsize(made) == 0:
        print("the training run failed (%d; log %s): no AOT cache\n%s" % (r.returncode, log, open(log).read()[-2000:]))
        return
    shutil.copyfile(made, cache)
    print("trained: %s, %.0f MB, in %.0f s (log %s)" % (cache, os.path.getsize(cache) / 1e6, time.time() - start, log))


if __name__ == "__main__":
    main()

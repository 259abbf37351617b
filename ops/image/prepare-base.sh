#!/usr/bin/env bash
# Lays out the files the image needs besides the application, in target/jib-base, for Jib to add on
# top of the empty ("scratch") base image: no container registry is reachable from here, so the base is
# made from this machine's own files instead of pulled.
#   /opt/java        a Java runtime cut from the build JDK with jlink (JDK 21 or newer)
#   /lib, /lib64     the glibc libraries that runtime links against (from Debian's libc6)
#   /etc/passwd ...  a non-root user "kanban" (uid/gid 10001), nsswitch.conf for name lookups
#   /tmp             writable by that user (Tomcat's work files)
set -euo pipefail
cd "$(dirname "$0")/../.."
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=target/jib-base
rm -rf "$OUT"
mkdir -p "$OUT"/{opt,lib/x86_64-linux-gnu,lib64,etc,tmp,app/data}

# java.se: every SE module (Spring, JDBC, JMX, HTTP client); jdk.* for Netty/Lettuce (Unsafe), JFR and
# JMX extras, DNS names and zip file systems; jdk.net for the webhook client's socket options (Apache HttpClient)
"$JDK/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.jfr,jdk.naming.dns,jdk.zipfs,jdk.crypto.cryptoki,jdk.localedata,jdk.net \
  --include-locales en --strip-debug --no-man-pages --no-header-files --compress zip-6 --output "$OUT/opt/java"

# the C libraries the runtime's binaries need (ldd), plus the dynamic loader; not those of the
# desktop-only parts (X11 windows, sound, splash screen), which a headless server never loads
for lib in $(ldd "$OUT/opt/java/bin/java" "$OUT"/opt/java/lib/server/libjvm.so \
               $(ls "$OUT"/opt/java/lib/*.so | grep -v -e libawt_xawt -e libjawt -e libjsound -e libsplashscreen) 2>/dev/null \
             | awk '/=> \// {print $3}' | sort -u); do
  case "$lib" in "$OUT"/*|*/opt/java/*) continue ;; esac
  cp -L "$lib" "$OUT/lib/x86_64-linux-gnu/"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$OUT/lib64/"

cat > "$OUT/etc/passwd" <<'P'
root:x:0:0:root:/root:/sbin/nologin
kanban:x:10001:10001:Agent Kanban:/app:/sbin/nologin
P
cat > "$OUT/etc/group" <<'G'
root:x:0:
kanban:x:10001:
G
printf 'hosts: files dns\n' > "$OUT/etc/nsswitch.conf"
echo "base laid out in $OUT: $(du -sh "$OUT" | cut -f1)"

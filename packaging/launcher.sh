#!/bin/sh
# edge-cascade launcher of the self-contained distribution: runs the bundled Java runtime (runtime/) on lib/,
# with the native libraries already unpacked in native/, so a start writes nothing to the home directory.
# JAVA_OPTS adds JVM options (e.g. JAVA_OPTS=-Xmx1g); EDGE_CASCADE_CLASSPATH adds jars or folders (colon-separated)
# after the distribution's own: engines of other jars, registered through ServiceLoader.
set -e
self=$(readlink -f "$0")
here=$(cd "$(dirname "$self")/.." && pwd)
native="$here/native"
# JavaCPP: look in native/ first (pathsFirst) instead of unpacking from the jars into ~/.javacpp/cache. It still
# wants a writable cache dir (left empty: nothing is unpacked), else it makes ~/.javacpp: the distribution's cache/
# when this user may write there, else one under the temporary dir.
cache="$here/cache"
[ -w "$cache" ] || cache="${TMPDIR:-/tmp}/edge-cascade-$(id -u)/javacpp"
# ONNX Runtime: load libonnxruntime from native/ instead of a temporary copy.
# JNA: load libjnidispatch from native/ and never unpack it into ~/.cache/JNA.
exec "$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED \
  -Djava.library.path="$native" -Dorg.bytedeco.javacpp.pathsFirst=true -Dorg.bytedeco.javacpp.cachedir="$cache" \
  -Donnxruntime.native.path="$native" \
  -Djna.boot.library.path="$native" -Djna.nounpack=true \
  $JAVA_OPTS -cp "$here/lib/*${EDGE_CASCADE_CLASSPATH:+:$EDGE_CASCADE_CLASSPATH}" io.edgecascade.app.cli.Main "$@"

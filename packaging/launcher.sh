#!/bin/sh
# edge-cascade launcher of the self-contained distribution: runs the bundled Java runtime (runtime/) on lib/,
# with the native libraries already unpacked in native/, so a start writes nothing to the home directory.
# JAVA_OPTS adds JVM options (e.g. JAVA_OPTS=-Xmx1g).
set -e
self=$(readlink -f "$0")
here=$(cd "$(dirname "$self")/.." && pwd)
native="$here/native"
# JavaCPP: look in native/ first (pathsFirst) instead of unpacking from the jars into ~/.javacpp/cache; its
# cache dir is the distribution's empty cache/, so that it does not even make ~/.javacpp.
# ONNX Runtime: load libonnxruntime from native/ instead of a temporary copy.
# JNA: load libjnidispatch from native/ and never unpack it into ~/.cache/JNA.
exec "$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED \
  -Djava.library.path="$native" -Dorg.bytedeco.javacpp.pathsFirst=true -Dorg.bytedeco.javacpp.cachedir="$here/cache" \
  -Donnxruntime.native.path="$native" \
  -Djna.boot.library.path="$native" -Djna.nounpack=true \
  $JAVA_OPTS -cp "$here/lib/*" io.edgecascade.app.cli.Main "$@"

#!/usr/bin/env bash
# Makes the self-contained distribution of one platform from the app module's assembled runtime classpath
# (app/target/edge-cascade/lib, which 'mvn package' lays out from app's dependencies, so a new module lands here
# by being a dependency of app):
#   app/target/dist/edge-cascade-VERSION-PLATFORM.tar.gz
#     bin/edge-cascade   launcher, runs runtime/bin/java (no JDK or JRE needed on the box)
#     runtime/           jlink image of just the JDK modules that jdeps finds in the jars
#     lib/               the jars, with every native library taken out of them
#     native/            this platform's native libraries (JavaCPP presets, ONNX Runtime, JNA), pre-extracted:
#                        the launcher points JavaCPP, ONNX Runtime and JNA here, so nothing unpacks at start
#     configs/           the example configs
# and, unless --no-deb, the Debian package of the same tree (packaging/deb.sh).
#   packaging/dist.sh linux-x86_64|linux-arm64|linux-x86_64,linux-arm64 [--jmods DIR] [--no-deb]
# ('mvn -B -Pdist package' runs it for -Ddist.platforms, both by default.)
# An arm64 runtime needs arm64 jmods: --jmods, else packaging/fetch-arm64-jdk.sh fetches Debian's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
platform="${1:-}"; shift || true
opts=("$@")
jmods=""; deb=1
while (( $# )); do
  case "$1" in
    --jmods) jmods="$2"; shift 2 ;;
    --no-deb) deb=0; shift ;;
    *) echo "error: unknown option $1 (use --jmods DIR or --no-deb)" >&2; exit 2 ;;
  esac
done
if [[ "$platform" == *,* ]]; then
  IFS=, read -ra platforms <<<"$platform"
  for p in "${platforms[@]}"; do "$0" "$p" "${opts[@]}"; done
  exit 0
fi
case "$platform" in
  linux-x86_64) other=linux-arm64; ort=linux-x64; jna=linux-x86-64; machine=x86_64 ;;
  linux-arm64) other=linux-x86_64; ort=linux-aarch64; jna=linux-aarch64; machine=aarch64 ;;
  *) echo "error: platform '$platform' is not linux-x86_64 or linux-arm64" >&2; exit 2 ;;
esac
for tool in jlink jdeps unzip zip tar; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing; install a JDK 17 (jlink, jdeps), zip and unzip" >&2; exit 1; }
done
app="$root/app/target"
lib="$app/edge-cascade/lib"
[[ -d "$lib" ]] || { echo "error: $lib is missing; run 'mvn -B -DskipTests package' first" >&2; exit 1; }
version="$(sed -n 's/^version=//p' "$app/maven-archiver/pom.properties")"
name="edge-cascade-$version-$platform"
out="$app/dist"
stage="$out/$name"
rm -rf "$stage" "$out/$name.tar.gz"
mkdir -p "$stage/bin" "$stage/lib" "$stage/native" "$stage/configs" "$stage/cache"

# Jars: the other platform's classifier jars are dropped; this platform's are unpacked into native/ (only the
# libraries at the top of org/bytedeco/*/PLATFORM/: headers, cmake files and python bindings stay out).
for jar in "$lib"/*.jar; do
  base="$(basename "$jar")"
  case "$base" in
    *-"$other".jar) ;;
    *-"$platform".jar)
      # (exit status 11: a classifier jar without libraries at that level, which is fine)
      unzip -q -W -j -o "$jar" "org/bytedeco/*/$platform/*.so*" -d "$stage/native" || (( $? == 11 )) ;;
    *) cp "$jar" "$stage/lib/" ;;
  esac
done
# ONNX Runtime and JNA carry every platform's natives in one jar: this platform's go to native/, all come out.
for jar in "$stage"/lib/onnxruntime*.jar; do
  [[ -e "$jar" ]] || continue
  unzip -q -j -o "$jar" "ai/onnxruntime/native/$ort/*" -d "$stage/native"
  zip -q -d "$jar" 'ai/onnxruntime/native/*' >/dev/null
done
for jar in "$stage"/lib/jna-*.jar; do
  [[ -e "$jar" ]] || continue
  unzip -q -j -o "$jar" "com/sun/jna/$jna/libjnidispatch.so" -d "$stage/native"
  zip -q -d "$jar" 'com/sun/jna/*-*/*' >/dev/null
done
# JNI wrappers of CUDA libraries that no engine here calls (the tensorrt engine uses cudart, nvinfer and
# nvonnxparser; nvinfer's preset inherits cublas, cudnn and nvrtc, which stay) and OpenCV's Python/Java bindings.
(cd "$stage/native" && rm -f libjninpp*.so libjnicufft*.so libjnicusolver.so libjnicusparse.so libjnicurand.so \
  libjninvjpeg.so libjnicupti.so libjninccl.so libjninvcomp.so libjnicvkernels.so libjninvml.so libjninvToolsExt.so \
  libjninvblas.so libjniopencv_python3.so libjniopencv_java.so libopencv_java.so)
# OpenBLAS: the preset loads libopenblas.so.0 under the name libopenblas_nolapack.so.0, and JavaCPP does that
# renaming by copying the 33 MB library into its cache (the home directory) whenever it finds libopenblas.so.0.
# Shipped under the second name only, it loads in place; OpenCV's need for libopenblas.so.0 is then met by the
# loaded library's SONAME. Then the links JavaCPP would make when it unpacks: libX.so beside each libX.so.N.
(cd "$stage/native"
 [[ -e libopenblas.so.0 ]] && mv libopenblas.so.0 libopenblas_nolapack.so.0
 for f in lib*.so.*; do [[ -e "${f%%.so.*}.so" ]] || ln -s "$f" "${f%%.so.*}.so"; done)
# Every library in native/ must be for this machine type (a wrong one would only fail on the box).
if command -v file >/dev/null; then
  wrong="$(find "$stage/native" -type f -name '*.so*' -exec file -L {} + | grep -v "ELF 64-bit.*$( [[ $machine == x86_64 ]] && echo x86-64 || echo aarch64)" || true)"
  [[ -z "$wrong" ]] || { echo "error: native libraries of another machine type in $platform:" >&2; echo "$wrong" >&2; exit 1; }
fi

# The JDK modules the jars use (jdeps), plus those only reached by reflection or service lookup: jdk.crypto.ec
# (TLS to the cloud), jdk.unsupported (sun.misc.Signal), jdk.zipfs. Not jdk.localedata: messages are English.
# jdeps reads a jar with a module-info as a module and some presets' descriptors do not check out, so it looks
# at copies without them, all on the class path, as the launcher runs them.
scan="$out/jdeps-$platform"
rm -rf "$scan"; mkdir -p "$scan"
cp "$stage"/lib/*.jar "$scan/"
for jar in "$scan"/*.jar; do zip -q -d "$jar" 'module-info.class' 'META-INF/versions/*/module-info.class' >/dev/null 2>&1 || true; done
modules="$(jdeps -q --multi-release 17 --ignore-missing-deps --print-module-deps --class-path "$scan/*" "$scan"/*.jar)"
rm -rf "$scan"
modules="$(printf '%s\n' "$modules" jdk.crypto.ec jdk.unsupported jdk.zipfs | tr , '\n' | awk 'NF && !seen[$0]++' | paste -sd,)"
if [[ -z "$jmods" ]]; then
  if [[ "$(uname -m)" == "$machine" ]]; then
    java_home="$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")"
    jmods="$java_home/jmods"
  else
    jmods="$("$root/packaging/fetch-arm64-jdk.sh" "$root/target/arm64-jdk")"
  fi
fi
[[ -f "$jmods/java.base.jmod" ]] || { echo "error: no java.base.jmod in $jmods; pass --jmods DIR of a $platform JDK 17" >&2; exit 1; }
extra=()
# A class data sharing archive makes the JVM start faster; it can only be made by running the new runtime.
[[ "$(uname -m)" == "$machine" ]] && extra+=(--generate-cds-archive)
# Debian's libjvm.so carries its symbols (12 MB); objcopy (binutils) strips them when it can read the machine type
# (--strip-debug would ask for that on any platform, and fail on the other's libraries).
if command -v objcopy >/dev/null && [[ "$(uname -m)" == "$machine" ]]; then
  extra+=(--strip-native-debug-symbols=exclude-debuginfo-files)
fi
jlink --module-path "$jmods" --add-modules "$modules" --output "$stage/runtime" \
  --strip-java-debug-attributes --no-header-files --no-man-pages "${extra[@]}"
# The archive for heaps over 32 GB (no compressed oops) is of no use on an edge box.
rm -f "$stage/runtime/lib/server/classes_nocoops.jsa"
echo "$modules" > "$stage/runtime/MODULES"

install -m 0755 "$root/packaging/launcher.sh" "$stage/bin/edge-cascade"
cp "$root"/configs/*.yaml "$stage/configs/"
echo "$version" > "$stage/VERSION"
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz ($(du -m "$out/$name.tar.gz" | cut -f1) MB; unpacked $(du -sm "$stage" | cut -f1) MB)"
if (( deb )); then
  "$root/packaging/deb.sh" "$stage" "$platform" "$version"
fi

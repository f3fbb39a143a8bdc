#!/usr/bin/env bash
# Fetches Debian's arm64 OpenJDK 17 (jmods only are needed) so that jlink on an x86-64 build machine can make the
# arm64 runtime: jlink cross-links when the target's jmods have the same feature release as the jlink that runs.
# Uses a private apt state under the output folder, so the machine's own apt configuration (its architectures,
# lists and cache) is left as it is. Prints the folder that holds the jmods.
#   packaging/fetch-arm64-jdk.sh [out-dir]     (default: target/arm64-jdk)
set -euo pipefail
out="${1:-target/arm64-jdk}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
jmods="$(find "$out/root" -maxdepth 5 -type d -name jmods 2>/dev/null | head -1 || true)"
if [[ -n "$jmods" && -f "$jmods/java.base.jmod" ]]; then echo "$jmods"; exit 0; fi

state="$out/apt"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$out/debs"
apt_opts=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64
          -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache"
          -o Dir::State::Status=/dev/null -o Debug::NoLocking=1)
if ! apt-get "${apt_opts[@]}" -qq update >"$out/apt.log" 2>&1; then
  echo "error: could not read Debian's arm64 package lists (see $out/apt.log); put an arm64 JDK 17's jmods in" \
       "$out/root/jmods or build with -Ddist.arches=linux-x86_64" >&2
  exit 1
fi
(cd "$out/debs" && apt-get "${apt_opts[@]}" -qq download openjdk-17-jdk-headless:arm64 >>"$out/apt.log" 2>&1) || {
  echo "error: could not download openjdk-17-jdk-headless:arm64 (see $out/apt.log)" >&2; exit 1; }
rm -rf "$out/root"
for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$out/root"; done
jmods="$(find "$out/root" -maxdepth 5 -type d -name jmods | head -1)"
[[ -f "$jmods/java.base.jmod" ]] || { echo "error: no jmods in the arm64 JDK package" >&2; exit 1; }
echo "$jmods"

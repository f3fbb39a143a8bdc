#!/usr/bin/env bash
# Makes the Debian package of a staged distribution (packaging/dist.sh calls it):
#   /opt/edge-cascade/...                 the distribution (bundled Java runtime, jars, natives)
#   /usr/bin/edge-cascade                 link to its launcher
#   /etc/edge-cascade/config.yaml         conffile, from configs/site.yaml (dpkg keeps the user's edits)
#   /lib/systemd/system/edge-cascade.service
#   postinst: the edge-cascade system user, /var/lib/edge-cascade (events, spool, models, engine caches)
#   packaging/deb.sh STAGED_DIR linux-x86_64|linux-arm64 VERSION
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stage="$1"; platform="$2"; version="$3"
case "$platform" in
  linux-x86_64) arch=amd64 ;;
  linux-arm64) arch=arm64 ;;
  *) echo "error: platform '$platform' is not linux-x86_64 or linux-arm64" >&2; exit 2 ;;
esac
command -v dpkg-deb >/dev/null || { echo "error: dpkg-deb is missing; install dpkg" >&2; exit 1; }
# Debian versions sort '~' before anything: 0.1.0~SNAPSHOT comes before the 0.1.0 release.
debversion="${version//-/\~}"
tree="$(dirname "$stage")/deb-$platform"
rm -rf "$tree"
mkdir -p "$tree/DEBIAN" "$tree/opt" "$tree/usr/bin" "$tree/etc/edge-cascade" "$tree/lib/systemd/system" \
  "$tree/usr/share/doc/edge-cascade"
cp -a "$stage" "$tree/opt/edge-cascade"
cp "$root/README.md" "$tree/opt/edge-cascade/README.md"
ln -s /opt/edge-cascade/bin/edge-cascade "$tree/usr/bin/edge-cascade"
# The site example, its models where the package keeps state ('edge-cascade models pull --dir /var/lib/edge-cascade').
sed 's|/opt/edge-cascade/models|/var/lib/edge-cascade/models|g' "$root/configs/site.yaml" > "$tree/etc/edge-cascade/config.yaml"
chmod 0644 "$tree/etc/edge-cascade/config.yaml"
install -m 0644 "$root/packaging/deb/edge-cascade.service" "$tree/lib/systemd/system/edge-cascade.service"
for script in postinst prerm postrm; do install -m 0755 "$root/packaging/deb/$script" "$tree/DEBIAN/$script"; done
echo "/etc/edge-cascade/config.yaml" > "$tree/DEBIAN/conffiles"
size="$(du -sk "$tree" | cut -f1)"
# Depends: what the bundled natives link against beyond themselves (glibc, libstdc++, zlib for the Java runtime;
# ALSA, PulseAudio and XCB for FFmpeg's libavdevice, which JavaCV loads with the grabber).
cat > "$tree/DEBIAN/control" <<CONTROL
Package: edge-cascade
Version: $debversion
Architecture: $arch
Maintainer: edge-cascade maintainers <edge-cascade@localhost>
Installed-Size: $size
Depends: libc6 (>= 2.31), libstdc++6, libgcc-s1, zlib1g, libasound2 | libasound2t64, libpulse0, libxcb1, libxcb-shm0, adduser | passwd
Section: video
Priority: optional
Description: edge video analytics agent (motion gate, local detector, cloud forwarding)
 Reads cameras (RTSP, files, USB), gates frames by motion, runs a local
 detector (ONNX Runtime, OpenVINO, TensorRT), writes events and forwards the
 best frames to a cloud model server. Bundles its own Java runtime.
CONTROL
deb="$(dirname "$stage")/edge-cascade_${debversion}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip --build "$tree" "$deb" >/dev/null
rm -rf "$tree"
echo "$deb ($(du -m "$deb" | cut -f1) MB)"

#!/bin/bash
# Builds fdhandoff_<version>_amd64.deb with dpkg-deb (no debhelper, nothing downloaded): the NativeAOT
# supervisor and reference worker, the units, the sysusers.d entry, /etc/fdhandoff/fdhandoff.json as a
# conffile, the maintainer scripts of this directory. The version is the top entry of ./changelog.
#   deploy/debian/build.sh [--out DIR] [--publish DIR] [--reuse] [--lintian]
#     --out DIR      where the .deb goes (default: out/deb in the checkout); its path is the last line printed
#     --publish DIR  where the two programs are published (default: out/publish, shared with the test stages:
#                    tools/lib.sh fdh_aot_programs); republished only when src/ changed since (--if-changed)
#     --reuse        take the programs already in --publish DIR as they are (fdh_publish --reuse)
#     --lintian      run lintian on the result; fails on any error (warnings are printed)
# Needs: the .NET SDK, clang and zlib1g-dev (NativeAOT), dpkg-dev (dpkg-shlibdeps, dpkg-parsechangelog).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tools/lib.sh"

out=$REPO/out/deb publish=$REPO/out/publish mode=--if-changed lint=0
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --publish) publish=$2; shift ;;
    --reuse) mode=--reuse ;;
    --lintian) lint=1 ;;
    *) echo "build.sh: unknown argument '$1' (--out DIR, --publish DIR, --reuse, --lintian)" >&2; exit 2 ;;
  esac
  shift
done
for tool in dpkg-deb dpkg-shlibdeps dpkg-parsechangelog; do
  command -v $tool >/dev/null || { echo "build.sh: $tool is missing: apt-get install dpkg-dev" >&2; exit 1; }
done
[ $lint = 0 ] || command -v lintian >/dev/null || { echo "build.sh: lintian is missing: apt-get install lintian" >&2; exit 1; }

version=$(dpkg-parsechangelog -l "$HERE/changelog" -S Version)
# One version: the programs' (`fdhandoff --version`, Directory.Build.props) is the package's.
props=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO/Directory.Build.props")
[ "${version%-*}" = "$props" ] || { echo "build.sh: deploy/debian/changelog says $version, Directory.Build.props <Version> says $props: make them agree" >&2; exit 1; }
# The changelog's date, for the files' mtimes: the same sources give the same package.
epoch=$(dpkg-parsechangelog -l "$HERE/changelog" -S Timestamp)

mkdir -p "$publish" "$out"
fdh_publish --aot $mode --log "$publish/supervisor.log" supervisor "$publish/supervisor"
fdh_publish --aot $mode --log "$publish/worker.log" worker "$publish/worker"

stage=$(mktemp -d /tmp/fdhandoff-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/fdhandoff
doc=$root/usr/share/doc/fdhandoff
# Files go where Debian 12 puts them: units in /lib/systemd/system (not merged-/usr yet), the
# daemon in /usr/sbin (run by the administrator and by systemd), the worker in /usr/libexec (only
# the supervisor starts it).
install -D -m 0755 "$publish/supervisor/fdhandoff" "$root/usr/sbin/fdhandoff"
install -D -m 0755 "$publish/worker/fdhandoff-worker" "$root/usr/libexec/fdhandoff/fdhandoff-worker"
install -d "$root/lib/systemd/system"
for unit in fdhandoff.service fdhandoff@.service fdhandoff-http.socket fdhandoff-http6.socket fdhandoff-echo.socket; do
  install -m 0644 "$REPO/deploy/systemd/$unit" "$root/lib/systemd/system/$unit"
done
install -D -m 0644 "$REPO/deploy/systemd/fdhandoff.sysusers.conf" "$root/usr/lib/sysusers.d/fdhandoff.conf"
install -D -m 0644 "$REPO/deploy/systemd/fdhandoff.json" "$root/etc/fdhandoff/fdhandoff.json"
install -D -m 0644 "$HERE/copyright" "$doc/copyright"
gzip -9n < "$HERE/changelog" > "$doc/changelog.gz"
# The units' Documentation= points here: kept uncompressed.
install -m 0644 "$REPO/docs/systemd.md" "$doc/systemd.md"
install -d "$doc/examples"
install -m 0644 "$REPO/deploy/systemd/"*.socket.example "$REPO/deploy/systemd/instance.json.example" "$doc/examples/"
chmod 0644 "$doc/changelog.gz"
# NativeAOT leaves the symbols beside the binary (*.dbg), not in it; strip anyway (lintian checks).
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/sbin/fdhandoff" "$root/usr/libexec/fdhandoff/fdhandoff-worker"

install -d -m 0755 "$root/DEBIAN"
install -m 0755 "$HERE/preinst" "$HERE/postinst" "$HERE/prerm" "$HERE/postrm" "$root/DEBIAN/"
(cd "$root" && find etc -type f | sed 's|^|/|' | sort) > "$root/DEBIAN/conffiles"
chmod 0644 "$root/DEBIAN/conffiles"

# Shared-library dependencies of the two binaries, as dpkg-shlibdeps finds them (it wants a debian/control).
mkdir -p "$stage/debian"
printf 'Source: fdhandoff\n\nPackage: fdhandoff\nArchitecture: amd64\n' > "$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps -O fdhandoff/usr/sbin/fdhandoff fdhandoff/usr/libexec/fdhandoff/fdhandoff-worker 2>"$stage/shlibdeps.err" |
          sed -n 's/^shlibs:Depends=//p') || { cat "$stage/shlibdeps.err" >&2; exit 1; }
[ -n "$depends" ] || { echo "build.sh: dpkg-shlibdeps found no dependency: $(cat "$stage/shlibdeps.err")" >&2; exit 1; }
rm -rf "$stage/debian"

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" "$HERE/control" > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$epoch" {} +

deb=$out/fdhandoff_${version}_amd64.deb
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
if [ $lint = 1 ]; then
  # lintian exits non-zero on errors only (--fail-on error); the warnings it prints are listed,
  # with why they are accepted, in deploy/debian/README.md.
  lintian --fail-on error --tag-display-limit 0 "$deb" >&2 || { echo "build.sh: lintian found errors in $deb" >&2; exit 1; }
fi
echo "$deb"

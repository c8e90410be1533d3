#!/bin/sh
# One-time (idempotent) host set-up for the SCTP VM stage (issue 5).
#
# The host kernel has no SCTP, so SCTP is tested in a qemu guest (TCG) that runs Debian's
# generic kernel with the sctp module and sees the host's root filesystem read-only over 9p.
# This script installs qemu/busybox/cpio, fetches the generic kernel package apt offers
# (apt-get download + dpkg -x: nothing is installed into the host's /boot or /lib/modules)
# and builds a busybox initramfs whose /init (tests/vm/initramfs/init) loads virtio-pci, 9p
# and SCTP, mounts the host root and runs the guest script named on the kernel command line.
#
# Cache: $FDH_VM_CACHE (default /var/cache/fdhandoff-sctp-vm). Re-running is cheap: apt is
# skipped when the packages are present, the kernel when the same version is unpacked, the
# initramfs when nothing it is built from changed.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${FDH_VM_CACHE:-/var/cache/fdhandoff-sctp-vm}
mkdir -p "$CACHE"
cd "$CACHE"
export DEBIAN_FRONTEND=noninteractive
t0=$(date +%s)

# 1. host packages (qemu, a static busybox for the initramfs, cpio to pack it)
need=""
for p in qemu-system-x86 busybox-static cpio; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
  echo "setup: installing$need"
  apt-get update -qq -o DPkg::Lock::Timeout=600
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends $need >/dev/null
fi
t1=$(date +%s)

# 2. Debian's generic kernel (the -cloud flavour has no 9p). Which version: what apt offers
#    for the linux-image-amd64 metapackage (override with FDH_VM_KPKG=linux-image-...-amd64;
#    FDH_VM_REFRESH=1 asks apt again instead of keeping the cached one).
KPKG=${FDH_VM_KPKG:-}
# Once unpacked, the cached kernel is kept (no apt query, stable across runs) until FDH_VM_REFRESH=1.
if [ -z "$KPKG" ] && [ "${FDH_VM_REFRESH:-0}" != 1 ] && [ -s k/.kver ]; then KPKG=linux-image-$(cat k/.kver); fi
if [ -z "$KPKG" ]; then
  KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$KPKG" ]; then apt-get update -qq -o DPkg::Lock::Timeout=600; KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}'); fi
fi
[ -n "$KPKG" ] || { echo "setup: cannot tell which linux-image package apt offers" >&2; exit 1; }
KVER=${KPKG#linux-image-}
case "$KVER" in *-cloud-*) echo "setup: $KPKG is a -cloud kernel (no 9p); use the generic flavour" >&2; exit 1;; esac
if [ "$(cat k/.kver 2>/dev/null)" != "$KVER" ]; then
  echo "setup: kernel package $KPKG"
  mkdir -p debs
  ls debs/${KPKG}_*.deb >/dev/null 2>&1 || (cd debs && apt-get download "$KPKG" >/dev/null 2>&1) \
    || { apt-get update -qq -o DPkg::Lock::Timeout=600; (cd debs && apt-get download "$KPKG" >/dev/null); }
  rm -rf k.tmp && mkdir k.tmp && dpkg -x debs/${KPKG}_*.deb k.tmp
  # Keep only what the VM uses: the kernel image and the modules.
  rm -rf k.tmp/usr/share/doc
  echo "$KVER" > k.tmp/.kver
  rm -rf k && mv k.tmp k
fi
ln -sfn "vmlinuz-$KVER" k/boot/vmlinuz
K=k/lib/modules/$KVER/kernel
test -f $K/net/sctp/sctp.ko || { echo "setup: $K/net/sctp/sctp.ko missing" >&2; exit 1; }
t2=$(date +%s)

# 3. initramfs: static busybox, /init, and every module the guest loads (virtio-pci and 9p to
#    mount the host root; SCTP and its dependencies). Order matters: it is the insmod order.
MODS="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci fs/netfs/netfs fs/fscache/fscache
net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p
net/ipv4/udp_tunnel net/ipv6/ip6_udp_tunnel crypto/crc32c_generic lib/libcrc32c net/sctp/sctp"
stamp=$( (echo "$KVER"; cat "$HERE/initramfs/init"; echo "$MODS"; md5sum /bin/busybox) | md5sum | cut -d' ' -f1)
if [ "$(cat initramfs.stamp 2>/dev/null)" != "$stamp" ] || [ ! -s initramfs.cpio.gz ]; then
  echo "setup: building initramfs"
  rm -rf initramfs.d && mkdir -p initramfs.d/bin initramfs.d/mods initramfs.d/proc initramfs.d/sys initramfs.d/dev initramfs.d/newroot
  cp /bin/busybox initramfs.d/bin/busybox
  for a in sh mount umount insmod mkdir cut cat ip chroot poweroff sync echo sleep; do ln -sf busybox initramfs.d/bin/$a; done
  : > initramfs.d/mods/order
  for m in $MODS; do
    [ -f "$K/$m.ko" ] || { echo "setup: module $m.ko not in $KPKG (built in?); skipped"; continue; }
    cp "$K/$m.ko" initramfs.d/mods/
    basename "$m" >> initramfs.d/mods/order
  done
  cp "$HERE/initramfs/init" initramfs.d/init && chmod 755 initramfs.d/init
  (cd initramfs.d && find . | cpio -o -H newc 2>/dev/null | gzip -1 > ../initramfs.cpio.gz.tmp)
  mv initramfs.cpio.gz.tmp initramfs.cpio.gz
  echo "$stamp" > initramfs.stamp
fi
t3=$(date +%s)
echo "$KVER" > kver
echo "setup ok: kernel $KVER cache $CACHE (packages $((t1-t0))s, kernel $((t2-t1))s, initramfs $((t3-t2))s)"

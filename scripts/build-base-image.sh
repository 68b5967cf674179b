#!/usr/bin/env bash
# Makes the base images docker-compose.yml builds FROM where no registry is reachable, from
# Debian packages and this host's own files only (a user with a registry builds FROM
# node:20-bookworm-slim and postgres:16 instead, README "Run with docker-compose"):
#   localhost/kubelab/node-base:20-bookworm      Debian 12 (debootstrap, minbase) + the host's Node.js 20
#                                                + busybox-static, catatonit, socat (the runner's image builder)
#   localhost/kubelab/postgres-base:15-bookworm  the same Debian 12 + Debian's postgresql (15), no cluster
#   localhost/kubelab/kubectl:host               the host's static kubectl alone, at /bin/kubectl
# Node.js 20 is not in Debian 12: the host has it from nodesource's .deb. That .deb is not
# cached here, so the files the installed package owns (`dpkg -L nodejs`) are copied after
# `dpkg --verify nodejs` has checked them against the package's md5sums: what goes in is
# byte for byte what the package installed, and the image records where it came from (npm
# aside, below).
# Idempotent: each image carries a label with the hash of its inputs and is rebuilt only when
# they change. Needs root (debootstrap, chroot). Usage:
#   DOCKER_HOST=unix:///run/kubelab/docker.sock bash scripts/build-base-image.sh
set -euo pipefail

export DOCKER_HOST=${DOCKER_HOST:-unix:///run/kubelab/docker.sock}
NODE_BASE=localhost/kubelab/node-base:20-bookworm
POSTGRES_BASE=localhost/kubelab/postgres-base:15-bookworm
KUBECTL_IMAGE=localhost/kubelab/kubectl:host
# What the runner's image builder copies from its own filesystem (lab-runner/src/images/recipes.ts).
COMMON_PACKAGES=ca-certificates,libstdc++6,busybox-static,catatonit,socat

say() { printf '[base-image] %s\n' "$*" >&2; }
die() { printf '[base-image] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: debootstrap and chroot need it"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install -y debootstrap"
command -v docker >/dev/null || die "the docker CLI is missing: apt-get install -y docker.io"
docker version >/dev/null 2>&1 || die "no Docker Engine answers on $DOCKER_HOST"
dpkg -s nodejs >/dev/null 2>&1 || die "no nodejs package on this host: the base takes Node.js 20 from it"
node_version=$(dpkg-query -W -f '${Version}' nodejs)
case "$node_version" in 20.*) ;; *) die "the host's nodejs is $node_version; the base needs Node.js 20" ;; esac
kubectl_path=$(readlink -f "$(command -v kubectl || true)")
[ -x "$kubectl_path" ] || die "no kubectl on PATH: the runner's toolbox image needs a static kubectl"

# The host's apt mirror (deb822 sources first, then sources.list), so the base uses what apt here uses.
mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\)[[:space:]]\+bookworm[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}

script_hash=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
node_inputs=$(printf '%s %s %s %s %s' "$script_hash" "$mirror" "$node_version" "$(npm --version 2>/dev/null)" "$COMMON_PACKAGES" | sha256sum | cut -c1-16)
postgres_inputs=$(printf '%s %s %s' "$script_hash" "$mirror" "$COMMON_PACKAGES" | sha256sum | cut -c1-16)
kubectl_inputs=$(sha256sum "$kubectl_path" | cut -c1-16)
current() { docker image inspect --format '{{index .Config.Labels "kubelab.base.inputs"}}' "$1" 2>/dev/null || true; }

if [ "$(current "$KUBECTL_IMAGE")" != "$kubectl_inputs" ]; then
  say "importing the host's kubectl ($kubectl_path) as $KUBECTL_IMAGE"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/bin" && cp "$kubectl_path" "$tmp/bin/kubectl"
  tar -C "$tmp" -cf - bin | docker import --change "LABEL kubelab.base.inputs=$kubectl_inputs" - "$KUBECTL_IMAGE" >/dev/null
  rm -rf "$tmp"; trap - EXIT
fi

if [ "$(current "$NODE_BASE")" = "$node_inputs" ] && [ "$(current "$POSTGRES_BASE")" = "$postgres_inputs" ]; then
  say "base images are up to date ($NODE_BASE, $POSTGRES_BASE)"
  exit 0
fi

work=$(mktemp -d /var/tmp/kubelab-base.XXXXXX)
cleanup() {
  for dir in "$work"/*/proc; do mountpoint -q "$dir" && umount "$dir"; done 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$work/debian

started=$(date +%s)
say "debootstrap bookworm (minbase + $COMMON_PACKAGES) from $mirror"
debootstrap --variant=minbase --include="$COMMON_PACKAGES" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (its log is above)"; }
# The image's apt points at the same mirror; its package lists are left out (apt-get update fetches them).
printf 'deb %s bookworm main\n' "$mirror" > "$rootfs/etc/apt/sources.list"
chroot "$rootfs" apt-get clean

# import <rootfs> <image> <inputs>: the rootfs as a single-layer image, without caches and logs.
import_rootfs() {
  tar -C "$1" --numeric-owner --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* \
    --exclude=./var/lib/apt/lists/* --exclude=./var/cache/apt/* --exclude=./var/log/* -cf - . |
    docker import --change "LABEL kubelab.base.inputs=$3" --change 'ENV LANG=C.UTF-8' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["/bin/bash"]' - "$2" >/dev/null
}

say "adding PostgreSQL (Debian's postgresql) for $POSTGRES_BASE"
cp -a "$rootfs" "$work/postgres"
# No cluster at install time (the container's entrypoint makes one in its volume) and no service start.
mkdir -p "$work/postgres/etc/postgresql-common"
printf 'create_main_cluster = false\n' > "$work/postgres/etc/postgresql-common/createcluster.conf"
printf '#!/bin/sh\nexit 101\n' > "$work/postgres/usr/sbin/policy-rc.d" && chmod 755 "$work/postgres/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$work/postgres/etc/resolv.conf"
mount -t proc proc "$work/postgres/proc"
chroot "$work/postgres" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold postgresql && apt-get clean' \
  >"$work/postgres.log" 2>&1 || { tail -20 "$work/postgres.log" >&2; die "installing postgresql failed (its log is above)"; }
umount "$work/postgres/proc"
rm -f "$work/postgres/usr/sbin/policy-rc.d" && : > "$work/postgres/etc/resolv.conf"
import_rootfs "$work/postgres" "$POSTGRES_BASE" "$postgres_inputs"

say "adding the host's Node.js $node_version for $NODE_BASE"
# npm is the exception: the package bundles one, and a host may have upgraded it since
# (`npm install -g npm`); the base takes the npm this host runs, whole, and records its version.
npm_dir=usr/lib/node_modules/npm
changed=$(dpkg --verify nodejs | grep -v " /$npm_dir/" || true)
[ -z "$changed" ] || die "the host's nodejs files differ from its package (dpkg --verify nodejs): refusing to copy them:
$changed"
dpkg -L nodejs | while read -r f; do
  case "$f" in "/$npm_dir"|"/$npm_dir"/*) continue ;; esac
  if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\n' "${f#/}"; fi
done > "$work/node-files"
tar -C / -cf - --no-recursion -T "$work/node-files" | tar -C "$rootfs" -xf -
tar -C / -cf - "$npm_dir" | tar -C "$rootfs" -xf -
npm_version=$(node -p "require('/$npm_dir/package.json').version")
mkdir -p "$rootfs/usr/share/doc/nodejs"
printf 'Copied from the build host'\''s installed package nodejs %s (dpkg -L nodejs, checked by dpkg --verify)\nand the host'\''s npm %s, by kubelab scripts/build-base-image.sh on %s.\n' \
  "$node_version" "$npm_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$rootfs/usr/share/doc/nodejs/KUBELAB-SOURCE"
chroot "$rootfs" node --version >/dev/null || die "node does not run inside the new base"
import_rootfs "$rootfs" "$NODE_BASE" "$node_inputs"

say "built $NODE_BASE and $POSTGRES_BASE in $(( $(date +%s) - started )) s"

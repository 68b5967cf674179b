#!/usr/bin/env bash
# Installs and starts what the platform needs from the operating system, idempotently:
# Debian packages, Podman configured for this kernel, and Podman's Docker-compatible API
# service on /run/kubelab/podman.sock. Sourced by start.sh and test.sh.
#   KUBELAB_WITH_TEST_PACKAGES=1 also installs what only the tests use (chromium, tmux, and a
#   CJK font so Chinese pages render in screenshots instead of boxes).
set -euo pipefail

KUBELAB_RUN_DIR=${KUBELAB_RUN_DIR:-/run/kubelab}
PODMAN_SOCK="$KUBELAB_RUN_DIR/podman.sock"

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

need_pkgs=()
for pair in podman:podman runc:runc busybox-static:/bin/busybox catatonit:catatonit socat:socat; do
  pkg=${pair%%:*}; probe=${pair#*:}
  if [ "${probe#/}" != "$probe" ]; then
    dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
  else
    command -v "$probe" >/dev/null 2>&1 || need_pkgs+=("$pkg")
  fi
done
if [ "${KUBELAB_WITH_TEST_PACKAGES:-0}" = 1 ]; then
  [ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
  command -v tmux >/dev/null 2>&1 || need_pkgs+=(tmux)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_pkgs+=(fonts-noto-cjk)
fi

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "missing Debian packages: ${need_pkgs[*]}. Install them as root: sudo apt-get install -y ${need_pkgs[*]}"
  fi
  say "installing Debian packages: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if ! command -v kubectl >/dev/null 2>&1; then
  die "no kubectl on PATH. The learner's toolbox and the tests need a static kubectl (1.27 or newer): install Debian/Ubuntu's 'kubectl' package or place the official static binary at /usr/local/bin/kubectl"
fi

# Podman on this kernel: crun fails on hybrid cgroups, systemd is not PID 1, and raising
# rlimits is not permitted, so the defaults must be lowered to what we may set.
conf=/etc/containers/containers.conf
# RLIMIT_NPROC counts every process of the user (root) on the machine, so it is no sandbox
# limit (each sandbox's cgroup pids.max is). Podman's API service keeps exited conmon processes
# as zombies for about five minutes, and a busy hour of Pods can hold thousands of them: the
# containers' nproc must sit well above that, and may not exceed our own hard limit.
nproc_hard=$(ulimit -Hu)
if [ "$nproc_hard" = unlimited ] || [ "$nproc_hard" -gt 16384 ]; then nproc=16384; else nproc=$nproc_hard; fi
want_conf="# Written by Kubelab scripts/setup-system.sh
[containers]
default_ulimits = [\"nofile=20000:20000\", \"nproc=$nproc:$nproc\"]
log_driver = \"k8s-file\"

[engine]
# Podman keeps a monitor process per exec for 5 minutes by default, inside the sandbox cgroup,
# where it counts against the sandbox pids and memory limits.
exit_command_delay = 10
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\"
"
if [ "$(cat "$conf" 2>/dev/null)" != "$(printf '%s' "$want_conf")" ]; then
  [ "$(id -u)" = 0 ] || die "$conf must set runtime=runc and cgroup_manager=cgroupfs; run this once as root"
  say "configuring Podman ($conf)"
  mkdir -p /etc/containers
  printf '%s' "$want_conf" > "$conf"
  conf_changed=1
fi

mkdir -p "$KUBELAB_RUN_DIR"
if [ "${conf_changed:-0}" = 1 ] && pkill -f "podman system service --time=0 unix://$PODMAN_SOCK" 2>/dev/null; then
  say "restarting Podman's API service for the new configuration"
  sleep 1
fi
if ! curl -s --max-time 3 --unix-socket "$PODMAN_SOCK" http://d/_ping 2>/dev/null | grep -q OK; then
  say "starting Podman's Docker-compatible API on $PODMAN_SOCK"
  rm -f "$PODMAN_SOCK"
  # Run from our own directory: conmon drops an `oom` file into the service's working directory
  # when a container is OOM-killed, which would otherwise land in whatever folder started us.
  (cd "$KUBELAB_RUN_DIR" && exec nohup podman system service --time=0 "unix://$PODMAN_SOCK" >"$KUBELAB_RUN_DIR/podman-service.log" 2>&1) &
  for _ in $(seq 1 100); do
    curl -s --max-time 1 --unix-socket "$PODMAN_SOCK" http://d/_ping 2>/dev/null | grep -q OK && break
    sleep 0.1
  done
  curl -s --max-time 2 --unix-socket "$PODMAN_SOCK" http://d/_ping | grep -q OK \
    || die "Podman's API did not come up; see $KUBELAB_RUN_DIR/podman-service.log"
fi
export DOCKER_HOST="unix://$PODMAN_SOCK"

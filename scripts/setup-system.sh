#!/usr/bin/env bash
# Installs and starts what the platform needs from the operating system, idempotently:
# Debian packages, Podman configured for this kernel, and Podman's Docker-compatible API
# service on /run/kubelab/podman.sock. Sourced by start.sh and test.sh.
#   KUBELAB_WITH_TEST_PACKAGES=1 also installs what only the tests use (chromium, tmux, and a
#   CJK font so Chinese pages render in screenshots instead of boxes, docker-compose and
#   debootstrap for the compose stack test), and the Docker Engine, because `npm test` runs the
#   kubelet, provider and isolation suites on both engines.
#   KUBELAB_ENGINE=docker installs and starts the Docker Engine (Debian's docker.io) on
#   /run/kubelab/docker.sock as well and exports DOCKER_HOST for it; Podman stays the default.
#   dockerd runs with its own socket, data and exec directories and never touches the host's
#   network (no bridge, no iptables, no forwarding): every container runs with NetworkMode none.
set -euo pipefail

KUBELAB_RUN_DIR=${KUBELAB_RUN_DIR:-/run/kubelab}
PODMAN_SOCK="$KUBELAB_RUN_DIR/podman.sock"
DOCKER_SOCK="$KUBELAB_RUN_DIR/docker.sock"
KUBELAB_ENGINE=${KUBELAB_ENGINE:-podman}
case "$KUBELAB_ENGINE" in podman|docker) ;; *) printf '[setup] error: KUBELAB_ENGINE must be podman or docker (got "%s")\n' "$KUBELAB_ENGINE" >&2; exit 1 ;; esac
want_docker=0
if [ "$KUBELAB_ENGINE" = docker ] || [ "${KUBELAB_WITH_TEST_PACKAGES:-0}" = 1 ]; then want_docker=1; fi

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
# Whether the engine API on socket $1 answers /_ping.
answers() { curl -s --max-time "${2:-3}" --unix-socket "$1" http://d/_ping 2>/dev/null | grep -q OK; }
# Waits up to $2 tenths of a second for the engine API on socket $1; else dies naming $3.
await_engine() {
  for _ in $(seq 1 "$2"); do answers "$1" 1 && return 0; sleep 0.1; done
  answers "$1" 2 || die "$3"
}

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
  # The docker-compose stack test (docker/compose.test.ts): Debian's docker-compose (1.29), and
  # debootstrap for the base images scripts/build-base-image.sh makes without a registry.
  command -v docker-compose >/dev/null 2>&1 || need_pkgs+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
fi
if [ "$want_docker" = 1 ]; then
  [ -x /usr/sbin/dockerd ] || need_pkgs+=(docker.io)
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

# User namespaces: Podman's --userns=auto hands each sandbox a range of host ids from the
# `containers` user's subordinate ids, so container root is an unprivileged uid on the host.
# The upper half of the uid space is what Podman's documentation suggests; nothing else uses it.
for idfile in /etc/subuid /etc/subgid; do
  if ! grep -q '^containers:' "$idfile" 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      say "adding a subordinate id range for user namespaces ($idfile)"
      echo "containers:2147483647:2147483648" >> "$idfile"
    else
      say "warning: $idfile has no 'containers' range; sandboxes run without user namespaces"
    fi
  fi
done

mkdir -p "$KUBELAB_RUN_DIR"
if [ "${conf_changed:-0}" = 1 ] && pkill -f "podman system service --time=0 unix://$PODMAN_SOCK" 2>/dev/null; then
  say "restarting Podman's API service for the new configuration"
  sleep 1
fi
if ! answers "$PODMAN_SOCK"; then
  say "starting Podman's Docker-compatible API on $PODMAN_SOCK"
  rm -f "$PODMAN_SOCK"
  # Run from our own directory: conmon drops an `oom` file into the service's working directory
  # when a container is OOM-killed, which would otherwise land in whatever folder started us.
  (cd "$KUBELAB_RUN_DIR" && exec nohup podman system service --time=0 "unix://$PODMAN_SOCK" >"$KUBELAB_RUN_DIR/podman-service.log" 2>&1) &
  await_engine "$PODMAN_SOCK" 100 "Podman's API did not come up; see $KUBELAB_RUN_DIR/podman-service.log"
fi
export DOCKER_HOST="unix://$PODMAN_SOCK"

# The Docker Engine beside Podman: its own socket, data root and exec root, so it shares
# nothing with a Docker the host may run, and no network setup at all (--bridge=none and no
# iptables/forwarding/masquerading): containers get NetworkMode none, as on Podman. cgroupfs
# is dockerd's driver when systemd is not PID 1, as here; runc is its default runtime.
# --userns-remap: container root is an unprivileged host uid on Docker too. Docker has one
# remapping for the whole daemon (docs/engines.md), from the `dockremap` user's subordinate
# ids: a range of its own, below Podman's `containers` range, so the two never overlap.
DOCKREMAP_RANGE="dockremap:1073741824:65536"
if [ "$want_docker" = 1 ]; then
  # The platform's logs directory (data/logs, or under KUBELAB_DATA_DIR as scripts/lib/paths.ts reads it).
  log_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  case "${KUBELAB_DATA_DIR:-data}" in /*) log_dir=${KUBELAB_DATA_DIR}/logs ;; *) log_dir=$log_dir/${KUBELAB_DATA_DIR:-data}/logs ;; esac
  docker_info=$(curl -s --max-time 3 --unix-socket "$DOCKER_SOCK" http://d/info 2>/dev/null || true)
  if [ -n "$docker_info" ] && ! printf '%s' "$docker_info" | grep -q 'name=userns' && [ -f /run/kubelab-docker.pid ]; then
    # Ours (started with our pid file) by an older setup without the remapping: restart it.
    say "restarting the Docker Engine with user namespace remapping"
    kill "$(cat /run/kubelab-docker.pid)" 2>/dev/null || true
    for _ in $(seq 1 100); do answers "$DOCKER_SOCK" 1 || break; sleep 0.1; done
  fi
  if ! answers "$DOCKER_SOCK"; then
    [ "$(id -u)" = 0 ] || die "the Docker Engine is not running on $DOCKER_SOCK and only root may start it; run this once as root"
    id dockremap >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin dockremap
    for idfile in /etc/subuid /etc/subgid; do
      grep -q '^dockremap:' "$idfile" 2>/dev/null || echo "$DOCKREMAP_RANGE" >> "$idfile"
    done
    mkdir -p "$log_dir"
    say "starting the Docker Engine on $DOCKER_SOCK (log: $log_dir/dockerd.log)"
    # A dockerd that died leaves its pid file behind, and a new one refuses to start over it.
    if [ -f /run/kubelab-docker.pid ] && ! kill -0 "$(cat /run/kubelab-docker.pid)" 2>/dev/null; then rm -f /run/kubelab-docker.pid; fi
    rm -f "$DOCKER_SOCK"
    (cd "$KUBELAB_RUN_DIR" && exec nohup dockerd -H "unix://$DOCKER_SOCK" \
      --data-root /var/lib/kubelab-docker --exec-root /run/kubelab-docker --pidfile /run/kubelab-docker.pid \
      --containerd-namespace kubelab --containerd-plugins-namespace kubelab-plugins \
      --iptables=false --ip6tables=false --bridge=none --ip-forward=false --ip-masq=false --userland-proxy=false \
      --exec-opt native.cgroupdriver=cgroupfs --default-runtime runc --userns-remap dockremap \
      --log-driver json-file >>"$log_dir/dockerd.log" 2>&1) &
    await_engine "$DOCKER_SOCK" 300 "the Docker Engine did not come up on $DOCKER_SOCK; see $log_dir/dockerd.log"
  fi
  export KUBELAB_DOCKER_HOST="unix://$DOCKER_SOCK"
  if [ "$KUBELAB_ENGINE" = docker ]; then export DOCKER_HOST="unix://$DOCKER_SOCK"; fi
fi

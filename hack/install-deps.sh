#!/usr/bin/env bash
# Installs the system parts berth's tests and quickstart need: etcd, the Docker engine, busybox-static,
# zsh and fish (the completion scripts are tested in the shells they are for), HAProxy (the load
# balancer's data plane), wrk (the load generator of the traffic benchmarks), and Debian's awscli and
# python3-boto3 (the real clients the ECS API is tested with), and Debian's chromium (the web console's
# tests drive it headless through playwright-core; no browser is downloaded).
# On Debian as root it installs what is missing with apt-get; elsewhere it says what to install.
source "$(dirname "$0")/lib.sh"

missing=()
command -v etcd >/dev/null || missing+=(etcd-server)
command -v dockerd >/dev/null || missing+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && file_static=$(ldd /bin/busybox 2>&1 || true)
if [ ! -x /bin/busybox ] || ! echo "${file_static:-}" | grep -q 'not a dynamic'; then missing+=(busybox-static); fi
command -v curl >/dev/null || missing+=(curl)
command -v ip >/dev/null || missing+=(iproute2)
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/bin/aws ] || missing+=(awscli)
/usr/bin/python3 -c 'import boto3' 2>/dev/null || missing+=(python3-boto3)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && { say "system packages present"; exit 0; }

if [ -r /etc/debian_version ] && [ "$(id -u)" = 0 ]; then
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  die "missing: ${missing[*]}. On Debian/Ubuntu run as root: apt-get install -y ${missing[*]}; elsewhere install etcd (>=3.4), Docker Engine and a static busybox from your distribution."
fi

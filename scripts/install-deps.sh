#!/usr/bin/env bash
# The one place that installs packages for botmon (guides/LIBRARIES.md 2.9).
#
#   scripts/install-deps.sh [build] [test] [browser] [all]
#
# Groups: build (compile and run botmon; `make run` needs only this; it also fetches the
#               dashboard's pinned libraries with npm into web/vendor/, see web_vendor below),
#         test (test frameworks and the real servers the tests start),
#         browser (Debian's Chromium for the dashboard tests).
# Idempotent: a group whose packages are all installed costs one dpkg query.
# Services shipped by packages (postgresql, redis, influxdb, prometheus...) are never started
# by the install: a policy-rc.d forbids it while apt runs. Tests start their own instances.
set -euo pipefail

BUILD_PKGS=(cmake g++ make pkg-config ccache xxd
  libboost1.81-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev
  nlohmann-json3-dev libsimdjson-dev libyaml-cpp-dev
  libsqlite3-dev libpq-dev libhiredis-dev
  libcli11-dev libspdlog-dev libfmt-dev prometheus-cpp-dev
  libsodium-dev libre2-dev libhowardhinnant-date-dev tzdata
  curl ca-certificates nodejs npm)
TEST_PKGS=(libgtest-dev libgmock-dev libbenchmark-dev clang
  postgresql redis-server influxdb python3-aiosmtpd prometheus wrk victoria-metrics)
BROWSER_PKGS=(chromium nodejs npm)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build)
want=()
for g in "${groups[@]}"; do
  case "$g" in
    build) want+=("${BUILD_PKGS[@]}") ;;
    test) want+=("${TEST_PKGS[@]}") ;;
    browser) want+=("${BROWSER_PKGS[@]}") ;;
    all) want+=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${BROWSER_PKGS[@]}") ;;
    *) echo "install-deps: unknown group '$g' (use build, test, browser or all)" >&2; exit 2 ;;
  esac
done

# The dashboard's libraries (Preact, htm, uPlot; pinned by web/package-lock.json) come from npm
# at install time rather than being copied into the repository: `npm ci` in web/, then
# web/vendor.sh copies the minified files the build embeds into web/vendor/ (not committed).
# Skipped when web/vendor/ already matches node_modules.
web_vendor() {
  local web
  web="$(cd "$(dirname "$0")/.." && pwd)/web"
  if [ -d "$web/node_modules" ] && "$web/vendor.sh" --check >/dev/null 2>&1; then return 0; fi
  echo "install-deps: fetching the dashboard's libraries (npm ci in web/)" >&2
  for i in 1 2 3; do
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error) && break
    [ "$i" = 3 ] && { echo "install-deps: npm ci in web/ failed" >&2; return 1; }
    echo "install-deps: npm ci failed (try $i), retrying in 15 s" >&2
    sleep 15
  done
  "$web/vendor.sh"
}
wants_build=0
for g in "${groups[@]}"; do
  case "$g" in build | all) wants_build=1 ;; esac
done
after_packages() {
  if [ "$wants_build" = 1 ]; then web_vendor; fi
}

missing=()
for p in "${want[@]}"; do
  # nodejs/npm may come from the machine image rather than Debian: a working command is enough.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  after_packages
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive

# Forbid service starts during the install; restore whatever was there afterwards.
policy=/usr/sbin/policy-rc.d
had_policy=0
if [ -e "$policy" ]; then had_policy=1; $SUDO cp -p "$policy" "$policy.botmon-saved"; fi
restore_policy() {
  if [ "$had_policy" = 1 ]; then $SUDO mv -f "$policy.botmon-saved" "$policy"; else $SUDO rm -f "$policy"; fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
$SUDO chmod 755 "$policy"

apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
for i in 1 2 3 4 5; do
  $SUDO apt-get "${apt_opts[@]}" update -qq && break
  echo "install-deps: apt-get update failed (try $i), retrying in 15 s" >&2
  sleep 15
done
installed=0
for i in 1 2 3; do
  if $SUDO apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
    installed=1
    break
  fi
  echo "install-deps: apt-get install failed (try $i), retrying in 15 s" >&2
  sleep 15
done
if [ "$installed" != 1 ]; then
  echo "install-deps: could not install: ${missing[*]}" >&2
  exit 1
fi
after_packages

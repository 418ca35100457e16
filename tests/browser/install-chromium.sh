#!/bin/sh
# Debian's package chromium for the browser tests (tests/browser/conftest.py drives
# /usr/bin/chromium through Playwright; no browser is ever downloaded).
#
# When /usr/bin/chromium is missing and apt-get can be used (as root, or with sudo without a
# password), the package is installed, with `apt-get update` first when the package lists are
# missing or stale. Otherwise it says why and exits 0: the browser tests are then skipped and the
# test summary says "SKIPPED GROUP browser". With --required (CI) it exits 1 instead.
set -u

CHROMIUM=/usr/bin/chromium
required=0
[ "${1:-}" = "--required" ] && required=1

give_up() {
  echo "browser tests: $1" >&2
  [ "$required" -eq 1 ] && exit 1
  exit 0
}

[ -x "$CHROMIUM" ] && exit 0
command -v apt-get >/dev/null 2>&1 || give_up "no $CHROMIUM and no apt-get to install Debian's chromium"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  give_up "no $CHROMIUM, and installing Debian's chromium needs root or sudo without a password"
fi

export DEBIAN_FRONTEND=noninteractive
echo "==> installing Debian's chromium for the browser tests"
if ! $sudo apt-get install -y -q --no-install-recommends chromium; then
  $sudo apt-get update -q || true
  $sudo apt-get install -y -q --no-install-recommends chromium \
    || give_up "apt-get could not install Debian's chromium"
fi
[ -x "$CHROMIUM" ] || give_up "Debian's chromium is installed but $CHROMIUM is missing"

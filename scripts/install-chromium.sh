#!/usr/bin/env bash
# Installs Debian's Chromium for the Playwright specs (browser downloads are unreachable here, see
# TOOLCHAIN.md). Idempotent: does nothing when /usr/bin/chromium already exists.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi

fail() {
  echo "install-chromium: $*" >&2
  echo "install-chromium: install it by hand with 'apt-get update && apt-get install -y chromium' (as root)" >&2
  exit 1
}

[[ "$(id -u)" -eq 0 ]] || fail "$CHROMIUM is missing and installing it needs root"
command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and apt-get is not available (not Debian?)"

echo "install-chromium: installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || fail "apt-get update failed"
apt-get install -y -qq chromium || fail "apt-get install chromium failed"
[[ -x "$CHROMIUM" ]] || fail "chromium was installed but $CHROMIUM does not exist"
echo "install-chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM installed")"

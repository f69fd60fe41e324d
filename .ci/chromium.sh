#!/usr/bin/env bash
# The browser the Explorer's tests drive (test/explorer, playwright-core): Debian's chromium at
# /usr/bin/chromium, installed with apt-get when missing (root, or sudo without a password).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  apt-get update && apt-get install -y chromium
else
  sudo -n apt-get update && sudo -n apt-get install -y chromium
fi

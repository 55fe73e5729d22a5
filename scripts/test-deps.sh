#!/usr/bin/env bash
# What the test suite needs besides npm packages: git, tmux (real multiplexer tests), chromium
# (the HTML report is tested in a real browser), `script`, and OpenSSH's server and client
# (remote-host tests start their own sshd on 127.0.0.1). Installs what is missing with
# apt-get when run as root on Debian/Ubuntu; otherwise says what to install.
set -euo pipefail
missing=()
command -v git >/dev/null || missing+=(git)
command -v tmux >/dev/null || missing+=(tmux)
command -v chromium >/dev/null || missing+=(chromium)
command -v script >/dev/null || missing+=(bsdutils)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v ssh >/dev/null || missing+=(openssh-client)
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "test-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "test-deps: the tests need ${missing[*]}; install them (e.g. sudo apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi

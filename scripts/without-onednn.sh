#!/bin/bash
# Runs a command as on a machine without oneDNN: in a private mount namespace (root, util-linux's unshare) where
# overlays hide oneDNN's headers and libraries, so @tfai/native's build fails as it would there ("oneDNN not found")
# and tfai falls back to its wasm kernels. Nothing changes outside the command.
#   sudo scripts/without-onednn.sh node scripts/bare-clone.mjs --suite
# (a bare clone of HEAD, `npm ci --offline` and the whole `npm test`: native tests are skipped by name, with the reason)
set -euo pipefail
exec unshare -m bash -c '
set -euo pipefail
work=$(mktemp -d)
hide() { # a folder, then the names to hide in it
  local d=$1; shift
  local o="$work/$(echo "$d" | tr / _)"
  mkdir -p "$o/up" "$o/work" "$o/merged"
  mount -t overlay overlay -o "lowerdir=$d,upperdir=$o/up,workdir=$o/work" "$o/merged"
  for p in "$@"; do rm -rf "$o/merged"/$p; done
  mount --bind "$o/merged" "$d"
}
hide /usr/include "dnnl*" oneapi
hide /usr/lib/x86_64-linux-gnu "libdnnl*"
"$@"
' bash "$@"

#!/usr/bin/env bash
# make demo: carry the example network as far as lifkit goes today.
set -euo pipefail
cd "$(dirname "$0")/.."
LIFKIT=${1:-build/lifkit}
step() { printf '\n=== %s\n' "$*"; }

step "1. The example network (examples/groups: which of four input groups is brightest)"
"$LIFKIT" net inspect examples/groups/net.yaml

step "2. Bit-exact integer simulation of its 40 labelled samples (on-chip LFSR encoder)"
"$LIFKIT" sim --net examples/groups/net.yaml --input examples/groups/input.yaml --trace build/groups-trace.csv

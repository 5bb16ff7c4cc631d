#!/usr/bin/env bash
# make demo: carry a network from data to a (co-simulated or real) board, as far as lifkit goes
# today. Every step prints what it did; the first failing step stops the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
LIFKIT=${1:-build/lifkit}
NET=examples/groups/net.yaml
IN=examples/groups/input.yaml
step() { printf '\n=== %s\n' "$*"; }

step "1. Train: a 20-128-10 network on randman, quantization-aware, 8-bit weights; export; evaluate with sim"
"$LIFKIT" train-demo --dir build/demo

step "2. The example network (examples/groups: which of four input groups is brightest)"
"$LIFKIT" net inspect "$NET"

step "3. Bit-exact integer simulation of its 40 labelled samples (on-chip LFSR encoder)"
"$LIFKIT" sim --net "$NET" --input "$IN" --trace build/groups-trace.csv

step "4. The same samples on the Verilog core (Verilator), every neuron's state compared with sim at every step"
"$LIFKIT" rtl verify --net "$NET" --input "$IN"

step "5. The same samples through the co-simulated board: host driver -> UART bits -> link -> core, answers compared with sim"
"$LIFKIT" cosim --net "$NET" --input "$IN"

step "6. An iCEBreaker bitstream for the core and its host link, and its report (Yosys, nextpnr-ice40, icepack)"
# rtl/top (core + framed link) with 4 lanes on the UP5K at the default 50 MHz; placer seeds 1-3,
# the first that meets timing wins (docs/bitstreams.md, "Figures").
"$LIFKIT" build --board icebreaker --net "$NET" --seeds 3 --out build/demo

step "7. A real board: flash it and run the network, or say how when none is attached"
"$LIFKIT" board-demo --bitstream build/demo/icebreaker.bin --net "$NET" --input "$IN" --board icebreaker

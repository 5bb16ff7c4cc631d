#!/bin/sh
# testbench/fmax/fmax.sh: place and route lif_core alone (lif_fmax_top probe) on iCE40 UP5K
# (8 lanes, SPRAM weights) and print nextpnr's fmax and utilization (`make bench`).
# YOSYS and NEXTPNR_ICE40 override the tools on PATH; SEED the placer seed; FREQ the target MHz.
# PARAMS: yosys chparam settings of the probe, e.g. "-set NEUR_AW 9 -set LAYER_AW 8" (784-256-10).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
YOSYS=${YOSYS:-yosys}
NEXTPNR_ICE40=${NEXTPNR_ICE40:-nextpnr-ice40}
OUT=${OUT:-$ROOT/build/fmax}
SEED=${SEED:-1}
FREQ=${FREQ:-60}
PARAMS=${PARAMS:-}
CHPARAM=""
[ -n "$PARAMS" ] && CHPARAM="chparam $PARAMS lif_fmax_top;"
mkdir -p "$OUT"
command -v "$YOSYS" >/dev/null || { echo "fmax.sh: yosys not found; install it or set YOSYS" >&2; exit 2; }
command -v "$NEXTPNR_ICE40" >/dev/null || { echo "fmax.sh: nextpnr-ice40 not found; install it or set NEXTPNR_ICE40" >&2; exit 2; }
SRCS=$(ls "$ROOT"/rtl/core/*.v | tr "\n" " ")
"$YOSYS" -q -l "$OUT/up5k-synth.log" -p "read_verilog -lib +/ice40/cells_sim.v; read_verilog -I$ROOT/rtl/core $SRCS $ROOT/testbench/fmax/lif_fmax_top.v; $CHPARAM synth_ice40 -dsp -top lif_fmax_top -json $OUT/up5k.json" >/dev/null
cat > "$OUT/up5k.pcf" <<PCF
set_io clk_i 35
set_io rst_i 2
set_io sin_i 3
set_io sout_o 4
PCF
"$NEXTPNR_ICE40" --up5k --package sg48 --pcf "$OUT/up5k.pcf" --json "$OUT/up5k.json" --asc "$OUT/up5k.asc" \
    --freq "$FREQ" --seed "$SEED" --timing-allow-fail --report "$OUT/up5k-report.json" -q -l "$OUT/up5k-pnr.log" >/dev/null 2>&1 || {
    echo "fmax.sh: nextpnr failed, see $OUT/up5k-pnr.log" >&2; tail -20 "$OUT/up5k-pnr.log" >&2; exit 1; }
python3 - "$OUT/up5k-report.json" <<'PY' 2>/dev/null || cat "$OUT/up5k-report.json"
import json, sys
r = json.load(open(sys.argv[1]))
for clk, f in r.get("fmax", {}).items():
    print("fmax %s: %.1f MHz (constraint %.1f)" % (clk, f["achieved"], f["constraint"]))
for bel, u in sorted(r.get("utilization", {}).items()):
    if u["used"]:
        print("util %-14s %5d / %5d" % (bel, u["used"], u["available"]))
PY

#!/bin/sh
# rtl/link/fmax/fmax.sh: place and route link_host alone (iCE40 top parameters, beside the
# stand-in core of link_fmax_top.v) on an iCE40 UP5K (iCEBreaker pins) at FREQ MHz (default
# 50) and print the utilisation, the fmax and the critical path. Tools: YOSYS, NEXTPNR_ICE40
# override the binaries on PATH; OUT (default build/link-fmax) keeps the logs.
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
YOSYS=${YOSYS:-yosys}
NEXTPNR=${NEXTPNR_ICE40:-nextpnr-ice40}
FREQ=${FREQ:-50}
OUT=${OUT:-$ROOT/build/link-fmax}
mkdir -p "$OUT"
LINK="$ROOT/rtl/link"
printf 'set_io clk_i 35\nset_io uart_rx_i 6\nset_io uart_tx_o 9\n' > "$OUT/fmax.pcf"
"$YOSYS" -q -l "$OUT/synth.log" -p "read_verilog $LINK/*.v $LINK/fmax/link_fmax_top.v; synth_ice40 -top link_fmax_top -json $OUT/fmax.json" >/dev/null
"$NEXTPNR" -q --up5k --package sg48 --pcf "$OUT/fmax.pcf" --json "$OUT/fmax.json" --freq "$FREQ" --seed 1 \
    --log "$OUT/pnr.log" >/dev/null 2>&1 || { echo "rtl/link/fmax.sh: nextpnr failed, see $OUT/pnr.log" >&2; exit 1; }
grep -E "ICESTORM_LC:|ICESTORM_RAM:" "$OUT/pnr.log" | tail -2
grep -E "Max frequency for clock" "$OUT/pnr.log" | tail -1
sed -n '/Critical path report for clock/,/^Info: *$/p' "$OUT/pnr.log" | grep -E "Source|Sink|Info: [0-9. ]+ +[0-9.]+ +Net|Critical" | head -4
sed -n '/Critical path report for clock/,/Info: [0-9.]* ns logic/p' "$OUT/pnr.log" | grep -E "Source|Sink" | sed -n '1p;$p'

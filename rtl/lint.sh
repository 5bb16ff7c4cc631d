#!/bin/sh
# rtl/lint.sh: lint and synthesis checks of the lif_core RTL (issue 3, `make lint`).
#   1. verilator --lint-only -Wall over several parameter sets (waivers only in rtl/lif.vlt)
#   2. yosys: no latch after proc; synth_ice40 for UP5K (SPRAM weights, -dsp) and HX8K (block
#      RAM weights); synth_ecp5. Utilization is printed from each run's `stat`.
# Tools: VERILATOR and YOSYS override the binaries on PATH. OUT (default build/rtl-lint) keeps
# the logs and netlists. Exit status is nonzero on the first failure.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERILATOR=${VERILATOR:-verilator}
YOSYS=${YOSYS:-yosys}
OUT=${OUT:-$ROOT/build/rtl-lint}
mkdir -p "$OUT"
command -v "$VERILATOR" >/dev/null || { echo "rtl/lint.sh: verilator not found; install it or set VERILATOR" >&2; exit 2; }
command -v "$YOSYS" >/dev/null || { echo "rtl/lint.sh: yosys not found; install it or set YOSYS" >&2; exit 2; }
CORE="$ROOT/rtl/core"
SRCS=$(ls "$CORE"/*.v | tr "\n" " ")

lint() {
    echo "lint: verilator -Wall $*"
    "$VERILATOR" --lint-only -Wall -I"$CORE" -I"$CORE/sim" "$ROOT/rtl/lif.vlt" "$CORE/lif_core.v" \
        --top-module lif_core "$@"
}
lint
lint -GLANES=1 -GSMAX=8 -GACC_W=8
lint -GLANES=2 -GSMAX=24 -GACC_W=32 -GLAYERS_MAX=1
lint -GLANES=16 -GLAYER_AW=8 -GSMAX=24 -GACC_W=32
lint -GLANES=8 -GWMEM_SPRAM=1 -GLAYERS_MAX=16 -GNEUR_AW=16 -GLAYER_AW=16 -GIN_AW=16
lint -GLANES=8 -GWMEM_SPRAM=1 -GDECAY_MAC=1
lint -GLANES=4 -GWMEM_SPRAM=1 -GWMEM_AW=15 -GNEUR_AW=8 -GLAYER_AW=7 -GDECAY_MAC=1
lint -GLANES=2 -GWMEM_SPRAM=1 -GWMEM_AW=16 -GNEUR_AW=8 -GLAYER_AW=7

# yosys: $1 name, $2 chparam list, $3 synth command
synth() {
    name=$1; params=$2; cmd=$3; lib=${4:-}
    echo "synth: $name ($cmd)"
    "$YOSYS" -q -l "$OUT/$name.log" -p "$lib read_verilog -I$CORE $SRCS; chparam $params lif_core; hierarchy -check -top lif_core; proc; select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr; $cmd; select -assert-none t:*LATCH* t:\$_DLATCH_*; tee -o $OUT/$name.stat stat" >/dev/null
    if grep -q "Latch inferred" "$OUT/$name.log"; then
        echo "rtl/lint.sh: $name: latch inferred (see $OUT/$name.log)" >&2; exit 1
    fi
    sed -n '/Number of cells/,/^$/p' "$OUT/$name.stat" | tail -n +1 | head -20
}
UP5K="-set LANES 8 -set SMAX 16 -set ACC_W 20 -set LAYERS_MAX 4 -set NEUR_AW 8 -set LAYER_AW 7 -set IN_AW 10 -set WMEM_AW 14 -set WMEM_SPRAM 1"
HX8K="-set LANES 4 -set SMAX 16 -set ACC_W 16 -set LAYERS_MAX 4 -set NEUR_AW 6 -set LAYER_AW 5 -set IN_AW 10 -set WMEM_AW 11"
ECP5="-set LANES 16 -set SMAX 24 -set ACC_W 24 -set LAYERS_MAX 4 -set NEUR_AW 9 -set LAYER_AW 8 -set IN_AW 10 -set WMEM_AW 12"
synth up5k "$UP5K" "synth_ice40 -dsp -top lif_core -json $OUT/up5k.json" "read_verilog -lib +/ice40/cells_sim.v;"
synth hx8k "$HX8K" "synth_ice40 -top lif_core -json $OUT/hx8k.json"
synth ecp5 "$ECP5" "synth_ecp5 -top lif_core -json $OUT/ecp5.json"
echo "rtl/lint.sh: ok"

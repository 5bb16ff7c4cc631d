#!/usr/bin/env bash
# Installs what lifkit's demo and tests need and does nothing when all of it is present.
# Debian/Ubuntu packages (yosys, nextpnr-ice40, icestorm, verilator, iverilog, libusb, the
# Fashion-MNIST data set), the Go modules of go.mod, and the YoWASP tools for ECP5 (see
# scripts/yowasp.sh). Safe to run again; run as root or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# Debian packages: name of the package, then a command or file that proves it is there.
pkgs=(
  "yosys:yosys"
  "nextpnr-ice40:nextpnr-ice40"
  "fpga-icestorm:icepack"
  "verilator:verilator"
  "iverilog:iverilog"
  "libusb-1.0-0-dev:/usr/include/libusb-1.0/libusb.h"
  "pkg-config:pkg-config"
  "g++:g++"
  "make:make"
  "dataset-fashion-mnist:/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
)
missing=()
for p in "${pkgs[@]}"; do
  name=${p%%:*} probe=${p#*:}
  if [[ $probe == /* ]]; then [[ -e $probe ]] && continue; else command -v "$probe" >/dev/null 2>&1 && continue; fi
  missing+=("$name")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    SUDO=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v go >/dev/null || { say "Go 1.26 is not on PATH; install it from your distribution or go.dev"; exit 1; }
# Go modules: a no-op when the module cache already has them.
if ! go list -m all >/dev/null 2>&1 || ! go list -deps ./... >/dev/null 2>&1; then
  say "downloading Go modules"
  go mod download
fi

# YoWASP fallbacks for tools Debian lacks (nextpnr-ecp5, ecppack), when the bitstream area
# provides its installer.
if [[ -x scripts/yowasp.sh ]]; then
  scripts/yowasp.sh
fi
exit 0

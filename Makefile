# lifkit: the two commands a new user needs are `make demo` and `make test`; both run `setup`
# first, which installs what is missing and does nothing otherwise.

GO      ?= go
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LIFKIT  := build/lifkit
GOFLAGS_BUILD := -ldflags "-X main.version=$(VERSION)"

.PHONY: all setup build demo test bench lint soak fuzz clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@mkdir -p build
	$(GO) build $(GOFLAGS_BUILD) -o $(LIFKIT) ./cmd/lifkit

# The main job, as far as the project goes today.
demo: build
	@bash scripts/demo.sh $(LIFKIT)

# Every test of every package; CI runs this. LIFKIT_BITSTREAM_CI=1 also builds the two CI
# bitstreams (iCEBreaker 784-128-10 and ULX3S-85F) with the real tools; reports go to
# build/reports.
test: setup
	$(GO) vet ./...
	LIFKIT_BITSTREAM_CI=1 LIFKIT_REPORT_DIR=$(CURDIR)/build/reports $(GO) test -timeout 35m ./...

# Benchmarks: speed and memory figures quoted in the docs and issue notes. The RTL benchmarks
# run once each (they measure clocks, not seconds); the fmax.sh scripts place the core alone
# (placer seeds 1, 2, 3: the spread is a few MHz) and the host link alone on a UP5K and an ECP5
# (seeds 1, 2); the co-simulation measures MNIST latency per input path.
bench: setup
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./sim/... ./train/... ./hostdrv/...
	$(GO) test -run '^$$' -bench . -benchtime 1x ./testbench/ ./hostdrv/flash ./hostdrv/serial
	for s in 1 2 3; do echo "placer seed $$s:"; SEED=$$s OUT=build/fmax-$$s bash testbench/fmax/fmax.sh || exit 1; done
	for s in 1 2; do SEED=$$s sh rtl/link/fmax/fmax.sh || exit 1; SEED=$$s FAMILY=ecp5 sh rtl/link/fmax/fmax.sh || exit 1; done
	LIFKIT_MEASURE=1 $(GO) test -run TestMeasureMNISTLatency -v ./testbench/cosim

# Go formatting and vet, then the RTL lint and synthesis checks (core and host link).
lint: setup
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	bash rtl/lint.sh
	sh rtl/link/lint.sh

# Long randomized runs: 100,000 RTL-versus-sim cases, line noise through the link and the
# co-simulated board, repeated interrupted flashes against the emulator.
soak: setup
	LIFKIT_SOAK=100000 $(GO) test -timeout 0 -run TestDifferentialMatrix ./testbench/
	LIFKIT_SOAK=50 $(GO) test -timeout 60m -run 'LineNoise' ./hostdrv
	LIFKIT_SOAK=10 $(GO) test -timeout 60m -run 'LineNoise|BitNoise' ./testbench/cosim
	LIFKIT_SOAK=200 $(GO) test -run Soak ./hostdrv/flash

# The fuzz targets, a minute each.
fuzz: setup
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime 60s ./sim/netfile
	$(GO) test -run '^$$' -fuzz FuzzDecodeFrame -fuzztime 60s ./hostdrv
	$(GO) test -run '^$$' -fuzz FuzzDevice -fuzztime 60s ./hostdrv/linktest

clean:
	rm -rf build

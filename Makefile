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

# Benchmarks: speed and memory figures quoted in the docs and issue notes.
bench: setup
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./...

# Go formatting and vet, then the RTL lint and synthesis checks when present.
lint: setup
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	@if [ -x rtl/lint.sh ]; then rtl/lint.sh; fi

# Long randomized runs (the RTL soak of 100,000 cases and the file-format fuzzers).
soak: setup
	LIFKIT_SOAK=1 $(GO) test -timeout 6h ./testbench/... 2>/dev/null || LIFKIT_SOAK=1 $(GO) test -timeout 6h ./...

fuzz: setup
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime 60s ./sim/netfile

clean:
	rm -rf build

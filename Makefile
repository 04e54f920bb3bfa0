# Custodia: the two commands a fresh Debian/Ubuntu machine needs are `make run` and `make test`; both
# install what is missing first (scripts/install-deps.sh, then npm ci for the front end).

SHELL := /bin/bash
# Builds live outside the clone so repeated CI runs and fresh clones reuse them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/custodia/target
# Node.js lands in ~/.cache/custodia/node when the system has none new enough (scripts/install-deps.sh).
export PATH := $(HOME)/.cache/custodia/node/bin:$(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: deps ui build run test test-rust test-ui lint e2e fuzz fuzz-smoke fuzz-seeds cli faults bench bench-ingest bench-app bench-matching bench-harm \
	bench-bundle bench-hostile bench-checkpoint bench-report bindings help

help:
	@echo "make run    install what is missing, build, open the desktop app"
	@echo "make test   install what is missing, run every check and test (Rust, front end, end to end)"
	@echo "make e2e    the end-to-end suite alone; screenshots in target/e2e/screenshots/"
	@echo "make fuzz   every fuzz target in fuzz/ for FUZZ_SECONDS each (default 300; 8 targets); crashes in fuzz/artifacts/"
	@echo "            make fuzz FUZZ_SECONDS=600, or one target: ./scripts/fuzz.sh bundle_tar"
	@echo "make fuzz-smoke  each fuzz target for $(FUZZ_SMOKE_SECONDS) s (part of make test)"
	@echo "make fuzz-seeds  remake the committed seed corpus fuzz/seeds/ from a fresh vault and export"
	@echo "make bench  every benchmark below, in turn (about an hour; each prints its table for BENCHMARKS.md):"
	@echo "  bench-ingest    ingest throughput and memory against sha256sum + age, open time at 100k items"
	@echo "  bench-app       the app at 100k items: start, unlock to list, filter and scroll latency"
	@echo "  bench-matching  person matching quality (dev set, FEBRL3) and speed at 100k persons"
	@echo "  bench-harm      do-no-harm checks at 100k testimonies and persons"
	@echo "  bench-bundle    export and verify of a 2 GiB bundle against tar c | age"
	@echo "  bench-hostile   bundle verify of bundles built to exhaust memory or time: peak RSS and time each"
	@echo "  bench-checkpoint  consistency proofs at 1M events, and what the open-time rollback check adds"
	@echo "  bench-report      the custody report of an item with 10,000 events, HTML and PDF"
	@echo "make faults the crash harness in long mode: every fault point with abort, ENOSPC and EIO, then random SIGKILLs"
	@echo "make cli    build the custodia command ($(CARGO_TARGET_DIR)/release/custodia)"

deps:
	@./scripts/install-deps.sh

# The app embeds the built front end, so every Rust build of it needs ui/dist first.
ui: deps
	@./scripts/npm-ci-if-needed.sh ui
	cd ui && npm run build

build: ui
	$(CARGO) build --workspace --all-targets

run: ui
	$(CARGO) build -p custodia-app
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "make run: no display; starting the app under Xvfb"; \
	  xvfb-run -a -s "-screen 0 1280x800x24" $(CARGO_TARGET_DIR)/debug/custodia-app; \
	else \
	  $(CARGO_TARGET_DIR)/debug/custodia-app; \
	fi

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p custodia-cli --features failpoints --all-targets -- -D warnings
	cd ui && npm run check
	cd ui && npm run lint

test-rust: ui
	$(CARGO) test --workspace
	$(CARGO) test -p custodia-cli --features failpoints --test faults

# The crash harness (crates/custodia-cli/tests/faults): `make test` runs its short mode (every fault point
# with abort); this is the long mode. Its build has the `failpoints` feature, kept apart by Cargo's feature
# hash in the same target folder.
faults: deps
	CUSTODIA_FAULTS_LONG=1 $(CARGO) test -p custodia-cli --features failpoints --test faults -- --nocapture

test-ui: ui
	cd ui && npm test

e2e: ui
	./scripts/e2e.sh

test: lint test-rust test-ui e2e fuzz-smoke
	@echo "make test: all checks passed"

# Fuzzing (fuzz/, its own workspace and build folder): see ARCHITECTURE.md, "Fuzz targets".
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 15
export FUZZ_SECONDS

fuzz: deps
	./scripts/fuzz.sh

fuzz-smoke: deps
	FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) ./scripts/fuzz.sh

fuzz-seeds: deps
	rm -rf fuzz/seeds
	CARGO_TARGET_DIR=$(HOME)/.cache/custodia/fuzz-target $(CARGO) run -q --manifest-path fuzz/Cargo.toml \
	  --example make_seeds -- fuzz/seeds

cli: deps
	$(CARGO) build --release -p custodia-cli

BENCH_DIR ?= /var/tmp/custodia-bench
export BENCH_DIR

bench: bench-ingest bench-app bench-matching bench-harm bench-bundle bench-hostile bench-checkpoint bench-report

bench-ingest: cli
	./scripts/bench-ingest.sh

bench-app: cli ui
	./scripts/bench-populate.sh $(CARGO_TARGET_DIR)/release/custodia $(BENCH_DIR) 100000
	./scripts/e2e.sh bench $(BENCH_DIR)/many-100000

bench-matching: deps
	./scripts/eval-matching.sh

bench-harm: deps
	$(CARGO) run --release -q -p custodia-core --example harm_bench -- --testimonies 1000,100000 --persons 100000

bench-checkpoint: deps
	$(CARGO) run --release -q -p custodia-core --example checkpoint_bench -- --events 1000000 --vault-events 20000

bench-report: deps
	$(CARGO) run --release -q -p custodia-report --example report_bench -- --events 10000

bench-bundle: cli
	./scripts/bench-bundle.sh

bench-hostile: cli
	./scripts/bench-hostile.sh

# Regenerates the TypeScript IPC bindings from src-tauri (a test fails when the committed copy is stale).
bindings:
	$(CARGO) run -q -p custodia-app --bin export-bindings

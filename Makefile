# Custodia: the two commands a fresh Debian/Ubuntu machine needs are `make run` and `make test`; both
# install what is missing first (scripts/install-deps.sh).

SHELL := /bin/bash
# Builds live outside the clone so repeated CI runs and fresh clones reuse them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/custodia/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: deps build run test test-rust lint cli bench bindings help

help:
	@echo "make run    install what is missing, build, open the desktop app"
	@echo "make test   install what is missing, run every check and test"
	@echo "make bench  measure ingest against sha256sum + age (writes BENCHMARKS.md tables)"
	@echo "make cli    build the custodia command ($(CARGO_TARGET_DIR)/release/custodia)"

deps:
	@./scripts/install-deps.sh

build: deps
	$(CARGO) build --workspace --all-targets

run: deps
	$(CARGO) build -p custodia-app
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "make run: no display; starting the app under Xvfb"; \
	  xvfb-run -a -s "-screen 0 1280x800x24" $(CARGO_TARGET_DIR)/debug/custodia-app; \
	else \
	  $(CARGO_TARGET_DIR)/debug/custodia-app; \
	fi

lint: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust: deps
	$(CARGO) test --workspace

test: lint test-rust
	@echo "make test: all checks passed"

cli: deps
	$(CARGO) build --release -p custodia-cli

bench: cli
	./scripts/bench-ingest.sh

# Regenerates the TypeScript IPC bindings from src-tauri (a test fails when the committed copy is stale).
bindings:
	$(CARGO) run -q -p custodia-app --bin export-bindings

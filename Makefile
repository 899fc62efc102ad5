# credence: build, test, install. `make help` lists the targets.
# Two promises (README.md): `make demo` and `make test` work on a fresh Debian 12 machine.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
V       ?= 0
Q        = $(if $(filter 1,$(V)),,@)

PKGS     = ncursesw sqlite3 libcurl jansson libcrypto inih zlib
DEB_PKGS = build-essential libncurses-dev libsqlite3-dev libcsv-dev libcurl4-openssl-dev libjansson-dev \
           libssl-dev libinih-dev zlib1g-dev libcmocka-dev tmux python3 sqlite3 pkg-config clang-format \
           chromium

WARN = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
       -Wcast-qual -Wwrite-strings -Wundef -Wpointer-arith -Werror
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. -pthread $(CPPFLAGS)
CFLAGS  ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# core/ and importers/ link without ncurses (their unit tests prove it, DESIGN.md section 8).
CORE_LIBS = $(shell pkg-config --libs sqlite3 libcurl jansson libcrypto inih zlib 2>/dev/null) -lcsv -lm -pthread
TUI_LIBS  = $(shell pkg-config --libs ncursesw 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

CORE_SRC = $(sort $(wildcard core/*.c core/providers/*.c))
IMP_SRC  = $(sort $(wildcard importers/*.c))
CLI_SRC  = $(sort $(wildcard cli/*.c))
TUI_SRC  = $(sort $(wildcard tui/*.c))
GEN_SRC  = $(BUILD)/gen/schema_sql.c $(BUILD)/gen/theme_builtin.c
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
LIB_SRC  = $(CORE_SRC) $(IMP_SRC)

# Object lists for the two flavours: plain ($(BUILD)/obj) and sanitized ($(BUILD)/asan).
obj  = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
aobj = $(patsubst %.c,$(BUILD)/asan/%.o,$(1))

LIB_OBJ  = $(call obj,$(LIB_SRC)) $(BUILD)/obj/gen/schema_sql.o $(BUILD)/obj/gen/theme_builtin.o
LIB_AOBJ = $(call aobj,$(LIB_SRC)) $(BUILD)/asan/gen/schema_sql.o $(BUILD)/asan/gen/theme_builtin.o
APP_OBJ  = $(call obj,main.c $(CLI_SRC) $(TUI_SRC)) $(BUILD)/obj/gen/demo_data.o $(LIB_OBJ)
APP_AOBJ = $(call aobj,main.c $(CLI_SRC) $(TUI_SRC)) $(BUILD)/asan/gen/demo_data.o $(LIB_AOBJ)
UNIT_BIN = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
UNIT_ABIN = $(patsubst tests/unit/%.c,$(BUILD)/tests-asan/%,$(UNIT_SRC))
TOOL_BIN = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(sort $(wildcard tests/tools/*.c)))
# Fuzz targets (tests/fuzz/fuzz_NAME.c): replayed over their corpus by make test, fuzzed by make fuzz.
FUZZ_SRC   = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES = $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
FUZZ_RBIN  = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-replay/%,$(FUZZ_SRC))
FUZZ_RABIN = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-replay-asan/%,$(FUZZ_SRC))

.SECONDARY:
.PHONY: FORCE all deps check-deps demo test test-build unit cli-tests format format-check install uninstall \
        clean bench fuzz help
all: credence

help:
	@echo "make            build ./credence"
	@echo "make deps       install the Debian packages the build and tests need"
	@echo "make demo       deps, build, open the console on the bundled demo data"
	@echo "make test       deps, build plain and ASan+UBSan, run every test"
	@echo "make format     clang-format every C file; make format-check checks only"
	@echo "make fuzz       clang libFuzzer run of each tests/fuzz target, FUZZ_SECONDS=$(FUZZ_SECONDS) each"
	@echo "make bench      import (1,000,000 FOCUS rows) and console (10,000 pools) benchmarks"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"

# --- dependencies -----------------------------------------------------------------------------
# check-deps is cheap (dpkg-query); it installs only when something is missing.
check-deps:
	$(Q)missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then $(MAKE) --no-print-directory deps; fi

deps:
	$(Q)missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all packages present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  echo "deps: installing$$missing (sudo)"; \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "deps: missing packages; run as root:"; \
	  echo "  apt-get install -y$$missing"; exit 1; \
	fi

# --- build ------------------------------------------------------------------------------------
credence: $(APP_OBJ)
	@echo "  LD    $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS) $(TUI_LIBS)

$(BUILD)/credence-asan: $(APP_AOBJ)
	@echo "  LD    $@"
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(CORE_LIBS) $(TUI_LIBS)

# Text files the binary carries: the schema and the demo organisation. Each becomes a C string
# (embed VAR FILE); '?' is escaped so no trigraph can form.
embed = { echo 'const char $(1)[] ='; \
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/"/' -e 's/$$/\\n"/' $(2); \
  echo ';'; }
$(BUILD)/gen/schema_sql.c: core/schema.sql
	@mkdir -p $(@D)
	@echo "  GEN   $@"
	$(Q){ echo '/* Generated by the Makefile; do not edit. */'; $(call embed,store_schema_sql,$<); } > $@
# The default and mono themes, so the console works with no theme files installed.
$(BUILD)/gen/theme_builtin.c: themes/default.theme themes/mono.theme
	@mkdir -p $(@D)
	@echo "  GEN   $@"
	$(Q){ echo '/* Generated by the Makefile; do not edit. */'; \
	  $(call embed,theme_default_text,themes/default.theme); \
	  $(call embed,theme_mono_text,themes/mono.theme); } > $@
$(BUILD)/gen/demo_data.c: tests/fixtures/people.csv tests/fixtures/register.csv
	@mkdir -p $(@D)
	@echo "  GEN   $@"
	$(Q){ echo '/* Generated by the Makefile; do not edit. */'; \
	  $(call embed,demo_people_csv,tests/fixtures/people.csv); \
	  $(call embed,demo_register_csv,tests/fixtures/register.csv); } > $@

# Where make install puts the themes (core/theme_file.c looks there after the user's directory).
THEME_DEFS = -DCREDENCE_THEMEDIR='"$(PREFIX)/share/credence/themes"'
$(BUILD)/obj/core/theme_file.o $(BUILD)/asan/core/theme_file.o: CPPFLAGS_ALL += $(THEME_DEFS)
# ... and is rebuilt when PREFIX changes (the stamp's time moves only then).
$(BUILD)/obj/core/theme_file.o $(BUILD)/asan/core/theme_file.o: $(BUILD)/gen/prefix
$(BUILD)/gen/prefix: FORCE
	@mkdir -p $(@D)
	$(Q)echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
FORCE:

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(WARN) -Wno-missing-variable-declarations -Wno-overlength-strings $(CFLAGS) -c -o $@ $<
$(BUILD)/asan/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(WARN) -Wno-overlength-strings $(CFLAGS) $(SAN) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC    $<"
	$(Q)$(CC) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC    $< (asan)"
	$(Q)$(CC) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(WARN) $(CFLAGS) $(SAN) -MMD -MP -c -o $@ $<

# Unit tests link core/ and importers/ only: no ncurses on the link line.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS) $(CMOCKA_LIBS)
$(BUILD)/tests-asan/%: $(BUILD)/asan/tests/unit/%.o $(LIB_AOBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(CORE_LIBS) $(CMOCKA_LIBS)

# Fuzz targets replayed without libFuzzer: the target, replay_main.c and the library.
$(BUILD)/fuzz-replay/%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/replay_main.o \
                        $(BUILD)/obj/tests/fuzz/util.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)
$(BUILD)/fuzz-replay-asan/%: $(BUILD)/asan/tests/fuzz/%.o $(BUILD)/asan/tests/fuzz/replay_main.o \
                             $(BUILD)/asan/tests/fuzz/util.o $(LIB_AOBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

# Test tools (never installed) link core/ like the unit tests.
$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- test -------------------------------------------------------------------------------------
test-build: credence $(BUILD)/credence-asan $(UNIT_BIN) $(UNIT_ABIN) $(TOOL_BIN) $(FUZZ_RBIN) $(FUZZ_RABIN)

test: check-deps
	$(Q)$(MAKE) --no-print-directory format-check
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)BUILD=$(BUILD) tests/run_all.sh

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')

format-check:
	$(Q)files=$$(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null); \
	if ! command -v clang-format >/dev/null; then echo "format-check: clang-format missing"; exit 1; fi; \
	bad=""; for f in $$files; do [ -f "$$f" ] || continue; \
	  clang-format --dry-run --Werror "$$f" >/dev/null 2>&1 || bad="$$bad $$f"; done; \
	if [ -n "$$bad" ]; then echo "format-check: not clang-formatted:$$bad (run make format)"; exit 1; fi; \
	echo "format-check: ok"

# --- demo, install ----------------------------------------------------------------------------
demo: check-deps
	$(Q)$(MAKE) --no-print-directory credence
	./credence demo

install: credence
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/credence/themes
	install -m 0755 credence $(DESTDIR)$(PREFIX)/bin/credence
	install -m 0644 credence.1 $(DESTDIR)$(PREFIX)/share/man/man1/credence.1
	for t in themes/*.theme; do [ -f "$$t" ] && install -m 0644 "$$t" $(DESTDIR)$(PREFIX)/share/credence/themes/; done; true

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/credence $(DESTDIR)$(PREFIX)/share/man/man1/credence.1
	rm -rf $(DESTDIR)$(PREFIX)/share/credence

clean:
	rm -rf $(BUILD) credence

# --- fuzzing (not part of make test, which only replays tests/fuzz/corpus) ---------------------
# Each target is built with clang -fsanitize=fuzzer,address,undefined and run for FUZZ_SECONDS,
# one process at a time. New inputs go to $(BUILD)/fuzz/corpus/NAME, crashes to
# $(BUILD)/fuzz/artifacts/ (add a minimized crasher to tests/fuzz/corpus/NAME as a regression).
# FUZZ_TARGETS picks targets (default all); FUZZ_ARGS adds libFuzzer flags.
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_TARGETS  ?= $(FUZZ_NAMES)
FUZZ_ARGS     ?=
FUZZ_DEB_PKGS  = clang libclang-rt-14-dev
FUZZ_SAN       = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
                 -fno-sanitize-recover=undefined
FUZZ_OBJ       = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(LIB_SRC) tests/fuzz/util.c) \
                 $(BUILD)/fuzz/obj/gen/schema_sql.o

fuzz:
	$(Q)$(MAKE) --no-print-directory check-deps
	$(Q)$(MAKE) --no-print-directory DEB_PKGS="$(FUZZ_DEB_PKGS)" check-deps
	$(Q)$(MAKE) --no-print-directory $(patsubst %,$(BUILD)/fuzz/bin/fuzz_%,$(FUZZ_TARGETS))
	$(Q)mkdir -p $(BUILD)/fuzz/artifacts; rc=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/fuzz/corpus/$$t; log=$(BUILD)/fuzz/$$t.log; \
	  dict=; [ -f tests/fuzz/fuzz_$$t.dict ] && dict=-dict=tests/fuzz/fuzz_$$t.dict; \
	  echo "  FUZZ  $$t ($(FUZZ_SECONDS)s, log in $$log)"; \
	  if ! $(BUILD)/fuzz/bin/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/artifacts/$$t- $$dict $(FUZZ_ARGS) \
	      $(BUILD)/fuzz/corpus/$$t tests/fuzz/corpus/$$t >$$log 2>&1; then \
	    rc=1; echo "  FAIL  $$t:"; \
	    grep -m1 -A25 -E '^==[0-9]+==|runtime error|fuzz invariant' $$log | sed 's/^/        /'; \
	    grep -h 'Test unit written' $$log | sed 's/^/        /'; \
	  fi; \
	  grep -hE 'stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added' $$log | \
	    sed 's/^/        /'; \
	done; exit $$rc

$(BUILD)/fuzz/bin/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(FUZZ_OBJ)
	@mkdir -p $(@D)
	@echo "  LD    $@ (libFuzzer)"
	$(Q)$(FUZZ_CC) $(CFLAGS) -fsanitize=fuzzer,address,undefined $(LDFLAGS) -o $@ $^ $(CORE_LIBS)
$(BUILD)/fuzz/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(WARN) -Wno-overlength-strings $(CFLAGS) $(FUZZ_SAN) -c -o $@ $<
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC    $< (fuzz)"
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(WARN) $(CFLAGS) $(FUZZ_SAN) -MMD -MP -c -o $@ $<

# --- benchmarks (not part of make test) ---------------------------------------------------------
bench: credence
	bench/run_import_bench.sh
	bench/run_console_bench.sh

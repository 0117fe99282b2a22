# advflow -- build, tests, demo, benchmarks.  GPL-3.0-or-later.
#
#   make            libraries build/libadvflow.a and build/libadvflow.so, binary build/advflow
#   make demo       install missing Debian packages, build, run cases/default.ini
#   make check      install missing Debian packages, build and run every test
#                   (C, CLI and the Python module's, with $(PYTHON) -m pytest;
#                   the failing-allocation test with its own build, build/failalloc/)
#   make bench      benchmarks, one `name = value` line per figure
#   make validate   the validation study: regenerates docs/validation.md and its figures
#   make install PREFIX=/usr/local   headers, libraries, advflow.pc, binary
#   make fuzz FUZZ_SECONDS=N   libFuzzer harnesses (tests/fuzz/), N seconds each
#   make check-asan the whole suite built with ASan and UBSan, in build-asan/
#
# CI (CI=true) builds with -Werror.  Dependencies come from pkg-config.

PKGS     := fftw3 libpng gsl maxflow inih cairo fontconfig
TESTPKGS := cmocka
BENCHPKGS:= igraph
PREFIX   ?= /usr/local
# CI (CI=true in the environment) builds with -Werror; override with WERROR=.
WERROR   ?= $(if $(CI),-Werror,)
VERSION  := 0.1.0
# The shared library's ABI version (its SONAME is libadvflow.so.$(SOVERSION)).
SOVERSION:= 0
# Debian's Python, which has python3-numpy and python3-pytest; the python3
# first on PATH may be another one (pyenv, a venv) without them.
PYTHON   ?= $(if $(wildcard /usr/bin/python3),/usr/bin/python3,python3)

CC       ?= cc
CXX      ?= c++
AR       ?= ar
CFLAGS   ?= -O2 -g
CXXFLAGS ?= -O2 -g
# OpenMP (GCC's libgomp) for the grid passes (include/advflow/threads.h);
# `make clean; make OMPFLAGS=` builds a serial library, whose results are
# the same (its `#pragma omp` lines are then ignored, not warned about).
# Compile and link flag alike: with gcc, -fopenmp at link time adds libgomp.
OMPFLAGS ?= -fopenmp
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes $(if $(OMPFLAGS),,-Wno-unknown-pragmas) $(WERROR)

B := build
# Evaluated when a recipe runs (recursive =), so that a missing package is
# reported by the `deps` step rather than at parse time.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) $(OMPFLAGS) -lm -lstdc++
T_CFLAGS   = $(shell pkg-config --cflags $(TESTPKGS))
T_LIBS     = $(shell pkg-config --libs $(TESTPKGS))
B_CFLAGS   = $(shell pkg-config --cflags $(BENCHPKGS))
B_LIBS     = $(shell pkg-config --libs $(BENCHPKGS))

ALL_CFLAGS   = -std=c11 -D_POSIX_C_SOURCE=200809L -DAF_VERSION='"$(VERSION)"' \
               $(CFLAGS) $(OMPFLAGS) $(WARN) -Iinclude -Isrc $(PKG_CFLAGS)
ALL_CXXFLAGS = -std=c++11 $(CXXFLAGS) -Wall -Wextra $(WERROR) -Iinclude -Isrc $(PKG_CFLAGS)

LIB_C    := $(sort $(wildcard src/*.c))
LIB_CXX  := $(sort $(wildcard src/*.cpp))
LIB_OBJ  := $(LIB_C:src/%.c=$(B)/obj/%.o) $(LIB_CXX:src/%.cpp=$(B)/obj/%.o)
# The shared library's objects: the same sources compiled with -fPIC.
PIC_OBJ  := $(LIB_C:src/%.c=$(B)/pic/%.o) $(LIB_CXX:src/%.cpp=$(B)/pic/%.o)
CLI_C    := $(sort $(wildcard src/cli/*.c))
CLI_OBJ  := $(CLI_C:src/cli/%.c=$(B)/obj/cli/%.o)
TEST_C   := $(sort $(wildcard tests/test_*.c))
TEST_BIN := $(TEST_C:tests/%.c=$(B)/tests/%)
BENCH_C  := $(sort $(wildcard bench/bench_*.c))
BENCH_BIN:= $(BENCH_C:bench/%.c=$(B)/bench/%)
HEADERS  := $(wildcard include/advflow/*.h)
# The failing-allocation test's build (tests/failalloc.c, run by
# tests/cli/test_failalloc.sh): the library and the CLI again, with
# AddressSanitizer (its LeakSanitizer finds leaks on error paths, and it
# reports a NULL write as a SEGV) and with the allocators advflow's own code
# calls wrapped, so that any one call can be made to fail.  --wrap redirects
# only the references in these objects: allocations inside libc, libpng,
# cairo, fftw and GSL are not injected (docs/design.md, "Failing
# allocations").
FA       := $(B)/failalloc
FA_BIN   := $(FA)/advflow
FA_FLAGS := -O1 -g -fsanitize=address -fno-omit-frame-pointer
FA_WRAP  := malloc calloc realloc strdup realpath getline open_memstream fftw_malloc \
            gsl_rng_alloc gsl_spline_alloc gsl_interp_accel_alloc
FA_OBJ   := $(LIB_C:src/%.c=$(FA)/obj/%.o) $(LIB_CXX:src/%.cpp=$(FA)/obj/%.o) \
            $(CLI_C:src/cli/%.c=$(FA)/obj/cli/%.o)

.PHONY: all deps demo check bench validate install clean check-run demo-run bench-run validate-run
.PHONY: fuzz fuzz-run check-asan check-asan-run
.DEFAULT_GOAL := all

all: $(B)/libadvflow.a $(B)/libadvflow.so $(B)/advflow

# Install the Debian packages when a pkg-config lookup fails (or the
# Python tests' numpy and pytest are missing).
deps:
	@pkg-config --exists $(PKGS) $(TESTPKGS) $(BENCHPKGS) && command -v $(CXX) >/dev/null 2>&1 \
	  && $(PYTHON) -c 'import numpy, pytest' >/dev/null 2>&1 \
	  || sh tools/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: all
	./$(B)/advflow run cases/default.ini --out out/default --force
	./$(B)/advflow perimeter cases/default.ini
	@echo "frames written to out/default/"

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: all $(TEST_BIN) $(FA_BIN) $(B)/tests/test_fuzz_replay
	@PYTHON=$(PYTHON) sh tests/run.sh $(B)/tests $(B)/advflow $(B)/libadvflow.so

bench: deps
	@$(MAKE) --no-print-directory bench-run

bench-run: all $(BENCH_BIN)
	@for b in $(BENCH_BIN); do ./$$b || exit 1; done

validate: deps
	@$(MAKE) --no-print-directory validate-run

validate-run: all $(B)/validate
	./$(B)/validate

$(B)/validate: tools/validate.c tests/fixtures.h $(B)/libadvflow.a
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Isrc,$(ALL_CFLAGS)) $< $(B)/libadvflow.a $(PKG_LIBS) -o $@

$(B)/obj/%.o: src/%.c $(HEADERS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/obj/%.o: src/%.cpp $(HEADERS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c $< -o $@

$(B)/libadvflow.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/pic/%.o: src/%.c $(HEADERS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(B)/pic/%.o: src/%.cpp $(HEADERS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -fPIC -c $< -o $@

# The shared library (for the Python module, python/, and for programs that
# link -ladvflow dynamically); -z defs: every symbol must resolve at link
# time, so a missing library shows here and not when Python loads it;
# src/libadvflow.map exports the af_ symbols only.
$(B)/libadvflow.so: $(PIC_OBJ) src/libadvflow.map
	$(CC) $(CFLAGS) -shared -Wl,-soname,libadvflow.so.$(SOVERSION) -Wl,-z,defs \
	  -Wl,--version-script=src/libadvflow.map $(PIC_OBJ) $(PKG_LIBS) -o $@

# The CLI sees only the public headers (no -Isrc).
$(B)/obj/cli/%.o: src/cli/%.c $(HEADERS) $(wildcard src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Isrc,$(ALL_CFLAGS)) -c $< -o $@

$(B)/advflow: $(CLI_OBJ) $(B)/libadvflow.a
	$(CC) $(CFLAGS) $(CLI_OBJ) $(B)/libadvflow.a $(PKG_LIBS) -o $@

$(B)/tests/%: tests/%.c tests/testutil.h tests/testfiles.h tests/fixtures.h $(B)/libadvflow.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(T_CFLAGS) -Itests $< $(B)/libadvflow.a $(PKG_LIBS) $(T_LIBS) -o $@

$(FA)/obj/%.o: src/%.c $(HEADERS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(FA_FLAGS) -c $< -o $@

$(FA)/obj/%.o: src/%.cpp $(HEADERS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(FA_FLAGS) -c $< -o $@

$(FA)/obj/cli/%.o: src/cli/%.c $(HEADERS) $(wildcard src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Isrc,$(ALL_CFLAGS)) $(FA_FLAGS) -c $< -o $@

$(FA_BIN): $(FA_OBJ) tests/failalloc.c
	$(CC) $(ALL_CFLAGS) $(FA_FLAGS) $(FA_OBJ) tests/failalloc.c \
	  $(foreach f,$(FA_WRAP),-Wl,--wrap=$(f)) $(PKG_LIBS) -o $@

# Benchmarks also link igraph (the push-relabel yardstick), which the
# library itself does not use.
$(B)/bench/%: bench/%.c bench/benchutil.h bench/igraph_mf.c bench/igraph_mf.h tests/fixtures.h $(B)/libadvflow.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(B_CFLAGS) -Ibench $< bench/igraph_mf.c $(B)/libadvflow.a $(PKG_LIBS) $(B_LIBS) -o $@

# ---- Fuzzing and sanitizers (docs/testing-fuzz.md) ----

# The harnesses, tests/fuzz/fuzz_NAME.c; `make fuzz FUZZ_HARNESSES=case`
# runs one.
FUZZ_HARNESSES ?= case points array png
FUZZ_SECONDS   ?= 60
FUZZ_CC        ?= clang
FUZZ_CXX       ?= clang++
# libFuzzer's options: a unit slower than 10 s is a hang, more than 2 GiB
# a leak of memory; crashes go to build/fuzz/crashes/NAME/.
FUZZ_OPTIONS   ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FZ             := $(B)/fuzz
FUZZ_LIB_OBJ   := $(LIB_C:src/%.c=$(FZ)/obj/%.o) $(LIB_CXX:src/%.cpp=$(FZ)/obj/%.o)
FUZZ_ALL       := case points array png
FUZZ_HDRS      := tests/fuzz/fuzz.h $(HEADERS)

# clang and libFuzzer are installed for this target only.
fuzz:
	@sh tools/install-deps.sh fuzz
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory fuzz-run

# Each harness for FUZZ_SECONDS, on a writable corpus in build/fuzz/corpus/
# (new inputs go there) seeded read-only from tests/fuzz/seeds/ and
# tests/fuzz/regress/, with the dictionary tests/fuzz/NAME.dict if there is
# one; stops at the first crash, leaving it in build/fuzz/crashes/NAME/.
fuzz-run: $(FUZZ_HARNESSES:%=$(FZ)/fuzz_%)
	@for f in $(FUZZ_HARNESSES); do \
	  mkdir -p $(FZ)/corpus/$$f $(FZ)/crashes/$$f tests/fuzz/regress/$$f || exit 1; \
	  dict=; [ -f tests/fuzz/$$f.dict ] && dict=-dict=tests/fuzz/$$f.dict; \
	  echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	  ./$(FZ)/fuzz_$$f $(FUZZ_OPTIONS) $$dict -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=$(FZ)/crashes/$$f/ $(FZ)/corpus/$$f tests/fuzz/seeds/$$f \
	    tests/fuzz/regress/$$f || { echo "fuzz: $$f failed; the input is in $(FZ)/crashes/$$f/"; exit 1; }; \
	done

# The library instrumented for libFuzzer's coverage, with the sanitizers.
$(FZ)/obj/%.o: src/%.c $(HEADERS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

$(FZ)/obj/%.o: src/%.cpp $(HEADERS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(ALL_CXXFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

$(FZ)/libadvflow.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(FZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HDRS) $(FZ)/libadvflow.a
	$(FUZZ_CC) $(filter-out -Isrc,$(ALL_CFLAGS)) $(FUZZ_SAN) -fsanitize=fuzzer -Itests/fuzz $< \
	  $(FZ)/libadvflow.a $(PKG_LIBS) -o $@

# The replay driver (make check): every harness without libFuzzer, its entry
# point renamed fuzz_NAME_input, fed the seeds and the regression corpus.
$(B)/obj/fuzz/%.o: tests/fuzz/%.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Isrc,$(ALL_CFLAGS)) -DFUZZ_ENTRY=$*_input -Itests/fuzz -c $< -o $@

$(B)/tests/test_fuzz_replay: tests/fuzz/replay.c $(FUZZ_ALL:%=$(B)/obj/fuzz/fuzz_%.o) $(B)/libadvflow.a
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Isrc,$(ALL_CFLAGS)) $< $(FUZZ_ALL:%=$(B)/obj/fuzz/fuzz_%.o) \
	  $(B)/libadvflow.a $(PKG_LIBS) -o $@

# Everything (library, CLI, tests, replay driver) with AddressSanitizer and
# UndefinedBehaviorSanitizer in build-asan/, and the whole suite through
# tests/run.sh.  float-cast-overflow is not part of gcc's undefined group.
# The Python tests load the instrumented libadvflow.so into the plain
# interpreter: ASan's runtime is preloaded (it must come first) and leak
# detection is off there (the interpreter's own allocations at exit).  ASan
# exits 86 on a report, a status no test expects; tests/lsan.supp lists the
# leaks that are not advflow's (fontconfig's caches).
ASAN_B     ?= build-asan
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fsanitize=float-cast-overflow \
              -fno-omit-frame-pointer -fno-sanitize-recover=all

check-asan: deps
	@$(MAKE) --no-print-directory B=$(ASAN_B) CFLAGS="$(ASAN_FLAGS)" CXXFLAGS="$(ASAN_FLAGS)" \
	  check-asan-run

check-asan-run: all $(TEST_BIN) $(FA_BIN) $(B)/tests/test_fuzz_replay
	@ASAN_OPTIONS=exitcode=86:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  PYTEST_PRELOAD=$$($(CC) -print-file-name=libasan.so) PYTHON=$(PYTHON) \
	  sh tests/run.sh $(B)/tests $(B)/advflow $(B)/libadvflow.so

install: all
	install -d $(DESTDIR)$(PREFIX)/include/advflow $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/advflow/
	install -m 644 $(B)/libadvflow.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/libadvflow.so $(DESTDIR)$(PREFIX)/lib/libadvflow.so.$(VERSION)
	ln -sf libadvflow.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libadvflow.so.$(SOVERSION)
	ln -sf libadvflow.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libadvflow.so
	install -m 755 $(B)/advflow $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@OMPFLAGS@|$(OMPFLAGS)|' advflow.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/advflow.pc

clean:
	rm -rf $(B)

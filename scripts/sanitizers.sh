#!/usr/bin/env bash
# Builds the sanitizer presets and runs the tests and a short stress run under each:
#   ./scripts/sanitizers.sh [asan|tsan|all]      (default: all)
# asan is AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer), tsan is
# ThreadSanitizer. scripts/test.sh calls it under CI; a developer runs it by hand. Any sanitizer
# report fails the script (exit status not 0).
#
# What runs under each:
#   asan  every unit test program, built with the sanitizer; every end-to-end test, the release
#         build's programs run against the asan build's contend binary and plugins
#         (CONTEND_BINARY, CONTEND_PLUGIN_DIR): it is contend that is checked there, and
#         compiling the test programs again would only cost time; the stress run.
#   tsan  the unit tests that run threads or processes (ThreadSanitizer has nothing to say about
#         the others), the end-to-end tests as under asan, the stress run.
# The builds use -g1 (line tables: file:line in every report's stack, at a fraction of -g's
# cost) and, instead of RelWithDebInfo's -O2 (which can optimize a bad access away): ASan -O0,
# which compiles in two thirds of -O1's time and hides nothing; TSan -O1, since at -O0 its
# instrumentation of every stack access would make the concurrent tests several times slower.
# The release build must exist (test.sh makes it first; this script builds it when it is
# missing).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-all}" in
  asan) presets=(asan) ;;
  tsan) presets=(tsan) ;;
  all) presets=(asan tsan) ;;
  *)
    echo "usage: $0 [asan|tsan|all]" >&2
    exit 2
    ;;
esac

# How a report ends the program that found it, so that it fails the test or the run:
#   - ASan and UBSan exit 1 at the first error (UBSan: -fno-sanitize-recover, see CMakeLists.txt);
#     LeakSanitizer checks at the exit of each process that ends through exit() (not _exit(), so
#     contend's forked children are not checked, their parent is).
#   - TSan stops at the first report with exit status 66 (halt_on_error), so a race in a gtest
#     program fails its test, and one in a repetition child of `contend run` makes that
#     configuration an error and contend exit 1. The peer libraries' known races are suppressed
#     inside every binary (primitives/peers/tsan_suppressions.cpp), so nothing is needed here.
# Options already in the caller's environment come after ours, so a developer's own win.
sanitizer_environment() {
  case "$1" in
    asan)
      export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
      ;;
    tsan)
      export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# The short stress run: correct primitives of every family under `contend stress` (exclusion,
# lost updates, permits, deliveries, progress), in the contend binary, long enough for a
# sanitizer to see their races and memory errors, short enough for CI (a few seconds). The race
# and broken-* primitives are left out: they fail by design, and the e2e tests and the
# self-test check how contend reports them. contend exits 1 when a check fails or a sanitizer
# aborts a child (a crash), which fails the script. Exit 4 (every check held, but a worker did
# fewer than 1,000 operations) is said and let through: under a sanitizer every atomic is
# several times slower and a starved producer in 500 ms is the machine's pace, not a finding
# about the code the sanitizer checks.
stress_checked() {
  local status=0
  "$@" || status=$?
  if [ "$status" -eq 4 ]; then
    echo "sanitizers: inconclusive at this pace (exit 4), not a sanitizer finding: $*" >&2
    return 0
  fi
  return "$status"
}
sanitizer_stress_run() {
  local preset="$1"
  local contend="build/$preset/cli/contend"
  stress_checked "$contend" stress lock -p ttas,std-mutex,pthread-mutex,hybrid -w 2,4 -d 500ms --seed 1
  # A FIFO queue lock with more spinning workers than cores hands over only when the next
  # waiter is scheduled (a few hundred operations a second): too few for stress to vouch for.
  stress_checked "$contend" stress lock -p mcs -w 2 -d 500ms --seed 1
  stress_checked "$contend" stress lock -p pthread-robust-pshared,ticket -w 2 -d 500ms --mode processes --seed 1
  stress_checked "$contend" stress semaphore -p posix-sem,futex-sem,std-counting -w 4 -d 500ms --seed 1
  stress_checked "$contend" stress rw -p rw-spinlock,pthread-rwlock-writer -w 4 -d 500ms --seed 1
  stress_checked "$contend" stress queue -p ring,monitor-queue,moodycamel -d 1s --seed 1
}
# ---------------------------------------------------------------------------------------------

# The handoff tests of pingpong_gtest spin on both ends (spin-flag and the queue pairs) for a
# fixed number of round trips, with a 30 s alarm as their hang detector. Two of them side by side
# are four spinning threads on two cores: a handoff then waits for a time slice, and under TSan
# (each atomic access some 10x slower) one was measured taking 30 s and being killed as hung. So
# they run alone, after the rest.
serial_tests='^pingpong_gtest\.'

# The test programs each preset builds (tests/CMakeLists.txt, CONTEND_TESTS), and its -O level.
test_set() {
  case "$1" in
    asan) echo unit ;;
    tsan) echo threads ;;
  esac
}
optimization() {
  case "$1" in
    asan) echo -O0 ;;
    tsan) echo -O1 ;;
  esac
}

./scripts/build.sh release

for preset in "${presets[@]}"; do
  started=$SECONDS
  echo "sanitizers: $preset: build" >&2
  # Configure here (build.sh configures only a build folder that has none) so that an existing
  # build/$preset gets the flags too. C too: the test plugins are C.
  flags="$(optimization "$preset") -g1 -DNDEBUG"
  cmake --preset "$preset" -DCONTEND_TESTS="$(test_set "$preset")" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$flags" >/dev/null
  ./scripts/build.sh "$preset"
  built=$SECONDS
  (
    sanitizer_environment "$preset"
    echo "sanitizers: $preset: unit tests (built in $((built - started)) s)" >&2
    ctest --preset "$preset" -j2 --timeout 300 --output-on-failure -E "$serial_tests"
    ctest --preset "$preset" --timeout 300 --output-on-failure -R "$serial_tests"
    echo "sanitizers: $preset: end-to-end tests against build/$preset/cli/contend" >&2
    CONTEND_BINARY="$PWD/build/$preset/cli/contend" CONTEND_PLUGIN_DIR="$PWD/build/$preset/tests" \
      ctest --preset release -L e2e -j2 --timeout 300 --output-on-failure
    echo "sanitizers: $preset: stress run" >&2
    sanitizer_stress_run "$preset"
  )
  echo "sanitizers: $preset: passed (build $((built - started)) s, tests and stress run $((SECONDS - built)) s)" >&2
done

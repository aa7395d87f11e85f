// The plainest possible measurement of an uncontended lock: Google Benchmark's own loop around
// lock() and unlock() of the very header contend measures. scripts/bench-overhead.sh compares
// `contend run lock -w 1 --sample 0` against it to bound what contend's workload adds.
//
// Why an idle second thread by default: glibc's mutex skips its atomic instructions while the
// process has a single thread (3.5 ns instead of 13.6 ns per lock+unlock on the 2-core KVM
// machines here). No program that needs a lock is in that state, and contend's worker always
// runs beside another thread, so the like-for-like reference has a second thread too.
// `--single-threaded-process` measures glibc's fast path, for the record.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "primitives/catalog.hpp"

namespace {

template <class L>
L& shared_lock() {
  if constexpr (std::is_constructible_v<L, contend::Sharing>) {
    static L lock(contend::Sharing::thread_private);
    return lock;
  } else {
    static L lock;
    return lock;
  }
}

template <class L>
void BM_LockUnlock(benchmark::State& state) {
  L& lock = shared_lock<L>();
  for (auto _ : state) {
    lock.lock();
    lock.unlock();
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_LockUnlock, contend::StdMutex)->Name("std-mutex");
BENCHMARK_TEMPLATE(BM_LockUnlock, contend::PthreadMutex)->Name("pthread-mutex");
BENCHMARK_TEMPLATE(BM_LockUnlock, contend::TtasBackoffLock)->Name("ttas-backoff");

}  // namespace

int main(int argc, char** argv) {
  bool single_threaded = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--single-threaded-process") == 0) {
      single_threaded = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;

  std::atomic<bool> done{false};
  std::thread idle;
  if (!single_threaded) {
    idle = std::thread([&] {
      while (!done.load(std::memory_order_relaxed)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    });
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  done.store(true, std::memory_order_relaxed);
  if (idle.joinable()) idle.join();
  return 0;
}

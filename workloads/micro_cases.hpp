#pragma once
// `contend micro`'s Google Benchmark cases: templates over the primitive, as every workload is,
// which the registry instantiates for each lock, semaphore and rw lock (RegistryEntry::micro)
// and `contend micro` registers at run time for the chosen primitives.
//
// Each primitive gets its family's cases:
//   lock:      lock_unlock, try_lock (when it has one), contended at each of `thread_counts`
//   semaphore: acquire_release, try_acquire (when it has one), contended — one permit
//   rw:        lock_shared_unlock_shared, lock_unlock, contended_shared
// Contended cases share one primitive between the threads of a run and are timed in real time,
// so that a thread asleep in the lock counts. Google Benchmark times them; the bodies measure
// what it does not report per thread: each thread's operations, CPU time (user and system) and
// context switches, from getrusage(RUSAGE_THREAD) around its loop. Those measurements wait in
// the case's UsageLog until the reporter pairs them with the run.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sched.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "primitives/primitive.hpp"
#include "workloads/construct.hpp"
#include "workloads/micro_benchmarks.hpp"

namespace contend {

namespace micro_detail {

// A contended semaphore with one permit: every acquire waits for the holder's release.
inline constexpr std::uint32_t kPermits = 1;

struct ThreadUsage {
  double user_s = 0;
  double system_s = 0;
  std::int64_t voluntary = 0;
  std::int64_t involuntary = 0;
};
ThreadUsage thread_usage();

// A primitive that keeps state right after itself (a plugin's adapter, followed by the plugin's
// instance), built in primitive_footprint<P>() bytes of its own; it offers what run_case uses of
// std::optional.
template <class P>
class TrailingStorage {
 public:
  TrailingStorage() = default;
  ~TrailingStorage() { reset(); }
  TrailingStorage(const TrailingStorage&) = delete;
  TrailingStorage& operator=(const TrailingStorage&) = delete;

  template <class... Args>
  void emplace(Args&&... args) {
    reset();
    void* storage = ::operator new(primitive_footprint<P>(), std::align_val_t{alignof(P)});
    try {
      primitive_ = new (storage) P(std::forward<Args>(args)...);
    } catch (...) {
      ::operator delete(storage, std::align_val_t{alignof(P)});
      throw;
    }
  }
  void reset() {
    if (primitive_ == nullptr) return;
    primitive_->~P();
    ::operator delete(primitive_, std::align_val_t{alignof(P)});
    primitive_ = nullptr;
  }
  explicit operator bool() const { return primitive_ != nullptr; }
  P& operator*() const { return *primitive_; }

 private:
  P* primitive_ = nullptr;
};

// Where a case keeps its primitive: in place, as before plugins, unless it needs more room. (A
// variable rather than the requires-expression in the alias: g++ 12 cannot mangle the latter in
// the signatures that name PrimitiveSlot<P>.)
template <class P>
constexpr bool kNeedsTrailingStorage = requires { P::footprint(); };
template <class P>
using PrimitiveSlot = std::conditional_t<kNeedsTrailingStorage<P>, TrailingStorage<P>, std::optional<P>>;

// The primitive of one run and where its threads put their measurements. Thread 0 fills both
// before the benchmark loop; the other threads read them only after its start barrier.
template <class P>
struct SharedRun {
  PrimitiveSlot<P> primitive;
  std::vector<WorkerResult>* workers = nullptr;
};

// One thread's part of a run: `op` on the shared primitive until Google Benchmark stops it.
// Written out with begin()/end() rather than a range-for so the primitive is looked up once,
// after the start barrier, and the loop holds only `op`, inlined (no virtual call, no check),
// and an empty asm statement.
template <class P, class Make, class Op>
void run_case(benchmark::State& state, SharedRun<P>& shared, UsageLog& log, const Make& make, const Op& op,
              bool writes) {
  const int index = state.thread_index();
  if (index == 0) {
    shared.workers = &log.begin_run(state.threads());
    try {
      make(shared.primitive);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
    }
  }
  // Taken before begin(), outside Google Benchmark's timing: a thread that waits at the start
  // or end barrier adds at most one voluntary switch there.
  const int cpu_first = sched_getcpu();
  const ThreadUsage before = thread_usage();
  // begin() returns once every thread of the run has reached it (Google Benchmark's start
  // barrier, under a mutex), so thread 0's setup above happens-before every thread's first
  // operation. The final `it != end` waits for all of them again before any thread leaves
  // the loop, so thread 0 may destroy the primitive after its own loop.
  auto it = state.begin();
  const auto end = state.end();
  if (shared.primitive) {
    P& primitive = *shared.primitive;
    for (; it != end; ++it) {
      op(primitive);
      // The primitive's address escapes and all memory counts as written: an operation that
      // does nothing (nolock, race, atomic-add) leaves Google Benchmark's loop to measure
      // rather than a loop the compiler removed. The address, not the primitive: for a small
      // trivially copyable type DoNotOptimize loads the value itself, a plain read of a lock
      // word that other threads write atomically (a data race, as TSan said).
      benchmark::DoNotOptimize(&primitive);
    }
  } else {
    // Thread 0 could not build the primitive and reported why; the run must still end together.
    for (; it != end; ++it) {
    }
  }
  const ThreadUsage after = thread_usage();

  WorkerResult& mine = (*shared.workers)[static_cast<std::size_t>(index)];
  mine.operations = static_cast<std::uint64_t>(state.iterations());
  mine.write_operations = writes ? mine.operations : 0;
  mine.cpu_first = cpu_first;
  mine.cpu_last = sched_getcpu();
  mine.cpu_user_s = after.user_s - before.user_s;
  mine.cpu_system_s = after.system_s - before.system_s;
  mine.voluntary_switches = after.voluntary - before.voluntary;
  mine.involuntary_switches = after.involuntary - before.involuntary;
  state.SetItemsProcessed(state.iterations());
  if (index == 0) shared.primitive.reset();
}

template <class P>
void make_private(PrimitiveSlot<P>& slot) {
  if constexpr (std::constructible_from<P, Sharing>) {
    slot.emplace(Sharing::thread_private);
  } else {
    slot.emplace();
  }
}

template <class S>
void make_semaphore(PrimitiveSlot<S>& slot) {
  if constexpr (std::constructible_from<S, std::uint32_t, Sharing>) {
    slot.emplace(kPermits, Sharing::thread_private);
  } else {
    slot.emplace(kPermits);
  }
}

// Registers one case of the primitive named `primitive` (P's kName, or a plugin primitive's name
// for the adapters). `thread_counts` is null for a single-threaded case.
template <class P, class Make, class Op>
void add_case(MicroBenchmarks& out, Workload workload, std::string_view primitive, std::string_view micro_case,
              const std::vector<int>* thread_counts, bool writes, Make make, Op op) {
  MicroBenchmark benchmark{workload, std::string(primitive), std::string(micro_case)};
  const std::string name = fmt::format("micro/{}/{}/{}", to_string(workload), primitive, micro_case);
  auto shared = std::make_shared<SharedRun<P>>();
  std::shared_ptr<UsageLog> log = benchmark.usage;
  auto* registered = benchmark::RegisterBenchmark(
      name.c_str(), [shared, log, make, op, writes](benchmark::State& state) {
        run_case(state, *shared, *log, make, op, writes);
      });
  if (thread_counts != nullptr) {
    // CPU time would leave out the time a thread sleeps in the lock, and it is what Google
    // Benchmark divides items by unless told otherwise.
    registered->UseRealTime();
    for (int threads : *thread_counts) registered->Threads(threads);
  }
  out.emplace(name, std::move(benchmark));
}

}  // namespace micro_detail

// The cases of lock L named `primitive`, built by `make`; try_lock only when `with_try_lock`
// (a plugin adapter has the method but its table may lack the function).
template <class L, class Make>
void add_lock_cases(MicroBenchmarks& out, const std::vector<int>& thread_counts, std::string_view primitive,
                    bool with_try_lock, Make make) {
  using micro_detail::add_case;
  const auto lock_unlock = [](L& l) {
    l.lock();
    l.unlock();
  };
  add_case<L>(out, Workload::lock, primitive, "lock_unlock", nullptr, false, make, lock_unlock);
  if constexpr (TryLock<L>) {
    if (with_try_lock) {
      add_case<L>(out, Workload::lock, primitive, "try_lock", nullptr, false, make, [](L& l) {
        bool acquired = l.try_lock();
        benchmark::DoNotOptimize(acquired);
        if (acquired) l.unlock();
      });
    }
  }
  add_case<L>(out, Workload::lock, primitive, "contended", &thread_counts, false, make, lock_unlock);
}

template <class S, class Make>
void add_semaphore_cases(MicroBenchmarks& out, const std::vector<int>& thread_counts, std::string_view primitive,
                         bool with_try_acquire, Make make) {
  using micro_detail::add_case;
  const auto acquire_release = [](S& s) {
    s.acquire();
    s.release();
  };
  add_case<S>(out, Workload::semaphore, primitive, "acquire_release", nullptr, false, make, acquire_release);
  if constexpr (TrySemaphore<S>) {
    if (with_try_acquire) {
      add_case<S>(out, Workload::semaphore, primitive, "try_acquire", nullptr, false, make, [](S& s) {
        bool acquired = s.try_acquire();
        benchmark::DoNotOptimize(acquired);
        if (acquired) s.release();
      });
    }
  }
  add_case<S>(out, Workload::semaphore, primitive, "contended", &thread_counts, false, make, acquire_release);
}

template <class R, class Make>
void add_rw_cases(MicroBenchmarks& out, const std::vector<int>& thread_counts, std::string_view primitive,
                  Make make) {
  using micro_detail::add_case;
  const auto shared = [](R& l) {
    l.lock_shared();
    l.unlock_shared();
  };
  add_case<R>(out, Workload::rw, primitive, "lock_shared_unlock_shared", nullptr, false, make, shared);
  add_case<R>(out, Workload::rw, primitive, "lock_unlock", nullptr, true, make, [](R& l) {
    l.lock();
    l.unlock();
  });
  add_case<R>(out, Workload::rw, primitive, "contended_shared", &thread_counts, false, make, shared);
}

// A built-in rw lock's cases, under its own name.
template <class R>
void add_rw_cases(MicroBenchmarks& out, const std::vector<int>& thread_counts) {
  add_rw_cases<R>(out, thread_counts, R::kName,
                  [](micro_detail::PrimitiveSlot<R>& slot) { micro_detail::make_private<R>(slot); });
}

}  // namespace contend

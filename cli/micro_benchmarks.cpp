#include "cli/micro_benchmarks.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <concepts>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "primitives/catalog.hpp"

namespace contend::cli {

std::vector<WorkerResult>& UsageLog::begin_run(int threads) {
  runs_.emplace_back(static_cast<std::size_t>(threads));
  return runs_.back();
}

std::vector<WorkerResult> UsageLog::take(int threads, std::uint64_t iterations) {
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
    if (it->size() != static_cast<std::size_t>(threads)) continue;
    std::uint64_t operations = 0;
    for (const WorkerResult& w : *it) operations += w.operations;
    if (operations != iterations) continue;
    std::vector<WorkerResult> found = std::move(*it);
    runs_.erase(std::next(it).base());
    return found;
  }
  return {};
}

void UsageLog::forget(int threads) {
  std::erase_if(runs_, [threads](const std::vector<WorkerResult>& run) {
    return run.size() == static_cast<std::size_t>(threads);
  });
}

namespace {

// A contended semaphore with one permit: every acquire waits for the holder's release.
constexpr std::uint32_t kPermits = 1;

template <class S>
concept TryAcquire = Semaphore<S> && requires(S& s) {
  { s.try_acquire() } -> std::convertible_to<bool>;
};

struct ThreadUsage {
  double user_s = 0;
  double system_s = 0;
  std::int64_t voluntary = 0;
  std::int64_t involuntary = 0;
};

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

ThreadUsage thread_usage() {
  rusage ru{};
  if (getrusage(RUSAGE_THREAD, &ru) != 0) return {};
  return {seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_nvcsw, ru.ru_nivcsw};
}

// The primitive of one run and where its threads put their measurements. Thread 0 fills both
// before the benchmark loop; the other threads read them only after its start barrier.
template <class P>
struct SharedRun {
  std::optional<P> primitive;
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
void make_private(std::optional<P>& slot) {
  if constexpr (std::constructible_from<P, Sharing>) {
    slot.emplace(Sharing::thread_private);
  } else {
    slot.emplace();
  }
}

template <class S>
void make_semaphore(std::optional<S>& slot) {
  if constexpr (std::constructible_from<S, std::uint32_t, Sharing>) {
    slot.emplace(kPermits, Sharing::thread_private);
  } else {
    slot.emplace(kPermits);
  }
}

// Registers one case. `thread_counts` is null for a single-threaded case.
template <class P, class Make, class Op>
void add_case(MicroBenchmarks& out, Workload workload, std::string_view micro_case,
              const std::vector<int>* thread_counts, bool writes, Make make, Op op) {
  MicroBenchmark benchmark{workload, std::string(P::kName), std::string(micro_case)};
  const std::string name = fmt::format("micro/{}/{}/{}", to_string(workload), P::kName, micro_case);
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

template <class L>
void add_lock_cases(MicroBenchmarks& out, const std::vector<int>& thread_counts) {
  const auto lock_unlock = [](L& l) {
    l.lock();
    l.unlock();
  };
  add_case<L>(out, Workload::lock, "lock_unlock", nullptr, false, make_private<L>, lock_unlock);
  if constexpr (TryLock<L>) {
    add_case<L>(out, Workload::lock, "try_lock", nullptr, false, make_private<L>, [](L& l) {
      bool acquired = l.try_lock();
      benchmark::DoNotOptimize(acquired);
      if (acquired) l.unlock();
    });
  }
  add_case<L>(out, Workload::lock, "contended", &thread_counts, false, make_private<L>, lock_unlock);
}

template <class S>
void add_semaphore_cases(MicroBenchmarks& out, const std::vector<int>& thread_counts) {
  const auto acquire_release = [](S& s) {
    s.acquire();
    s.release();
  };
  add_case<S>(out, Workload::semaphore, "acquire_release", nullptr, false, make_semaphore<S>, acquire_release);
  if constexpr (TryAcquire<S>) {
    add_case<S>(out, Workload::semaphore, "try_acquire", nullptr, false, make_semaphore<S>, [](S& s) {
      bool acquired = s.try_acquire();
      benchmark::DoNotOptimize(acquired);
      if (acquired) s.release();
    });
  }
  add_case<S>(out, Workload::semaphore, "contended", &thread_counts, false, make_semaphore<S>, acquire_release);
}

template <class R>
void add_rw_cases(MicroBenchmarks& out, const std::vector<int>& thread_counts) {
  const auto shared = [](R& l) {
    l.lock_shared();
    l.unlock_shared();
  };
  add_case<R>(out, Workload::rw, "lock_shared_unlock_shared", nullptr, false, make_private<R>, shared);
  add_case<R>(out, Workload::rw, "lock_unlock", nullptr, true, make_private<R>, [](R& l) {
    l.lock();
    l.unlock();
  });
  add_case<R>(out, Workload::rw, "contended_shared", &thread_counts, false, make_private<R>, shared);
}

using AddCases = void (*)(MicroBenchmarks&, const std::vector<int>&);
using CaseIndex = std::map<std::string_view, AddCases>;

template <Lock... Ls>
void index_locks(CaseIndex& index, TypeList<Ls...>) {
  (index.emplace(Ls::kName, &add_lock_cases<Ls>), ...);
}

template <Semaphore... Ss>
void index_semaphores(CaseIndex& index, TypeList<Ss...>) {
  (index.emplace(Ss::kName, &add_semaphore_cases<Ss>), ...);
}

template <RwLock... Rs>
void index_rwlocks(CaseIndex& index, TypeList<Rs...>) {
  (index.emplace(Rs::kName, &add_rw_cases<Rs>), ...);
}

}  // namespace

RunSpec micro_spec(const MicroBenchmark& benchmark, int threads, int repetitions) {
  RunSpec spec;
  spec.workload = benchmark.workload;
  spec.primitive = benchmark.primitive;
  spec.micro_case = benchmark.micro_case;
  spec.mode = Mode::threads;
  spec.workers = threads;
  // Google Benchmark chooses the iteration count (--benchmark_min_time) and runs no warmup of
  // ours; the cases do no work around the primitive and time no single operation.
  spec.duration_ns = 0;
  spec.operations = 0;
  spec.warmup_ns = 0;
  spec.cs_lines = 0;
  spec.sample_every = 0;
  if (benchmark.workload == Workload::semaphore) spec.permits = kPermits;
  if (benchmark.workload == Workload::rw) spec.read_percent = benchmark.micro_case == "lock_unlock" ? 0 : 100;
  spec.repetitions = repetitions;
  return spec;
}

MicroBenchmarks register_micro_benchmarks(const std::vector<std::string>& primitives,
                                          const std::vector<int>& thread_counts) {
  CaseIndex index;
  index_locks(index, BuiltinLocks{});
  index_semaphores(index, BuiltinSemaphores{});
  index_rwlocks(index, BuiltinRwLocks{});
  MicroBenchmarks out;
  for (const std::string& name : primitives) {
    const auto it = index.find(name);
    if (it == index.end()) throw std::invalid_argument("no micro benchmarks for primitive '" + name + "'");
    it->second(out, thread_counts);
  }
  return out;
}

}  // namespace contend::cli

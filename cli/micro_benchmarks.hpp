#pragma once
// `contend micro`'s Google Benchmark cases, registered at run time for the chosen primitives.
//
// Each primitive gets its family's cases (see register_micro_benchmarks). Google Benchmark times
// them; the bodies measure what it does not report per thread: each thread's operations, CPU
// time (user and system) and context switches, from getrusage(RUSAGE_THREAD) around its loop.
// Those measurements wait in the case's UsageLog until the reporter pairs them with the run.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "primitives/plugin_loader.hpp"
#include "workloads/model/result.hpp"
#include "workloads/model/spec.hpp"

namespace contend::cli {

// Per-thread measurements of the runs of one registered benchmark, in the order they ran. Google
// Benchmark runs a case several times to find its iteration count, then reports only the last
// run of each repetition; take() finds that run by its thread and iteration counts.
//
// Threads: thread 0 of a run calls begin_run() before the start barrier of the benchmark loop;
// every thread writes only its own slot after the loop; the reporter reads on the main thread
// after Google Benchmark has joined the run's threads.
class UsageLog {
 public:
  std::vector<WorkerResult>& begin_run(int threads);
  void add(std::vector<WorkerResult> workers) { runs_.push_back(std::move(workers)); }
  // The latest run with `threads` threads whose operations add up to `iterations`, removed
  // from the log; empty when there is none.
  std::vector<WorkerResult> take(int threads, std::uint64_t iterations);
  // Drops every run with `threads` threads: once its repetitions are reported, the rest were
  // Google Benchmark's trial runs.
  void forget(int threads);

 private:
  std::vector<std::vector<WorkerResult>> runs_;
};

// What one registered Google Benchmark family measures: the `micro_case` of `workload`'s family
// over `primitive`.
struct MicroBenchmark {
  Workload workload = Workload::lock;
  std::string primitive;
  std::string micro_case;
  std::shared_ptr<UsageLog> usage = std::make_shared<UsageLog>();
};

// Keyed by the name registered with Google Benchmark ("micro/lock/std-mutex/lock_unlock"), which
// is its runs' run_name.function_name.
using MicroBenchmarks = std::map<std::string, MicroBenchmark>;

// The spec of a micro benchmark's configuration: `threads` threads, `repetitions` planned.
RunSpec micro_spec(const MicroBenchmark& benchmark, int threads, int repetitions);

// Registers, for each primitive in order (names of the lock, semaphore or rw family: built-in,
// or a lock or semaphore of one of `plugins`):
//   lock:      lock_unlock, try_lock (when it has one), contended at each of `thread_counts`
//   semaphore: acquire_release, try_acquire (when it has one), contended — one permit
//   rw:        lock_shared_unlock_shared, lock_unlock, contended_shared
// Contended cases share one primitive between the threads of a run and are timed in real
// time, so that a thread asleep in the lock counts. Throws std::invalid_argument for a name
// that is not such a primitive, or for a plugin primitive named like a built-in one (the
// caller refuses those first, with a better message).
MicroBenchmarks register_micro_benchmarks(const std::vector<std::string>& primitives,
                                          const std::vector<int>& thread_counts,
                                          const std::vector<LoadedPlugin>& plugins = {});

}  // namespace contend::cli

#pragma once
// `contend micro`'s Google Benchmark cases as data: what one registered case measures, where its
// threads leave their measurements, and the function that registers a primitive's cases (the
// registry keeps one per lock, semaphore and rw lock). The cases themselves are templates in
// micro_cases.hpp; this header is what the registry and the reporter need without them.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "workloads/model/result.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

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

// A family's cases of one primitive, registered with Google Benchmark: what the registry keeps
// for `contend micro` (RegistryEntry::micro).
using MicroCases = std::function<void(MicroBenchmarks& out, const std::vector<int>& thread_counts)>;

}  // namespace contend

#include "workloads/micro_cases.hpp"

#include <fmt/format.h>
#include <sched.h>
#include <sys/resource.h>

#include <iterator>

namespace contend {

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

namespace micro_detail {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

ThreadUsage thread_usage() {
  rusage ru{};
  if (getrusage(RUSAGE_THREAD, &ru) != 0) return {};
  return {seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_nvcsw, ru.ru_nivcsw};
}

}  // namespace micro_detail

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
  if (benchmark.workload == Workload::semaphore) spec.permits = micro_detail::kPermits;
  if (benchmark.workload == Workload::rw) spec.read_percent = benchmark.micro_case == "lock_unlock" ? 0 : 100;
  spec.repetitions = repetitions;
  return spec;
}

}  // namespace contend

#include "cli/micro_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <utility>

namespace contend::cli {
namespace {

using Run = benchmark::BenchmarkReporter::Run;

MicroBenchmark& benchmark_of(const Run& run, MicroBenchmarks& benchmarks) {
  const auto it = benchmarks.find(run.run_name.function_name);
  if (it == benchmarks.end()) {
    throw std::logic_error(fmt::format("Google Benchmark reported '{}', which contend micro did not register",
                                       run.benchmark_name()));
  }
  return it->second;
}

}  // namespace

void add_micro_runs(std::vector<ConfigResult>& configs, const std::vector<Run>& runs,
                    MicroBenchmarks& benchmarks) {
  // Each repetition's reported run is the last of the runs Google Benchmark made for it, so
  // measurements are paired from the latest run backwards; whatever is left of the same
  // benchmark and thread count afterwards was a trial run.
  std::vector<std::vector<WorkerResult>> workers(runs.size());
  std::set<std::pair<MicroBenchmark*, int>> reported;
  for (std::size_t i = runs.size(); i-- > 0;) {
    const Run& run = runs[i];
    if (run.run_type != Run::RT_Iteration) continue;
    MicroBenchmark& benchmark = benchmark_of(run, benchmarks);
    const int threads = static_cast<int>(run.threads);
    reported.emplace(&benchmark, threads);
    if (run.error_occurred) continue;
    workers[i] = benchmark.usage->take(threads, static_cast<std::uint64_t>(run.iterations));
    if (workers[i].empty()) {
      throw std::logic_error(fmt::format("no per-thread measurements for '{}' with {} iterations",
                                         run.benchmark_name(), run.iterations));
    }
  }
  for (const auto& [benchmark, threads] : reported) benchmark->usage->forget(threads);

  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Run& run = runs[i];
    if (run.run_type != Run::RT_Iteration) continue;
    const RunSpec spec = micro_spec(benchmark_of(run, benchmarks), static_cast<int>(run.threads),
                                    static_cast<int>(run.repetitions));
    const std::string name = config_name(spec);
    auto config = std::find_if(configs.begin(), configs.end(),
                               [&name](const ConfigResult& c) { return c.name() == name; });
    if (config == configs.end()) config = configs.insert(configs.end(), ConfigResult(spec));

    Repetition rep;
    rep.index = run.repetition_index >= 0 ? static_cast<int>(run.repetition_index)
                                          : static_cast<int>(config->repetitions.size());
    if (run.error_occurred) {
      rep.status = Status::error;
      rep.status_detail = run.error_message;
    } else {
      rep.elapsed_s = run.real_accumulated_time;
      rep.workers = std::move(workers[i]);
    }
    config->repetitions.push_back(std::move(rep));
  }
}

void MicroReporter::ReportRuns(const std::vector<Run>& runs) {
  display_.ReportRuns(runs);
  add_micro_runs(configs_, runs, benchmarks_);
}

}  // namespace contend::cli

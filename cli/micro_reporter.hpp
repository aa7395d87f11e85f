#pragma once
// Google Benchmark's runs into contend's result model. MicroReporter passes every report on to
// Google Benchmark's own display reporter, so the console looks as it always does, and keeps
// the runs as configurations.
//
// Conversion, per Google Benchmark run that is not an aggregate:
//   configuration   micro_spec() of the benchmark's case and the run's threads; its name is
//                   config_name(), not Google Benchmark's (which adds "real_time" and the like)
//   repetition      one per run; its index is the run's repetition_index
//   elapsed_s       real_accumulated_time: Google Benchmark averages its threads' wall time
//   workers         one per thread, as the case's body measured it (UsageLog); their operations
//                   add up to the run's iterations
// so throughput is iterations over real time and ns/op is real time per iteration of one
// thread. Aggregates (mean, median, stddev, cv) are left out: contend derives its own from the
// repetitions. Latency is not measured: the histograms stay empty. A run that skipped with an
// error becomes a repetition with status `error` and its message.
#include <benchmark/benchmark.h>

#include <vector>

#include "workloads/micro_benchmarks.hpp"
#include "workloads/model/result.hpp"

namespace contend::cli {

// Adds the runs of one report to `configs`: a new configuration for a name not seen yet, else
// another repetition of it. Takes each run's per-thread measurements out of its benchmark's
// UsageLog. Throws std::logic_error for a run of a benchmark `benchmarks` does not know, or
// without its measurements.
void add_micro_runs(std::vector<ConfigResult>& configs, const std::vector<benchmark::BenchmarkReporter::Run>& runs,
                    MicroBenchmarks& benchmarks);

class MicroReporter final : public benchmark::BenchmarkReporter {
 public:
  // `display` prints (Google Benchmark's CreateDefaultDisplayReporter(), which follows
  // --benchmark_format and --benchmark_color); both must outlive the reporter.
  MicroReporter(benchmark::BenchmarkReporter& display, MicroBenchmarks& benchmarks)
      : display_(display), benchmarks_(benchmarks) {}

  bool ReportContext(const Context& context) override { return display_.ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override { display_.Finalize(); }

  const std::vector<ConfigResult>& configs() const { return configs_; }

 private:
  benchmark::BenchmarkReporter& display_;
  MicroBenchmarks& benchmarks_;
  std::vector<ConfigResult> configs_;
};

}  // namespace contend::cli

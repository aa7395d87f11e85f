// Unit tests of `contend micro`'s conversion from Google Benchmark runs to contend results, with
// runs and per-thread measurements made by hand: no benchmark runs here.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/micro_benchmarks.hpp"
#include "cli/micro_reporter.hpp"
#include "reports/json.hpp"
#include "reports/statistics.hpp"
#include "tests/fixtures.hpp"

namespace contend::cli {
namespace {

using GbRun = benchmark::BenchmarkReporter::Run;

GbRun iteration(const std::string& function, int threads, std::int64_t iterations, int index, int repetitions,
              double real_s) {
  GbRun run;
  run.run_name.function_name = function;
  run.family_index = 0;
  run.per_family_instance_index = 0;
  run.run_type = GbRun::RT_Iteration;
  run.threads = threads;
  run.iterations = iterations;
  run.repetition_index = index;
  run.repetitions = repetitions;
  run.real_accumulated_time = real_s;
  run.cpu_accumulated_time = real_s * threads;
  run.statistics = nullptr;
  return run;
}

GbRun aggregate(const GbRun& of, const std::string& name) {
  GbRun run = of;
  run.run_type = GbRun::RT_Aggregate;
  run.aggregate_name = name;
  run.repetition_index = GbRun::no_repetition_index;
  run.iterations = of.repetitions;
  return run;
}

// One run's per-thread measurements: `per_thread` operations each, `user_s` of CPU each.
std::vector<WorkerResult> threads_of(int threads, std::uint64_t per_thread, double user_s) {
  std::vector<WorkerResult> workers(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    workers[static_cast<std::size_t>(t)].operations = per_thread;
    workers[static_cast<std::size_t>(t)].cpu_first = t;
    workers[static_cast<std::size_t>(t)].cpu_last = t;
    workers[static_cast<std::size_t>(t)].cpu_user_s = user_s;
    workers[static_cast<std::size_t>(t)].voluntary_switches = 1;
  }
  return workers;
}

constexpr const char* kContended = "micro/lock/std-mutex/contended";
constexpr const char* kRwLockUnlock = "micro/rw/std-shared-mutex/lock_unlock";

MicroBenchmarks two_benchmarks() {
  MicroBenchmarks b;
  b.emplace(kContended, MicroBenchmark{Workload::lock, "std-mutex", "contended"});
  b.emplace(kRwLockUnlock, MicroBenchmark{Workload::rw, "std-shared-mutex", "lock_unlock"});
  return b;
}

TEST(MicroReporter, EachRepetitionBecomesOneRepetitionAndAggregatesNone) {
  MicroBenchmarks benchmarks = two_benchmarks();
  UsageLog& log = *benchmarks.at(kContended).usage;
  log.add(threads_of(2, 10, 0.001));   // Google Benchmark's trial run
  log.add(threads_of(2, 500, 0.25));   // repetition 0: the same iteration count as
  log.add(threads_of(2, 500, 0.375));  // repetition 1, so only the order tells them apart

  const GbRun rep0 = iteration(kContended, 2, 1000, 0, 2, 0.5);
  const GbRun rep1 = iteration(kContended, 2, 1000, 1, 2, 0.625);
  std::vector<ConfigResult> configs;
  add_micro_runs(configs,
                 {rep0, rep1, aggregate(rep1, "mean"), aggregate(rep1, "median"), aggregate(rep1, "stddev"),
                  aggregate(rep1, "cv")},
                 benchmarks);

  ASSERT_EQ(configs.size(), 1u);
  const ConfigResult& c = configs[0];
  EXPECT_EQ(c.name(), "micro/lock/std-mutex/contended/threads:2");
  EXPECT_EQ(c.spec.workload, Workload::lock);
  EXPECT_EQ(c.spec.micro_case, "contended");
  EXPECT_EQ(c.spec.workers, 2);
  EXPECT_EQ(c.spec.repetitions, 2);
  EXPECT_EQ(c.spec.sample_every, 0u);
  ASSERT_EQ(c.repetitions.size(), 2u);
  EXPECT_EQ(c.repetitions[0].index, 0);
  EXPECT_EQ(c.repetitions[1].index, 1);
  EXPECT_DOUBLE_EQ(c.repetitions[0].elapsed_s, 0.5);
  EXPECT_DOUBLE_EQ(c.repetitions[1].elapsed_s, 0.625);
  EXPECT_DOUBLE_EQ(c.repetitions[0].cpu_user_s(), 0.5);
  EXPECT_DOUBLE_EQ(c.repetitions[1].cpu_user_s(), 0.75);
  EXPECT_EQ(c.repetitions[0].voluntary_switches(), 2);

  // Throughput is iterations over real time; ns/op is one thread's time per operation.
  const Repetition& r = c.repetitions[0];
  EXPECT_EQ(r.operations(), 1000u);
  EXPECT_DOUBLE_EQ(*metric_value(r, Metric::throughput), 2000.0);
  EXPECT_DOUBLE_EQ(*metric_value(r, Metric::ns_per_op), 0.5e9 * 2 / 1000);
  // Google Benchmark times no single operation: no latency figure, not a zero.
  EXPECT_FALSE(metric_value(r, Metric::p50));
  EXPECT_FALSE(metric_value(r, Metric::max_latency));
  EXPECT_EQ(r.status, Status::ok);

  // The trial run was forgotten with the report.
  EXPECT_TRUE(log.take(2, 20).empty());
}

TEST(MicroReporter, InterleavedRepetitionsJoinTheirConfiguration) {
  // --benchmark_enable_random_interleaving reports each repetition on its own.
  MicroBenchmarks benchmarks = two_benchmarks();
  UsageLog& contended = *benchmarks.at(kContended).usage;
  UsageLog& rw = *benchmarks.at(kRwLockUnlock).usage;
  std::vector<ConfigResult> configs;
  contended.add(threads_of(1, 300, 0.125));
  add_micro_runs(configs, {iteration(kContended, 1, 300, 0, 2, 0.25)}, benchmarks);
  rw.add(threads_of(1, 700, 0.125));
  add_micro_runs(configs, {iteration(kRwLockUnlock, 1, 700, 0, 2, 0.25)}, benchmarks);
  contended.add(threads_of(1, 300, 0.125));
  add_micro_runs(configs, {iteration(kContended, 1, 300, 1, 2, 0.5)}, benchmarks);

  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(configs[0].name(), "micro/lock/std-mutex/contended/threads:1");
  EXPECT_EQ(configs[0].repetitions.size(), 2u);
  EXPECT_DOUBLE_EQ(configs[0].repetitions[1].elapsed_s, 0.5);
  // A single-threaded case has no thread count in its name; rw cases say what they read.
  EXPECT_EQ(configs[1].name(), "micro/rw/std-shared-mutex/lock_unlock");
  EXPECT_EQ(configs[1].spec.read_percent, 0u);
  EXPECT_EQ(configs[1].repetitions.size(), 1u);
}

TEST(MicroReporter, AnErrorRunIsAnErrorRepetition) {
  MicroBenchmarks benchmarks = two_benchmarks();
  GbRun run = iteration(kContended, 2, 0, 0, 1, 0);
  run.error_occurred = true;
  run.error_message = "posix-named-sem: sem_open failed: No space left on device";
  benchmarks.at(kContended).usage->begin_run(2);  // the run began, and measured nothing
  std::vector<ConfigResult> configs;
  add_micro_runs(configs, {run}, benchmarks);
  ASSERT_EQ(configs.size(), 1u);
  ASSERT_EQ(configs[0].repetitions.size(), 1u);
  EXPECT_EQ(configs[0].status(), Status::error);
  EXPECT_EQ(configs[0].repetitions[0].status_detail, run.error_message);
  EXPECT_FALSE(metric_value(configs[0].repetitions[0], Metric::ns_per_op));
  EXPECT_TRUE(benchmarks.at(kContended).usage->take(2, 0).empty()) << "its record is forgotten";
}

TEST(MicroReporter, RunsItCannotPlaceAreBugsNotData) {
  MicroBenchmarks benchmarks = two_benchmarks();
  std::vector<ConfigResult> configs;
  EXPECT_THROW(add_micro_runs(configs, {iteration("micro/lock/other/lock_unlock", 1, 10, 0, 1, 0.1)}, benchmarks),
               std::logic_error);
  EXPECT_THROW(add_micro_runs(configs, {iteration(kContended, 2, 10, 0, 1, 0.1)}, benchmarks), std::logic_error)
      << "no per-thread measurements";
}

TEST(MicroReporter, JsonKeepsTheCaseAndGoogleBenchmarksFields) {
  MicroBenchmarks benchmarks = two_benchmarks();
  benchmarks.at(kContended).usage->add(threads_of(2, 500, 0.25));
  Results results;
  results.environment = testing::fixture_environment();
  add_micro_runs(results.configs, {iteration(kContended, 2, 1000, 0, 1, 0.5)}, benchmarks);

  const std::string text = to_json(results);
  const nlohmann::json j = nlohmann::json::parse(text);
  ASSERT_EQ(j["benchmarks"].size(), 1u);
  const nlohmann::json& b = j["benchmarks"][0];
  EXPECT_EQ(b["name"], "micro/lock/std-mutex/contended/threads:2");
  EXPECT_EQ(b["run_type"], "iteration");
  EXPECT_EQ(b["threads"], 2);
  EXPECT_EQ(b["iterations"], 1000);
  EXPECT_DOUBLE_EQ(b["items_per_second"].get<double>(), 2000.0);
  EXPECT_TRUE(b["latency_ns"]["p50"].is_null());
  EXPECT_EQ(j["contend"]["configurations"][0]["spec"]["micro_case"], "contended");

  const Results back = results_from_json(text);
  ASSERT_EQ(back.configs.size(), 1u);
  EXPECT_EQ(back.configs[0].spec, results.configs[0].spec);
  EXPECT_EQ(to_json(back), text);
}

// A display reporter that only counts what it is given.
class CountingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override { shown += runs.size(); }
  std::size_t shown = 0;
};

TEST(MicroReporter, ShowsEverythingAndKeepsTheRepetitions) {
  MicroBenchmarks benchmarks = two_benchmarks();
  benchmarks.at(kContended).usage->add(threads_of(2, 500, 0.25));
  benchmarks.at(kContended).usage->add(threads_of(2, 500, 0.25));
  CountingReporter display;
  MicroReporter reporter(display, benchmarks);
  const GbRun rep0 = iteration(kContended, 2, 1000, 0, 2, 0.5);
  const GbRun rep1 = iteration(kContended, 2, 1000, 1, 2, 0.5);
  reporter.ReportRuns({rep0, rep1, aggregate(rep1, "mean")});
  EXPECT_EQ(display.shown, 3u);
  ASSERT_EQ(reporter.configs().size(), 1u);
  EXPECT_EQ(reporter.configs()[0].repetitions.size(), 2u);
}

TEST(MicroSpec, NamesFollowTheCase) {
  const MicroBenchmark semaphore{Workload::semaphore, "posix-sem", "try_acquire"};
  const RunSpec spec = micro_spec(semaphore, 1, 3);
  EXPECT_EQ(config_name(spec), "micro/semaphore/posix-sem/try_acquire");
  EXPECT_EQ(spec.permits, 1u);
  const MicroBenchmark shared{Workload::rw, "rw-spinlock", "contended_shared"};
  EXPECT_EQ(config_name(micro_spec(shared, 4, 1)), "micro/rw/rw-spinlock/contended_shared/threads:4");
  EXPECT_EQ(micro_spec(shared, 4, 1).read_percent, 100u);
}

}  // namespace
}  // namespace contend::cli

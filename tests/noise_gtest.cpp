// Noise as a finding (reports/noise.hpp): repetitions that disagree, vary or hold outliers, a
// busy machine, and a console row whose throughput and ns/op come from the same figures.
#include <gtest/gtest.h>

#include <string>

#include "reports/noise.hpp"
#include "reports/table.hpp"
#include "tests/fixtures.hpp"

namespace contend {
namespace {

using testing::add_fixture_repetition;
using testing::fixture_histogram;
using testing::fixture_spec;
using testing::fixture_workers;

// A configuration of 2 workers whose repetitions ran for 1 s each with these operation counts.
ConfigResult lock_with(std::initializer_list<std::uint64_t> operations_per_repetition) {
  ConfigResult c;
  c.spec = fixture_spec(Workload::lock, "ttas", Mode::threads, 2, static_cast<int>(operations_per_repetition.size()));
  int index = 0;
  for (std::uint64_t ops : operations_per_repetition) {
    add_fixture_repetition(c, index++, Status::ok, "", 1.0, fixture_workers({ops / 2, ops / 2}, 0.5, 0.0),
                           fixture_histogram({{100, 10}}));
  }
  return c;
}

TEST(Noise, AFastAndAStalledRepetitionDisagreeAndTheRowAgreesWithItself) {
  // 2.5 M and 2.5 k operations per second: the median throughput is their mean, 1.25125 Mops/s.
  const ConfigResult c = lock_with({2'500'000, 2'500});
  const NoiseFindings f = noise_of(c);
  EXPECT_DOUBLE_EQ(f.spread, 1000.0);
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_EQ(f.warnings[0],
            "repetitions disagree: throughput from 0.00250 to 2.50 Mops/s (1000.0x); the row's medians may describe "
            "none of them, so read each repetition (CSV, JSON)");
  // ns/op is each worker's time per operation at the row's own throughput: 2 x 1e9 / 1.25125e6
  // (the median of the repetitions' own ns/op would be 400,400).
  const std::vector<std::string> cells = summary_cells(c);
  EXPECT_EQ(cells[4], "1.25");
  EXPECT_EQ(cells[6], "1598");
}

TEST(Noise, SteadyRepetitionsAreNoFinding) {
  const NoiseFindings f = noise_of(lock_with({1'000'000, 1'010'000, 990'000, 1'005'000, 995'000}));
  EXPECT_EQ(f.repetitions, 5u);
  EXPECT_LT(f.cv, 0.01);
  EXPECT_EQ(f.outliers, 0u);
  EXPECT_TRUE(f.warnings.empty());
}

TEST(Noise, OneRepetitionFarFromTheRestIsAnOutlier) {
  const NoiseFindings f = noise_of(lock_with({1'000'000, 1'010'000, 990'000, 1'005'000, 995'000, 700'000}));
  EXPECT_EQ(f.outliers, 1u);
  EXPECT_GT(f.cv, 0.10);
  ASSERT_EQ(f.warnings.size(), 2u);
  EXPECT_EQ(f.warnings[0].rfind("noisy: throughput varies by ±", 0), 0u) << f.warnings[0];
  EXPECT_EQ(f.warnings[1],
            "1 of 6 repetitions is a statistical outlier (modified z-score above 14.826, and over 5% from the "
            "median); a quieter machine or more repetitions would help");
  // A stray 2% off repetitions within 0.1% of each other: far in z-score, too close to matter.
  EXPECT_EQ(noise_of(lock_with({1'000'000, 1'001'000, 999'000, 1'000'500, 980'000})).outliers, 0u);
}

TEST(Noise, OneRepetitionHasNoSpreadToJudge) {
  const NoiseFindings f = noise_of(lock_with({1'000'000}));
  EXPECT_EQ(f.repetitions, 1u);
  EXPECT_TRUE(f.warnings.empty());
}

TEST(Noise, ABusyMachineAtEitherEndIsAWarning) {
  Environment env = testing::fixture_environment();
  env.online_cpus = 2;
  env.load_average = {0.4, 0.3, 0.2};
  env.load_average_end = std::array<double, 3>{1.9, 0.8, 0.3};  // our own workers, mostly
  env.runnable_others_end = 0;
  EXPECT_TRUE(machine_load_warnings(env).empty());

  env.load_average = {1.5, 1.0, 0.5};
  env.runnable_others_end = 2;
  const std::vector<std::string> warnings = machine_load_warnings(env);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0],
            "the machine was busy when the run started: 1-minute load average 1.50 on 2 CPUs (above half of them), "
            "so figures may be slower and noisier than on an idle machine");
  EXPECT_EQ(warnings[1],
            "other tasks competed when the run ended: 2 runnable besides contend on 2 CPUs (1-minute load average "
            "1.90, this run's own workers included)");

  // A file from before the end was recorded: nothing is said about it.
  env.load_average = {0.1, 0.1, 0.1};
  env.load_average_end.reset();
  env.runnable_others_end.reset();
  EXPECT_TRUE(machine_load_warnings(env).empty());
}

}  // namespace
}  // namespace contend

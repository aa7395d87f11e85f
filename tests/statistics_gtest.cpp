// Unit tests of the summary statistics and of which figures a repetition has, against values
// worked out by hand.
#include <gtest/gtest.h>

#include <vector>

#include "reports/statistics.hpp"
#include "tests/fixtures.hpp"

namespace contend {
namespace {

constexpr double kTolerance = 1e-12;

TEST(Summarize, EmptyIsAllZero) {
  const Summary s = summarize(std::vector<double>{});
  EXPECT_EQ(s.n, 0u);
  EXPECT_EQ(s.median, 0.0);
  EXPECT_EQ(s.mean, 0.0);
  EXPECT_EQ(s.stddev, 0.0);
  EXPECT_EQ(s.cv, 0.0);
  EXPECT_EQ(s.min, 0.0);
  EXPECT_EQ(s.max, 0.0);
  EXPECT_EQ(s.ci95_low, 0.0);
  EXPECT_EQ(s.ci95_high, 0.0);
}

TEST(Summarize, OneValueIsItsOwnInterval) {
  const Summary s = summarize(std::vector<double>{42.5});
  EXPECT_EQ(s.n, 1u);
  EXPECT_EQ(s.median, 42.5);
  EXPECT_EQ(s.mean, 42.5);
  EXPECT_EQ(s.stddev, 0.0);
  EXPECT_EQ(s.cv, 0.0);
  EXPECT_EQ(s.min, 42.5);
  EXPECT_EQ(s.max, 42.5);
  EXPECT_EQ(s.ci95_low, 42.5);
  EXPECT_EQ(s.ci95_high, 42.5);
}

TEST(Summarize, TwoValuesUseTWithOneDegreeOfFreedom) {
  // mean 2, sample stddev sqrt(2), half-width t(1) * sqrt(2) / sqrt(2) = 12.7062.
  const Summary s = summarize(std::vector<double>{3.0, 1.0});
  EXPECT_EQ(s.median, 2.0);
  EXPECT_EQ(s.mean, 2.0);
  EXPECT_NEAR(s.stddev, 1.4142135623730951, kTolerance);
  EXPECT_NEAR(s.cv, 0.7071067811865476, kTolerance);
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, 3.0);
  EXPECT_NEAR(s.ci95_low, 2.0 - 12.7062, kTolerance);
  EXPECT_NEAR(s.ci95_high, 2.0 + 12.7062, kTolerance);
}

TEST(Summarize, EightValues) {
  // Sum of squared deviations from 5 is 32; sample variance 32/7; t(7) = 2.3646.
  const Summary s = summarize(std::vector<double>{9, 2, 4, 4, 5, 4, 7, 5});
  EXPECT_EQ(s.n, 8u);
  EXPECT_EQ(s.median, 4.5);  // even count: mean of the middle two
  EXPECT_EQ(s.mean, 5.0);
  EXPECT_NEAR(s.stddev, 2.138089935299395, kTolerance);
  EXPECT_NEAR(s.cv, 0.427617987059879, kTolerance);
  EXPECT_EQ(s.min, 2.0);
  EXPECT_EQ(s.max, 9.0);
  EXPECT_NEAR(s.ci95_low, 3.212530414244763, kTolerance);
  EXPECT_NEAR(s.ci95_high, 6.787469585755237, kTolerance);
}

TEST(Summarize, ZeroMeanHasZeroCvRatherThanNaN) {
  const Summary s = summarize(std::vector<double>{0.0, 0.0, 0.0});
  EXPECT_EQ(s.cv, 0.0);
  EXPECT_EQ(s.stddev, 0.0);
}

TEST(StudentT, TableAndLargeSampleFallback) {
  EXPECT_EQ(student_t95(1), 12.7062);
  EXPECT_EQ(student_t95(4), 2.7764);
  EXPECT_EQ(student_t95(30), 2.0423);
  EXPECT_EQ(student_t95(35), 2.0423);  // between rows: the row below, the wider interval
  EXPECT_EQ(student_t95(60), 2.0003);
  EXPECT_EQ(student_t95(100000), 1.96);
}

TEST(MetricValues, SkipsRepetitionsThatWereNotMeasured) {
  const Results results = testing::fixture_results();
  const ConfigResult& crash = results.configs[1];  // ok, crashed, violation
  EXPECT_EQ(metric_values(crash, Metric::throughput), (std::vector<double>{2e6, 1.6e6}));
  EXPECT_EQ(metric_values(crash, Metric::ns_per_op), (std::vector<double>{1000.0, 1250.0}));
  EXPECT_EQ(metric_values(crash, Metric::jain), (std::vector<double>{0.8, 1.0}));
  EXPECT_EQ(metric_values(crash, Metric::cpu_per_mop), (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(metric_values(crash, Metric::p50), (std::vector<double>{500.0, 600.0}));
  EXPECT_EQ(metric_values(crash, Metric::max_latency), (std::vector<double>{4000.0, 600.0}));
  EXPECT_FALSE(metric_value(crash.repetitions[1], Metric::throughput).has_value());
  EXPECT_FALSE(metric_value(crash.repetitions[1], Metric::p50).has_value());
}

TEST(MetricValues, LatencyOnlyFromRepetitionsWithSamples) {
  const Results results = testing::fixture_results();
  const ConfigResult& unsampled = results.configs[2];
  EXPECT_TRUE(metric_values(unsampled, Metric::p50).empty());
  EXPECT_TRUE(metric_values(unsampled, Metric::p9999).empty());
  EXPECT_TRUE(metric_values(unsampled, Metric::max_latency).empty());
  EXPECT_EQ(metric_values(unsampled, Metric::throughput), (std::vector<double>{8e6, 7e6}));
}

TEST(MetricValues, PercentilesOfTheFixture) {
  const Results results = testing::fixture_results();
  const ConfigResult& mutex = results.configs[0];
  EXPECT_EQ(metric_values(mutex, Metric::p50), (std::vector<double>{100, 110, 100}));
  EXPECT_EQ(metric_values(mutex, Metric::p90), (std::vector<double>{250, 300, 250}));
  EXPECT_EQ(metric_values(mutex, Metric::p99), (std::vector<double>{1000, 1500, 1000}));
  EXPECT_EQ(metric_values(mutex, Metric::p999), (std::vector<double>{20000, 30000, 20000}));
  EXPECT_EQ(metric_values(mutex, Metric::p9999), (std::vector<double>{20000, 30000, 20000}));
}

TEST(MetricValues, NoOperationsMeansNoPerOperationFigures) {
  Repetition rep;
  rep.status = Status::ok;
  rep.elapsed_s = 1.0;
  rep.workers.resize(2);
  EXPECT_EQ(metric_value(rep, Metric::throughput), 0.0);  // none completed: a true zero
  EXPECT_FALSE(metric_value(rep, Metric::ns_per_op).has_value());
  EXPECT_FALSE(metric_value(rep, Metric::cpu_per_mop).has_value());
  EXPECT_FALSE(metric_value(rep, Metric::jain).has_value());
}

}  // namespace
}  // namespace contend

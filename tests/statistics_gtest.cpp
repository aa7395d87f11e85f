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

// ---- Mann-Whitney U and the Hodges-Lehmann interval, against published values -------------

namespace contend {
namespace {

TEST(MannWhitney, CompleteSeparationOfFiveAndFiveIsTwoIn252) {
  // Every arrangement of 5 + 5 ranks is equally likely: C(10, 5) = 252; two are this extreme.
  const std::vector<double> a = {1, 2, 3, 4, 5};
  const std::vector<double> b = {6, 7, 8, 9, 10};
  const RankTest t = mann_whitney_u(a, b);
  EXPECT_TRUE(t.exact);
  EXPECT_EQ(t.u, 0.0);
  EXPECT_NEAR(t.p_two_sided, 2.0 / 252.0, 1e-12);
  EXPECT_NEAR(mann_whitney_u(b, a).p_two_sided, 2.0 / 252.0, 1e-12);
  EXPECT_EQ(mann_whitney_u(b, a).u, 25.0);
  EXPECT_NEAR(mann_whitney_min_p(5, 5), 2.0 / 252.0, 1e-12);
}

TEST(MannWhitney, ScipyDocumentationExample) {
  // scipy.stats.mannwhitneyu's example (Conover): males vs females, U1 = 17, exact p = 0.1111.
  const std::vector<double> males = {19, 22, 16, 29, 24};
  const std::vector<double> females = {20, 11, 17, 12};
  const RankTest t = mann_whitney_u(males, females);
  EXPECT_EQ(t.u, 17.0);
  EXPECT_NEAR(t.p_two_sided, 0.1111111111111111, 1e-12);
}

// Critical values of U from the standard two-tailed table: the largest U with p <= alpha.
double p_for_u(std::size_t n1, std::size_t n2, std::size_t u) {
  // Build samples with exactly u pairs where a > b: a's values interleaved into b's.
  std::vector<double> a;
  std::vector<double> b;
  for (std::size_t j = 0; j < n2; ++j) b.push_back(static_cast<double>(10 * (j + 1)));
  std::size_t remaining = u;
  for (std::size_t i = 0; i < n1; ++i) {
    const std::size_t above = std::min(remaining, n2);  // how many b's this a exceeds
    remaining -= above;
    a.push_back(static_cast<double>(10 * above + 5) + 0.1 * static_cast<double>(i));  // no ties
  }
  EXPECT_EQ(remaining, 0u);
  const RankTest t = mann_whitney_u(a, b);
  EXPECT_EQ(t.u, static_cast<double>(u));
  return t.p_two_sided;
}

TEST(MannWhitney, MatchesTheCriticalValueTable) {
  // n1 = n2 = 5: U <= 2 is significant at 0.05 two-tailed (P(U <= 2) = 4/252), U = 3 is not.
  EXPECT_NEAR(p_for_u(5, 5, 2), 8.0 / 252.0, 1e-12);
  EXPECT_GT(p_for_u(5, 5, 3), 0.05);
  // n1 = n2 = 10: critical U is 23 at 0.05 and 16 at 0.01 (two-tailed).
  EXPECT_LE(p_for_u(10, 10, 23), 0.05);
  EXPECT_GT(p_for_u(10, 10, 24), 0.05);
  EXPECT_LE(p_for_u(10, 10, 16), 0.01);
  EXPECT_GT(p_for_u(10, 10, 17), 0.01);
  // n1 = 8, n2 = 12: critical U is 22 at 0.05.
  EXPECT_LE(p_for_u(8, 12, 22), 0.05);
  EXPECT_GT(p_for_u(8, 12, 23), 0.05);
}

TEST(MannWhitney, TiesUseMidranksExactly) {
  // Pooled: 1 1 2 2 | ranks 1.5 1.5 3.5 3.5. a = {1, 2}, b = {1, 2}: U = 2 = n1 n2 / 2, p = 1.
  EXPECT_NEAR(mann_whitney_u(std::vector<double>{1, 2}, std::vector<double>{1, 2}).p_two_sided, 1.0, 1e-12);
  // a = {1, 1}, b = {2, 2}: the split {1,1}|{2,2} is one of C(4, 2) = 6, as is its mirror.
  EXPECT_NEAR(mann_whitney_u(std::vector<double>{1, 1}, std::vector<double>{2, 2}).p_two_sided, 2.0 / 6.0, 1e-12);
  // All tied: nothing to tell apart.
  EXPECT_NEAR(mann_whitney_u(std::vector<double>{3, 3, 3}, std::vector<double>{3, 3}).p_two_sided, 1.0, 1e-12);
}

TEST(MannWhitney, LargeSamplesUseTheNormalApproximation) {
  // 60 + 60 values, complete separation: z = (1800 - 0.5) / sqrt(60*60*121/12) = 9.46; p ~ 3e-21.
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 60; ++i) {
    a.push_back(i);
    b.push_back(100 + i);
  }
  const RankTest t = mann_whitney_u(a, b);
  EXPECT_FALSE(t.exact);
  EXPECT_LT(t.p_two_sided, 1e-19);
  // Interleaved halves: U = 1800 = the mean exactly, p = 1.
  std::vector<double> c;
  std::vector<double> d;
  for (int i = 0; i < 60; ++i) {
    (i % 2 == 0 ? c : d).push_back(i);
    (i % 2 == 0 ? d : c).push_back(i + 0.5);
  }
  EXPECT_NEAR(mann_whitney_u(c, d).p_two_sided, 1.0, 1e-9);
}

TEST(MannWhitney, EmptySideIsNoEvidence) {
  EXPECT_EQ(mann_whitney_u(std::vector<double>{}, std::vector<double>{1.0}).p_two_sided, 1.0);
}

TEST(HodgesLehmann, FiveAndFiveUseTheThirdDifferenceFromEachEnd) {
  // P(U <= 2) = 4/252 <= 0.025 < P(U <= 3) = 7/252, so the interval is [D(3), D(23)] of the 25
  // sorted differences (Hollander & Wolfe's table: C = 3 for 96.8% coverage).
  const std::vector<double> a = {0, 1, 2, 3, 4};
  const std::vector<double> b = {10, 20, 30, 40, 50};
  // Differences b_j - a_i: {10..50} - {0..4}; sorted: 6,7,8,9,10, 16,...,50.
  const ShiftEstimate s = hodges_lehmann_shift(a, b);
  ASSERT_TRUE(s.valid);
  EXPECT_EQ(s.estimate, 28.0);  // median of the 25 differences: 30 - 2
  EXPECT_EQ(s.low, 8.0);        // D(3)
  EXPECT_EQ(s.high, 48.0);      // D(23)
}

TEST(HodgesLehmann, ThreeAndThreeHaveNoNinetyFivePercentInterval) {
  // P(U = 0) = 1/20 = 0.05 > 0.025: no pair of order statistics covers 95%.
  EXPECT_FALSE(hodges_lehmann_shift(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6}).valid);
  EXPECT_TRUE(hodges_lehmann_shift(std::vector<double>{1, 2, 3, 4}, std::vector<double>{5, 6, 7, 8}).valid);
}

}  // namespace
}  // namespace contend

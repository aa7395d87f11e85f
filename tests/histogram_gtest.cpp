// Unit tests of the latency histogram against a sorted-array reference.
#include "workloads/model/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

namespace contend {
namespace {

// The exact percentile HdrHistogram defines: the value of rank ceil(p/100 * n), at least 1,
// with p taken one ulp low so that floating-point error cannot push the rank up by one.
std::uint64_t reference_percentile(const std::vector<std::uint64_t>& sorted, double p) {
  const double just_below = std::nextafter(p, -1.0);
  auto rank = static_cast<std::size_t>(std::ceil(just_below / 100.0 * static_cast<double>(sorted.size())));
  rank = std::max<std::size_t>(rank, 1);
  return sorted[rank - 1];
}

TEST(Histogram, EmptyReportsZeros) {
  auto h = std::make_unique<Histogram>();
  EXPECT_EQ(h->total_count(), 0u);
  EXPECT_EQ(h->value_at_percentile(50), 0u);
  EXPECT_EQ(h->min(), 0u);
  EXPECT_EQ(h->max(), 0u);
  EXPECT_EQ(h->mean(), 0.0);
}

TEST(Histogram, SmallValuesAreExact) {
  auto h = std::make_unique<Histogram>();
  for (std::uint64_t v = 0; v < 2048; ++v) {
    EXPECT_EQ(Histogram::lowest_equivalent(v), v);
    EXPECT_EQ(Histogram::highest_equivalent(v), v);
  }
  h->record(7);
  h->record(7);
  h->record(1000);
  EXPECT_EQ(h->value_at_percentile(50), 7u);
  EXPECT_EQ(h->value_at_percentile(100), 1000u);
  EXPECT_EQ(h->min(), 7u);
}

TEST(Histogram, PrecisionBoundHoldsAcrossTheRange) {
  // Every value maps to a bucket whose width is within 1/1024 of the value: 3 significant digits.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> log_value(0.0, std::log(static_cast<double>(Histogram::kHighestValue)));
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<std::uint64_t>(std::exp(log_value(rng)));
    const std::uint64_t lo = Histogram::lowest_equivalent(v);
    const std::uint64_t hi = Histogram::highest_equivalent(v);
    ASSERT_LE(lo, v);
    ASSERT_GE(hi, v);
    ASSERT_LE(static_cast<double>(hi - lo), std::max(0.0, static_cast<double>(v) / 1024.0)) << v;
    ASSERT_EQ(Histogram::value_from_index(Histogram::index_for(v)), lo);
    ASSERT_LT(Histogram::index_for(v), Histogram::kCountsLength);
  }
}

TEST(Histogram, PercentilesMatchSortedReferenceOnRandomData) {
  std::mt19937_64 rng(7);
  // A lognormal shape like real lock latencies: a body near 50 ns and a long tail.
  std::lognormal_distribution<double> dist(4.0, 1.5);
  std::vector<std::uint64_t> values;
  auto h = std::make_unique<Histogram>();
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng)) + 1;
    values.push_back(v);
    h->record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {0.0, 1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const std::uint64_t want = reference_percentile(values, p);
    const std::uint64_t got = h->value_at_percentile(p);
    // The histogram answers with the top of the reference value's bucket (capped at max).
    EXPECT_EQ(got, std::min(Histogram::highest_equivalent(want), values.back())) << "p" << p;
    EXPECT_LE(std::abs(static_cast<double>(got) - static_cast<double>(want)), static_cast<double>(want) / 1024.0 + 1)
        << "p" << p;
  }
  EXPECT_EQ(h->min(), values.front());
  EXPECT_EQ(h->max(), values.back());
  EXPECT_EQ(h->total_count(), values.size());
  double sum = 0;
  for (auto v : values) sum += static_cast<double>(v);
  EXPECT_NEAR(h->mean(), sum / static_cast<double>(values.size()), sum / static_cast<double>(values.size()) / 500);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<std::uint64_t> dist(1, 10'000'000);
  auto a = std::make_unique<Histogram>();
  auto b = std::make_unique<Histogram>();
  auto all = std::make_unique<Histogram>();
  for (int i = 0; i < 50000; ++i) {
    const auto v = dist(rng);
    (i % 3 == 0 ? *a : *b).record(v);
    all->record(v);
  }
  a->merge(*b);
  EXPECT_TRUE(*a == *all);
  auto empty = std::make_unique<Histogram>();
  a->merge(*empty);
  EXPECT_TRUE(*a == *all);
}

TEST(Histogram, PercentileRankIsNotPushedUpByRoundingError) {
  // 99.9% of 1000 values is rank 999; computed naively, 99.9 / 100 * 1000 = 999.0000000000001.
  auto h = std::make_unique<Histogram>();
  h->record_n(100, 999);
  h->record_n(20000, 1);
  EXPECT_EQ(h->value_at_percentile(99.9), 100u);
  EXPECT_EQ(h->value_at_percentile(99.95), 20000u);
}

TEST(Histogram, ValuesAboveTheRangeAreCountedNotDropped) {
  auto h = std::make_unique<Histogram>();
  h->record(Histogram::kHighestValue * 3);
  h->record(5);
  EXPECT_EQ(h->total_count(), 2u);
  EXPECT_EQ(h->overflow_count(), 1u);
  EXPECT_EQ(h->max(), Histogram::kHighestValue * 3);
  EXPECT_EQ(h->value_at_percentile(100), Histogram::kHighestValue * 3);
}

TEST(Histogram, SparseFormRoundTrips) {
  auto h = std::make_unique<Histogram>();
  h->record_n(12, 3);
  h->record_n(123456, 2);
  h->record_n(987654321, 1);
  auto back = std::make_unique<Histogram>(
      Histogram::from_buckets(h->nonzero_buckets(), h->min(), h->max(), h->overflow_count()));
  EXPECT_TRUE(*back == *h);
}

}  // namespace
}  // namespace contend

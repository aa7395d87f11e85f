#include "reports/hgrm.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

namespace contend {
namespace {

constexpr int kTicksPerHalfDistance = 5;
constexpr double kValueScale = 1.0;  // values stay in ns

// HdrHistogram represents a bucket by its lowest value plus half its width, rounded down
// (medianEquivalentValue); mean and standard deviation use it. Histogram::mean() takes the
// exact midpoint instead, so the footer computes its own to print what HdrHistogram would.
double median_equivalent(std::uint64_t value) {
  return static_cast<double>(Histogram::lowest_equivalent(value) +
                             (Histogram::size_of_equivalent_range(value) >> 1));
}

struct Moments {
  double mean = 0;
  double stddev = 0;
};

Moments hdr_moments(const Histogram& h) {
  Moments m;
  if (h.total_count() == 0) return m;
  const auto total = static_cast<double>(h.total_count());
  double sum = 0;
  for (std::size_t i = 0; i < Histogram::kCountsLength; ++i) {
    const std::uint64_t count = h.count_at_index(i);
    if (count != 0)
      sum += median_equivalent(Histogram::value_from_index(i)) * static_cast<double>(count);
  }
  m.mean = sum / total;
  double deviations = 0;
  for (std::size_t i = 0; i < Histogram::kCountsLength; ++i) {
    const std::uint64_t count = h.count_at_index(i);
    if (count == 0) continue;
    const double d = median_equivalent(Histogram::value_from_index(i)) - m.mean;
    deviations += d * d * static_cast<double>(count);
  }
  m.stddev = std::sqrt(deviations / total);
  return m;
}

// The next percentile tick after `level` (PercentileIterator.incrementIterationLevel): ticks
// are evenly spaced within each half of the remaining distance to 100%, five per half, so
// each halving doubles their density.
double next_tick(double level) {
  const auto halvings =
      static_cast<std::int64_t>(std::log(100.0 / (100.0 - level)) / std::log(2.0));
  const auto ticks = kTicksPerHalfDistance *
                     static_cast<std::int64_t>(std::pow(2.0, static_cast<double>(halvings + 1)));
  return level + 100.0 / static_cast<double>(ticks);
}

void append_row(std::string& out, std::uint64_t value, double percentile,
                std::uint64_t total_count) {
  out +=
      fmt::format("{:12.3f} {:2.12f} {:10d} {:14.2f}\n", static_cast<double>(value) / kValueScale,
                  percentile / 100.0, total_count, 1.0 / (1.0 - percentile / 100.0));
}

}  // namespace

std::string to_hgrm(const Histogram& h) {
  std::string out = fmt::format("{:>12} {:>14} {:>10} {:>14}\n\n", "Value", "Percentile",
                                "TotalCount", "1/(1-Percentile)");
  const std::uint64_t total = h.total_count();

  // HdrHistogram's PercentileIterator: walk the buckets; whenever the cumulative count at a
  // non-empty bucket reaches the next tick, report that tick with the bucket's highest
  // equivalent value (the same bucket may report several ticks). Stop once the last count is
  // reached, then report one final row at exactly 100%.
  std::uint64_t cumulative = 0;
  std::uint64_t last_value = 0;
  double level = 0.0;
  for (std::size_t i = 0; i < Histogram::kCountsLength && cumulative < total; ++i) {
    const std::uint64_t count = h.count_at_index(i);
    if (count == 0) continue;
    cumulative += count;
    last_value = Histogram::highest_equivalent(Histogram::value_from_index(i));
    const double reached = 100.0 * static_cast<double>(cumulative) / static_cast<double>(total);
    while (reached >= level) {
      append_row(out, last_value, level, cumulative);
      level = next_tick(level);
      if (cumulative == total) break;
    }
  }
  if (total > 0) {
    // The 100% row has no 1/(1-Percentile): HdrHistogram leaves the infinite column out.
    out += fmt::format("{:12.3f} {:2.12f} {:10d}\n", static_cast<double>(last_value) / kValueScale,
                       1.0, total);
  }

  const Moments m = hdr_moments(h);
  // HdrHistogram reports the maximum as the highest value equivalent to it (getMaxValue).
  const std::uint64_t max = h.max() == 0 ? 0 : Histogram::highest_equivalent(h.max());
  out += fmt::format("#[Mean    = {:12.3f}, StdDeviation   = {:12.3f}]\n", m.mean / kValueScale,
                     m.stddev / kValueScale);
  out += fmt::format("#[Max     = {:12.3f}, Total count    = {:12d}]\n",
                     static_cast<double>(max) / kValueScale, total);
  out += fmt::format("#[Buckets = {:12d}, SubBuckets     = {:12d}]\n", Histogram::kBucketCount,
                     Histogram::kSubBucketCount);
  return out;
}

}  // namespace contend

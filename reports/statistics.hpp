#pragma once
// Summary statistics over repetitions, and the one place that decides which figure a
// repetition has: every serializer asks metric_value() rather than reading the result model
// directly, so "not measured" means the same thing in every format.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "workloads/model/result.hpp"

namespace contend {

struct Summary {
  std::size_t n = 0;
  double median = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation (n - 1); 0 when n < 2
  double cv = 0;      // stddev / mean, as a fraction; 0 when the mean is 0
  double min = 0;
  double max = 0;
  double ci95_low = 0;  // 95% confidence interval of the mean (Student's t)
  double ci95_high = 0;
};

// All fields 0 when `values` is empty; a single value is its own interval.
Summary summarize(std::span<const double> values);

// The two-sided 95% critical value of Student's t with `degrees_of_freedom` (>= 1).
double student_t95(std::size_t degrees_of_freedom);

// The Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples, two-sided: does one
// tend to be larger than the other? Repetitions of a benchmark are few and rarely normal (a
// noisy neighbour gives one slow outlier), so compare uses this rank test rather than a t test.
struct RankTest {
  double u = 0;              // U of `a`: pairs (a_i, b_j) with a_i > b_j, a tie counting 1/2
  double p_two_sided = 1;    // P(|U - n1 n2 / 2| >= observed) when both come from one distribution
  bool exact = false;        // from the exact permutation distribution, not the normal approximation
};
// Exact when the two samples together have at most kExactRankTestLimit values: the permutation
// distribution of the rank sum is counted with ties at their midranks, so ties (latency
// percentiles from histogram buckets) are handled exactly too. Larger samples use the normal
// approximation with the tie and continuity corrections. Either sample empty: p = 1.
RankTest mann_whitney_u(std::span<const double> a, std::span<const double> b);
inline constexpr std::size_t kExactRankTestLimit = 100;

// The smallest two-sided p-value that samples of n1 and n2 values can reach (no ties):
// 2 / C(n1 + n2, n1). With 5 and 5 repetitions that is 0.0079, so no outcome of 5 + 5 can pass a
// test at alpha = 0.001.
double mann_whitney_min_p(std::size_t n1, std::size_t n2);

// The Hodges-Lehmann estimate of how far `b` is shifted from `a` (the median of every b_j - a_i)
// and its distribution-free confidence interval, read from the sorted differences at the ranks
// the exact U distribution gives (Bauer 1972; the interval that matches the U test). Coverage is
// at least `confidence`: with few values the exact level jumps in steps. `valid` is false when
// the samples are too small for any interval at that level (e.g. 3 and 3 at 95%).
struct ShiftEstimate {
  double estimate = 0;
  double low = 0;
  double high = 0;
  bool valid = false;
};
ShiftEstimate hodges_lehmann_shift(std::span<const double> a, std::span<const double> b, double confidence = 0.95);

enum class Metric {
  throughput,  // operations per second
  ns_per_op,
  p50,  // latency percentiles and maximum, in ns
  p90,
  p99,
  p999,
  p9999,
  max_latency,
  cpu_per_mop,  // CPU seconds (user + system) per million operations
  jain,
};

// The figure of one repetition, or nothing when it has none: the repetition was not measured,
// sampling was off (latency), or no operation completed (figures per operation).
std::optional<double> metric_value(const Repetition& rep, Metric metric);

// The figure of every repetition that has one, in repetition order.
std::vector<double> metric_values(const ConfigResult& config, Metric metric);

}  // namespace contend

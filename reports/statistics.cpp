#include "reports/statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace contend {

double student_t95(std::size_t degrees_of_freedom) {
  // t(0.975, df) for df = 1..30; repetitions are usually few, where t differs most from 1.96.
  static constexpr std::array<double, 30> kSmall = {
      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
      2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
      2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (degrees_of_freedom == 0) return 0.0;
  if (degrees_of_freedom <= kSmall.size()) return kSmall[degrees_of_freedom - 1];
  // Between table rows, the value of the row below: it is the larger, so the interval errs wide.
  if (degrees_of_freedom < 40) return kSmall.back();
  if (degrees_of_freedom < 60) return 2.0211;
  if (degrees_of_freedom < 120) return 2.0003;
  if (degrees_of_freedom < 1000) return 1.9799;
  return 1.96;
}

Summary summarize(std::span<const double> values) {
  Summary s;
  s.n = values.size();
  if (s.n == 0) return s;

  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  const std::size_t mid = s.n / 2;
  s.median = s.n % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(s.n);

  if (s.n >= 2) {
    double sum_sq = 0;
    for (double v : sorted) sum_sq += (v - s.mean) * (v - s.mean);
    s.stddev = std::sqrt(sum_sq / static_cast<double>(s.n - 1));
  }
  s.cv = s.mean != 0 ? s.stddev / s.mean : 0.0;
  const double half_width = student_t95(s.n - 1) * s.stddev / std::sqrt(static_cast<double>(s.n));
  s.ci95_low = s.mean - half_width;
  s.ci95_high = s.mean + half_width;
  return s;
}

namespace {

std::optional<double> percentile(const Repetition& rep, double p) {
  if (rep.latency.total_count() == 0) return std::nullopt;
  return static_cast<double>(rep.latency.value_at_percentile(p));
}

}  // namespace

std::optional<double> metric_value(const Repetition& rep, Metric metric) {
  if (!rep.measured()) return std::nullopt;
  // Repetition's per-operation figures return 0 when nothing completed; that 0 would be
  // invented, so it is reported as missing instead.
  const bool has_operations = rep.operations() > 0;
  switch (metric) {
    case Metric::throughput:
      if (rep.elapsed_s <= 0) return std::nullopt;
      return rep.throughput_ops_per_s();
    case Metric::ns_per_op:
      if (!has_operations || rep.elapsed_s <= 0) return std::nullopt;
      return rep.ns_per_op();
    case Metric::p50:
      return percentile(rep, 50.0);
    case Metric::p90:
      return percentile(rep, 90.0);
    case Metric::p99:
      return percentile(rep, 99.0);
    case Metric::p999:
      return percentile(rep, 99.9);
    case Metric::p9999:
      return percentile(rep, 99.99);
    case Metric::max_latency:
      if (rep.latency.total_count() == 0) return std::nullopt;
      return static_cast<double>(rep.latency.max());
    case Metric::cpu_per_mop:
      if (!has_operations) return std::nullopt;
      return rep.cpu_s_per_million_ops();
    case Metric::jain:
      if (!has_operations) return std::nullopt;
      return rep.jain_fairness();
  }
  return std::nullopt;
}

std::vector<double> metric_values(const ConfigResult& config, Metric metric) {
  std::vector<double> out;
  for (const Repetition& rep : config.repetitions) {
    if (const auto v = metric_value(rep, metric)) out.push_back(*v);
  }
  return out;
}

}  // namespace contend

// ---- Mann-Whitney U and the Hodges-Lehmann interval ----------------------------------------

namespace contend {

namespace {

struct Ranked {
  std::vector<long> doubled_ranks;  // midranks times two, so every rank is an integer
  double tie_term = 0;              // sum of t^3 - t over groups of t tied values
};

// Ranks a and b pooled; the first a.size() ranks belong to a.
Ranked rank_pooled(std::span<const double> a, std::span<const double> b) {
  struct Item {
    double value;
    std::size_t index;
  };
  std::vector<Item> items;
  for (std::size_t i = 0; i < a.size(); ++i) items.push_back({a[i], i});
  for (std::size_t j = 0; j < b.size(); ++j) items.push_back({b[j], a.size() + j});
  std::sort(items.begin(), items.end(), [](const Item& x, const Item& y) { return x.value < y.value; });
  Ranked r;
  r.doubled_ranks.assign(items.size(), 0);
  std::size_t first = 0;
  while (first < items.size()) {
    std::size_t last = first;
    while (last + 1 < items.size() && items[last + 1].value == items[first].value) ++last;
    // Positions first..last (0-based) share the midrank ((first + 1) + (last + 1)) / 2.
    const long doubled = static_cast<long>(first + last + 2);
    for (std::size_t k = first; k <= last; ++k) r.doubled_ranks[items[k].index] = doubled;
    const double t = static_cast<double>(last - first + 1);
    r.tie_term += t * t * t - t;
    first = last + 1;
  }
  return r;
}

// ways[s]: how many ways to choose `n1` of the pooled values whose doubled ranks sum to s.
// Counted in double: C(100, 50) is about 1e29, far past 64 bits, and only ratios matter.
std::vector<double> rank_sum_ways(const std::vector<long>& doubled_ranks, std::size_t n1) {
  long total = 0;
  for (long r : doubled_ranks) total += r;
  const auto sums = static_cast<std::size_t>(total) + 1;
  // table[k * sums + s]: subsets of size k so far with doubled sum s.
  std::vector<double> table((n1 + 1) * sums, 0.0);
  table[0] = 1.0;
  std::size_t seen = 0;
  for (long r : doubled_ranks) {
    ++seen;
    const auto step = static_cast<std::size_t>(r);
    for (std::size_t k = std::min(seen, n1); k >= 1; --k) {
      double* to = &table[k * sums];
      const double* from = &table[(k - 1) * sums];
      for (std::size_t s = sums; s-- > step;) to[s] += from[s - step];
    }
  }
  return {table.begin() + static_cast<std::ptrdiff_t>(n1 * sums), table.end()};
}

// P(Z > z) for a standard normal Z.
double normal_upper_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// The null distribution of U without ties: counts[u] for u = 0 .. n1 n2.
std::vector<double> u_distribution(std::size_t n1, std::size_t n2) {
  std::vector<long> doubled;
  for (std::size_t i = 1; i <= n1 + n2; ++i) doubled.push_back(static_cast<long>(2 * i));
  const std::vector<double> ways = rank_sum_ways(doubled, n1);
  // Doubled rank sum 2R = 2U + n1 (n1 + 1).
  const std::size_t offset = n1 * (n1 + 1);
  std::vector<double> counts(n1 * n2 + 1, 0.0);
  for (std::size_t u = 0; u <= n1 * n2; ++u) counts[u] = ways[2 * u + offset];
  return counts;
}

}  // namespace

RankTest mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  RankTest result;
  if (a.empty() || b.empty()) return result;
  const std::size_t n1 = a.size();
  const std::size_t n2 = b.size();
  const Ranked ranked = rank_pooled(a, b);
  long doubled_sum_a = 0;
  for (std::size_t i = 0; i < n1; ++i) doubled_sum_a += ranked.doubled_ranks[i];
  // 2U = 2R - n1 (n1 + 1); its mean under the null is n1 n2.
  const long doubled_u = doubled_sum_a - static_cast<long>(n1 * (n1 + 1));
  result.u = static_cast<double>(doubled_u) / 2.0;
  const long doubled_mean = static_cast<long>(n1 * n2);
  const long observed_distance = std::abs(doubled_u - doubled_mean);

  if (n1 + n2 <= kExactRankTestLimit) {
    const std::vector<double> ways = rank_sum_ways(ranked.doubled_ranks, n1);
    const long offset = static_cast<long>(n1 * (n1 + 1));
    double extreme = 0;
    double all = 0;
    for (std::size_t s = 0; s < ways.size(); ++s) {
      if (ways[s] == 0) continue;
      all += ways[s];
      // Integers throughout, so "as extreme" needs no tolerance.
      if (std::abs(static_cast<long>(s) - offset - doubled_mean) >= observed_distance) extreme += ways[s];
    }
    result.p_two_sided = std::min(1.0, extreme / all);
    result.exact = true;
    return result;
  }

  const double n = static_cast<double>(n1 + n2);
  const double variance = static_cast<double>(n1 * n2) / 12.0 * ((n + 1) - ranked.tie_term / (n * (n - 1)));
  if (variance <= 0) return result;  // every value tied
  const double distance = std::max(0.0, static_cast<double>(observed_distance) / 2.0 - 0.5);
  result.p_two_sided = std::min(1.0, 2.0 * normal_upper_tail(distance / std::sqrt(variance)));
  return result;
}

double mann_whitney_min_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return 1.0;
  // C(n1 + n2, n1) as a running product, in double.
  double combinations = 1;
  const std::size_t k = std::min(n1, n2);
  for (std::size_t i = 1; i <= k; ++i) {
    combinations = combinations * static_cast<double>(n1 + n2 - k + i) / static_cast<double>(i);
  }
  return std::min(1.0, 2.0 / combinations);
}

ShiftEstimate hodges_lehmann_shift(std::span<const double> a, std::span<const double> b, double confidence) {
  ShiftEstimate result;
  if (a.empty() || b.empty()) return result;
  std::vector<double> differences;
  differences.reserve(a.size() * b.size());
  for (double y : b) {
    for (double x : a) differences.push_back(y - x);
  }
  std::sort(differences.begin(), differences.end());
  const std::size_t m = differences.size();
  result.estimate = m % 2 == 1 ? differences[m / 2] : (differences[m / 2 - 1] + differences[m / 2]) / 2.0;

  // The interval is [D(k), D(m + 1 - k)] (1-based) for the largest k with P(U <= k - 1) <= tail.
  const double tail = (1.0 - confidence) / 2.0;
  std::size_t k = 0;
  if (a.size() + b.size() <= kExactRankTestLimit) {
    const std::vector<double> counts = u_distribution(a.size(), b.size());
    double all = 0;
    for (double c : counts) all += c;
    double cumulative = 0;
    while (k < counts.size() && (cumulative + counts[k]) / all <= tail) {
      cumulative += counts[k];
      ++k;
    }
  } else {
    const double n1 = static_cast<double>(a.size());
    const double n2 = static_cast<double>(b.size());
    // z for the two-sided level: 1.96 at 95%; solved by bisection on the normal tail.
    double low = 0;
    double high = 10;
    for (int i = 0; i < 100; ++i) {
      const double mid = (low + high) / 2;
      (normal_upper_tail(mid) > tail ? low : high) = mid;
    }
    const double bound = n1 * n2 / 2.0 - high * std::sqrt(n1 * n2 * (n1 + n2 + 1) / 12.0);
    k = bound > 0 ? static_cast<std::size_t>(std::floor(bound)) : 0;
  }
  if (k == 0 || k > m / 2 + 1) return result;
  result.low = differences[k - 1];
  result.high = differences[m - k];
  result.valid = true;
  return result;
}

}  // namespace contend

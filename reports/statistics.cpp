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

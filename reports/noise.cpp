#include "reports/noise.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/statistics.hpp"
#include "reports/table.hpp"

namespace contend {

namespace {

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

std::size_t count_outliers(const std::vector<double>& values) {
  if (values.size() < 3) return 0;
  const double median = median_of(values);
  std::vector<double> deviations;
  for (double v : values) deviations.push_back(std::fabs(v - median));
  const double mad = median_of(deviations);
  return static_cast<std::size_t>(std::count_if(values.begin(), values.end(), [&](double v) {
    if (std::fabs(v - median) < kOutlierMinDeviation * std::fabs(median)) return false;
    if (mad == 0) return true;
    return std::fabs(0.6745 * (v - median) / mad) > kOutlierScore;
  }));
}

}  // namespace

NoiseFindings noise_of(const ConfigResult& config) {
  NoiseFindings f;
  const std::vector<double> values = metric_values(config, Metric::throughput);
  f.repetitions = values.size();
  if (values.size() < 2) return f;
  const Summary s = summarize(values);
  f.cv = s.cv;
  f.spread = s.min > 0 ? s.max / s.min : INFINITY;
  f.outliers = count_outliers(values);
  if (f.spread >= kDisagreeRatio) {
    f.warnings.push_back(fmt::format(
        "repetitions disagree: throughput from {} to {} Mops/s ({}); the row's medians may describe none of them, "
        "so read each repetition (CSV, JSON)",
        format_3sig(s.min / 1e6), format_3sig(s.max / 1e6),
        std::isfinite(f.spread) ? fmt::format("{:.1f}x", f.spread) : std::string("one did nothing")));
  } else if (f.cv > kNoisyCv) {
    f.warnings.push_back(fmt::format("noisy: throughput varies by ±{:.1f}% (CV) between repetitions, above {:.0f}%",
                                     f.cv * 100.0, kNoisyCv * 100.0));
  }
  if (f.outliers > 0) {
    f.warnings.push_back(fmt::format("{} of {} repetitions {} statistical outlier{} (modified z-score above {}, and over "
                                     "{:.0f}% from the median); a quieter machine or more repetitions would help",
                                     f.outliers, f.repetitions, f.outliers == 1 ? "is a" : "are",
                                     f.outliers == 1 ? "" : "s", kOutlierScore, kOutlierMinDeviation * 100.0));
  }
  return f;
}

std::vector<std::string> machine_load_warnings(const Environment& env) {
  std::vector<std::string> warnings;
  const double half = env.online_cpus / 2.0;
  if (env.online_cpus <= 0) return warnings;
  if (env.load_average[0] > half) {
    warnings.push_back(fmt::format("the machine was busy when the run started: 1-minute load average {:.2f} on {} "
                                   "CPUs (above half of them), so figures may be slower and noisier than on an idle "
                                   "machine",
                                   env.load_average[0], env.online_cpus));
  }
  if (env.runnable_others_end && *env.runnable_others_end > half) {
    warnings.push_back(fmt::format("other tasks competed when the run ended: {} runnable besides contend on {} CPUs "
                                   "(1-minute load average {:.2f}, this run's own workers included)",
                                   *env.runnable_others_end, env.online_cpus,
                                   env.load_average_end ? (*env.load_average_end)[0] : NAN));
  }
  return warnings;
}

}  // namespace contend

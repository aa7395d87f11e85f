#pragma once
// Summary statistics over repetitions, and the one place that decides which figure a
// repetition has: every serializer asks metric_value() rather than reading the result model
// directly, so "not measured" means the same thing in every format.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "workloads/result.hpp"

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

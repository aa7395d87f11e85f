#include "reports/report_summary.hpp"

#include <fmt/format.h>

#include "reports/table.hpp"
#include <fmt/ranges.h>

namespace contend {

namespace {

// The highest count at which any series of the scenario has a measured figure of `metric`.
std::optional<WorkerCount> highest_measured(const Scenario& scenario, Metric metric) {
  for (auto count = scenario.counts.rbegin(); count != scenario.counts.rend(); ++count) {
    for (const ReportSeries& series : scenario.series) {
      const auto found = series.configs.find(*count);
      if (found != series.configs.end() && ok_summary(found->second, metric)) return *count;
    }
  }
  return std::nullopt;
}

// The series with the highest median of `metric` at `count`, and its figure.
std::string best_at(const Scenario& scenario, WorkerCount count, Metric metric, ChartKind kind) {
  const ReportSeries* best = nullptr;
  double best_value = 0;
  for (const ReportSeries& series : scenario.series) {
    const auto found = series.configs.find(count);
    if (found == series.configs.end()) continue;
    const auto summary = ok_summary(found->second, metric);
    if (!summary) continue;
    if (best == nullptr || summary->median > best_value) {
      best = &series;
      best_value = summary->median;
    }
  }
  if (best == nullptr) return {};
  const std::string figure = format_figure(kind, best_value);
  return kind == ChartKind::fairness ? fmt::format("{}, Jain {}", best->name, figure)
                                     : fmt::format("{}, {} {}", best->name, figure, chart_unit(kind));
}

}  // namespace

ReportSummary summarize_report(const std::vector<LabeledResults>& inputs, const std::vector<Scenario>& scenarios) {
  ReportSummary summary;
  for (const LabeledResults& input : inputs) {
    if (!input.results.complete) {
      summary.incomplete.push_back(fmt::format("{}: interrupted, some configurations did not run", input.label));
    }
  }
  for (const Scenario& scenario : scenarios) {
    if (const auto count = highest_measured(scenario, Metric::throughput)) {
      summary.highlights.push_back({scenario.name, count_phrase(scenario, *count),
                                    best_at(scenario, *count, Metric::throughput, ChartKind::throughput),
                                    best_at(scenario, *count, Metric::jain, ChartKind::fairness)});
    }
    for (const std::string& note : scenario_notes(scenario)) {
      summary.not_ok.push_back(fmt::format("{}: {}", scenario.name, note));
    }
  }
  if (inputs.size() == 2) {
    summary.before_after =
        compare(comparison_input(inputs[0].results, CompareMetric::throughput, inputs[0].label),
                comparison_input(inputs[1].results, CompareMetric::throughput, inputs[1].label), CompareSettings{});
  }
  return summary;
}

std::string comparison_value(const Comparison& c, const Summary& s) {
  if (s.n == 0) return kNotMeasuredText;
  switch (c.settings.metric) {
    case CompareMetric::throughput: return format_3sig(s.median / 1e6) + " Mops/s";
    case CompareMetric::p50:
    case CompareMetric::p99:
    case CompareMetric::p999: return format_latency_ns(s.median);
    case CompareMetric::cpu_per_op: return format_3sig(s.median) + " " + c.base.unit;
  }
  return kNotMeasuredText;
}

std::string before_after_headline(const Comparison& c) {
  std::vector<std::string> parts;
  const std::size_t regressed = c.count(Verdict::regressed);
  if (regressed > 0) {
    std::string names;
    for (const ConfigComparison& x : c.configs) {
      if (x.verdict != Verdict::regressed) continue;
      names += fmt::format("{}{}: {:+.1f}%", names.empty() ? "" : ", ", x.name, *x.change * 100.0);
    }
    parts.push_back(fmt::format("{} regressed ({})", regressed, names));
  } else {
    parts.emplace_back("none regressed");
  }
  parts.push_back(fmt::format("{} improved", c.count(Verdict::improved)));
  parts.push_back(fmt::format("{} unchanged", c.count(Verdict::unchanged)));
  const std::size_t unjudged = c.count(Verdict::noisy) + c.count(Verdict::missing);
  if (unjudged > 0) parts.push_back(fmt::format("{} could not be judged (noisy or missing)", unjudged));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace contend

#include "reports/report_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

#include "reports/table.hpp"
#include "workloads/model/knobs.hpp"

namespace contend {
namespace {

WorkerCount count_of(const RunSpec& spec) {
  return {spec.workers, workload_info(spec.workload).producers_and_consumers ? spec.producers : 0};
}

std::string series_name(const std::vector<LabeledResults>& inputs, std::size_t input, const RunSpec& spec) {
  const std::string base = fmt::format("{} ({})", spec.primitive, to_string(spec.mode));
  return inputs.size() > 1 ? fmt::format("{}: {}", inputs[input].label, base) : base;
}

// "30..40ns" rather than "30ns..40ns" when both ends have the same unit.
std::string range_text(const std::string& low, const std::string& high) {
  const auto unit_start = [](const std::string& text) { return text.find_first_not_of("0123456789.-"); };
  const std::size_t low_unit = unit_start(low);
  const std::size_t high_unit = unit_start(high);
  if (low_unit != std::string::npos && high_unit != std::string::npos &&
      low.substr(low_unit) == high.substr(high_unit)) {
    return fmt::format("{}..{}", low.substr(0, low_unit), high);
  }
  return fmt::format("{}..{}", low, high);
}

FigureCell with_spread(const Summary& s, const std::function<std::string(double)>& format) {
  if (s.n < 2) return {format(s.median), ""};
  return {format(s.median), range_text(format(s.min), format(s.max))};
}

Metric percentile_metric(double percentile) {
  if (percentile == 50.0) return Metric::p50;
  if (percentile == 90.0) return Metric::p90;
  if (percentile == 99.0) return Metric::p99;
  if (percentile == 99.9) return Metric::p999;
  return Metric::p9999;
}

FigureTable latency_table(const Scenario& scenario, WorkerCount count) {
  FigureTable table;
  table.title = fmt::format(
      "Latency at {}: all ok repetitions merged (min..max: the repetitions' own figures)",
      count_phrase(scenario, count));
  for (double p : kSpectrumPercentiles) table.columns.push_back(percentile_label(p));
  table.columns.push_back("max");
  table.columns.push_back("samples");
  const auto latency_text = [](double ns) { return format_latency_ns(ns); };
  for (const ReportSeries& series : scenario.series) {
    FigureTable::Row row{series.name, {}};
    const auto found = series.configs.find(count);
    if (found == series.configs.end()) {
      row.cells.assign(table.columns.size(), {kNotRunText, ""});
      table.rows.push_back(row);
      continue;
    }
    const Histogram merged = ok_latency(found->second);
    if (merged.total_count() == 0) {
      row.cells.assign(table.columns.size(), {kNotMeasuredText, ""});
      table.rows.push_back(row);
      continue;
    }
    const auto cell = [&](double merged_value, Metric metric) {
      const std::vector<double> per_repetition = ok_values(found->second, metric);
      if (per_repetition.size() < 2) return FigureCell{latency_text(merged_value), ""};
      const auto [low, high] = std::minmax_element(per_repetition.begin(), per_repetition.end());
      return FigureCell{latency_text(merged_value), range_text(latency_text(*low), latency_text(*high))};
    };
    for (double p : kSpectrumPercentiles) {
      row.cells.push_back(cell(static_cast<double>(merged.value_at_percentile(p)), percentile_metric(p)));
    }
    row.cells.push_back(cell(static_cast<double>(merged.max()), Metric::max_latency));
    row.cells.push_back({fmt::format("{}", merged.total_count()), ""});
    table.rows.push_back(row);
  }
  return table;
}

}  // namespace

std::string count_phrase(const Scenario& scenario, WorkerCount count) {
  if (workload_info(scenario.workload).producers_and_consumers && !scenario.micro) return count_label(scenario, count);
  const char* noun = scenario.micro ? "thread" : "worker";
  return fmt::format("{} {}{}", count.workers, noun, count.workers == 1 ? "" : "s");
}

bool FigureCell::missing() const { return value == kNotMeasuredText || value == kNotRunText; }

std::string scenario_name(const RunSpec& spec) {
  if (!spec.micro_case.empty()) return fmt::format("micro/{}/{}", to_string(spec.workload), spec.micro_case);
  // A configuration's name without its primitive, mode and worker counts (the x axis): the
  // knobs that differ from their defaults are what tell scenarios apart.
  std::string name(to_string(spec.workload));
  for (const std::string& segment : knob_segments(spec)) {
    const std::string_view label = std::string_view(segment).substr(0, segment.find(':'));
    if (label == knob(KnobId::workers).label || label == knob(KnobId::producers).label ||
        label == knob(KnobId::consumers).label) {
      continue;
    }
    name += "/" + segment;
  }
  return name;
}

std::vector<Scenario> group_scenarios(const std::vector<LabeledResults>& inputs) {
  std::vector<Scenario> scenarios;
  std::map<std::string, std::size_t> primitive_order;
  for (std::size_t input = 0; input < inputs.size(); ++input) {
    for (const ConfigResult& config : inputs[input].results.configs) {
      const RunSpec& spec = config.spec;
      primitive_order.emplace(spec.primitive, primitive_order.size());
      const std::string name = scenario_name(spec);
      auto scenario = std::find_if(scenarios.begin(), scenarios.end(),
                                   [&](const Scenario& s) { return s.name == name; });
      if (scenario == scenarios.end()) {
        scenarios.push_back({name, spec.workload, !spec.micro_case.empty(), {}, {}});
        scenario = std::prev(scenarios.end());
      }
      auto series = std::find_if(scenario->series.begin(), scenario->series.end(), [&](const ReportSeries& s) {
        return s.input == input && s.primitive == spec.primitive && s.mode == spec.mode;
      });
      if (series == scenario->series.end()) {
        scenario->series.push_back({input, spec.primitive, spec.mode, series_name(inputs, input, spec),
                                    primitive_order.at(spec.primitive), {}});
        series = std::prev(scenario->series.end());
      }
      // The same configuration twice in one file (a knob the name does not show, such as the
      // duration): its repetitions are pooled rather than one of them dropped.
      series->configs[count_of(spec)].push_back(&config);
    }
  }
  for (Scenario& scenario : scenarios) {
    std::set<WorkerCount> counts;
    for (const ReportSeries& series : scenario.series) {
      for (const auto& [count, configs] : series.configs) counts.insert(count);
    }
    scenario.counts.assign(counts.begin(), counts.end());
    std::stable_sort(scenario.series.begin(), scenario.series.end(), [](const ReportSeries& a, const ReportSeries& b) {
      return std::tuple(a.primitive_index, a.mode, a.input) < std::tuple(b.primitive_index, b.mode, b.input);
    });
  }
  return scenarios;
}

std::string count_label(const Scenario& scenario, WorkerCount count) {
  if (workload_info(scenario.workload).producers_and_consumers && !scenario.micro) {
    return fmt::format("{}p·{}c", count.producers, count.workers - count.producers);
  }
  return fmt::format("{}", count.workers);
}

std::string count_axis_title(const Scenario& scenario) {
  if (scenario.micro) return "threads";
  return std::string(workload_info(scenario.workload).axis);
}

std::string scenario_description(const Scenario& scenario) {
  if (scenario.micro) {
    return "Google Benchmark's loop over the primitive's bare operations (contend micro). No single "
           "operation is timed, so there is no latency.";
  }
  return std::string(workload_info(scenario.workload).operation);
}

std::vector<double> ok_values(const std::vector<const ConfigResult*>& configs, Metric metric) {
  std::vector<double> values;
  for (const ConfigResult* config : configs) {
    for (const Repetition& rep : config->repetitions) {
      if (rep.status != Status::ok) continue;
      if (const auto v = metric_value(rep, metric)) values.push_back(*v);
    }
  }
  return values;
}

std::optional<Summary> ok_summary(const std::vector<const ConfigResult*>& configs, Metric metric) {
  const std::vector<double> values = ok_values(configs, metric);
  if (values.empty()) return std::nullopt;
  return summarize(values);
}

Histogram ok_latency(const std::vector<const ConfigResult*>& configs) {
  Histogram merged;
  for (const ConfigResult* config : configs) merged.merge(config->latency.ok);
  return merged;
}

std::optional<WorkerCount> latency_count(const Scenario& scenario) {
  for (auto count = scenario.counts.rbegin(); count != scenario.counts.rend(); ++count) {
    for (const ReportSeries& series : scenario.series) {
      const auto found = series.configs.find(*count);
      if (found != series.configs.end() && ok_latency(found->second).total_count() > 0) return *count;
    }
  }
  return std::nullopt;
}

std::string no_latency_reason(const Scenario& scenario) {
  if (scenario.micro) return "Latency: none (micro benchmarks time no single operation).";
  bool sampling_off = true;
  for (const ReportSeries& series : scenario.series) {
    for (const auto& [count, configs] : series.configs) {
      for (const ConfigResult* config : configs) sampling_off = sampling_off && config->spec.sample_every == 0;
    }
  }
  return sampling_off ? "Latency: not measured (sampling was off, --sample 0)."
                      : "Latency: not measured (no repetition with latency samples finished ok).";
}

std::optional<std::string> chart_title(const Scenario& scenario, ChartKind kind) {
  switch (kind) {
    case ChartKind::throughput: return "Throughput";
    case ChartKind::latency: {
      const auto count = latency_count(scenario);
      if (!count) return std::nullopt;
      return fmt::format("Latency spectrum at {}", count_phrase(scenario, *count));
    }
    case ChartKind::fairness: return "Fairness";
    case ChartKind::cpu: return "CPU cost";
  }
  return std::nullopt;
}

double chart_value(ChartKind kind, double figure) { return kind == ChartKind::throughput ? figure / 1e6 : figure; }

Metric chart_metric(ChartKind kind) {
  switch (kind) {
    case ChartKind::throughput: return Metric::throughput;
    case ChartKind::fairness: return Metric::jain;
    case ChartKind::cpu: return Metric::cpu_per_mop;
    case ChartKind::latency: break;
  }
  return Metric::p50;
}

std::string chart_unit(ChartKind kind) {
  switch (kind) {
    case ChartKind::throughput: return "Mops/s";
    case ChartKind::latency: return "ns";
    case ChartKind::fairness: return "Jain's index (1 = equal shares)";
    case ChartKind::cpu: return "CPU s per million operations";
  }
  return "";
}

std::string format_figure(ChartKind kind, double figure) {
  switch (kind) {
    case ChartKind::throughput: return format_3sig(chart_value(kind, figure));
    case ChartKind::latency: return format_latency_ns(figure);
    case ChartKind::fairness: return fmt::format("{:.3f}", figure);
    case ChartKind::cpu: return format_3sig(figure);
  }
  return "";
}

std::optional<FigureTable> figure_table(const Scenario& scenario, ChartKind kind) {
  if (kind == ChartKind::latency) {
    const auto count = latency_count(scenario);
    if (!count) return std::nullopt;
    return latency_table(scenario, *count);
  }
  FigureTable table;
  table.title = fmt::format("{}, {}: median over ok repetitions (min..max)", *chart_title(scenario, kind),
                            chart_unit(kind));
  for (WorkerCount count : scenario.counts) table.columns.push_back(count_label(scenario, count));
  const auto format = [kind](double v) { return format_figure(kind, v); };
  for (const ReportSeries& series : scenario.series) {
    FigureTable::Row row{series.name, {}};
    for (WorkerCount count : scenario.counts) {
      const auto found = series.configs.find(count);
      if (found == series.configs.end()) {
        row.cells.push_back({kNotRunText, ""});
      } else if (const auto summary = ok_summary(found->second, chart_metric(kind))) {
        row.cells.push_back(with_spread(*summary, format));
      } else {
        row.cells.push_back({kNotMeasuredText, ""});
      }
    }
    table.rows.push_back(row);
  }
  return table;
}

std::vector<std::string> scenario_notes(const Scenario& scenario) {
  std::vector<std::string> notes;
  for (const ReportSeries& series : scenario.series) {
    for (const auto& [count, configs] : series.configs) {
      for (const ConfigResult* config : configs) {
        const auto not_ok = std::count_if(config->repetitions.begin(), config->repetitions.end(),
                                          [](const Repetition& r) { return r.status != Status::ok; });
        if (config->repetitions.empty()) {
          notes.push_back(fmt::format("{}, {}: no repetition ran", series.name, count_phrase(scenario, count)));
        } else if (not_ok > 0) {
          notes.push_back(fmt::format("{}, {}: {} ({} of {} repetitions not ok)", series.name,
                                      count_phrase(scenario, count), config->status_text(), not_ok,
                                      config->repetitions.size()));
        }
      }
    }
  }
  return notes;
}

namespace {

// clock_description without its "clock: " lead, which the row's name already says.
std::string clock_text(const ClockCalibration& clock) {
  const std::string text = clock_description(clock);
  return text.starts_with("clock: ") ? text.substr(7) : text;
}

}  // namespace

std::vector<EnvironmentRow> environment_rows(const std::vector<LabeledResults>& inputs) {
  std::vector<EnvironmentRow> rows = {{"CPU", {}},          {"cores", {}},       {"kernel", {}},
                                      {"compiler", {}},     {"build type", {}},  {"contend", {}},
                                      {"git revision", {}}, {"date (UTC)", {}},  {"clock", {}},
                                      {"host", {}},         {"load average", {}}, {"command", {}},
                                      {"complete", {}}};
  for (const LabeledResults& input : inputs) {
    const Environment& env = input.results.environment;
    const std::vector<std::string> values = {
        env.cpu_model,
        fmt::format("{} online, {} allowed", env.online_cpus, env.allowed_cpus),
        env.kernel,
        env.compiler,
        env.build_type,
        env.contend_version,
        env.git_revision,
        env.date_utc,
        clock_text(env.clock),
        env.hostname,
        fmt::format("{:.2f} {:.2f} {:.2f}", env.load_average[0], env.load_average[1], env.load_average[2]),
        input.results.command_line.empty() ? std::string("not recorded") : input.results.command_line,
        input.results.complete ? "yes" : "no: interrupted, some configurations did not run",
    };
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].values.push_back(values[i]);
  }
  return rows;
}

std::string report_lede(const std::vector<LabeledResults>& inputs, bool with_charts) {
  std::string labels;
  for (const LabeledResults& input : inputs) labels += (labels.empty() ? "" : ", ") + input.label;
  return fmt::format(
      "{} result file{}: {}. Each figure is the median over the repetitions that finished ok, with their "
      "range (min..max) when there were several.{} A figure that was not measured {}reads \"{}\" in the "
      "tables; \"{}\" means the file has no such configuration.",
      inputs.size(), inputs.size() == 1 ? "" : "s", labels, with_charts ? " Threads are solid lines, processes dashed." : "",
      with_charts ? "is left out of the charts and " : "", kNotMeasuredText, kNotRunText);
}

}  // namespace contend

// The console table (table.hpp): rows, the notes under them and the footer. A little over 450
// lines because every measurement note (lost updates, reordering, failed attempts, writes, events,
// overtakes, noise) is said here once, beside the rows it explains.
#include "reports/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>

#include "reports/noise.hpp"
#include "reports/statistics.hpp"
#include "workloads/model/event_names.hpp"
#include "workloads/model/knobs.hpp"

namespace contend {
namespace {

std::optional<Summary> summary_of(const ConfigResult& config, Metric metric) {
  const std::vector<double> values = metric_values(config, metric);
  if (values.empty()) return std::nullopt;
  return summarize(values);
}

std::string median_cell(const ConfigResult& config, Metric metric, std::string (*format)(double)) {
  const auto s = summary_of(config, metric);
  return s ? format(s->median) : std::string(kNotMeasured);
}

std::string mops(double ops_per_s) { return format_3sig(ops_per_s / 1e6); }

// ns/op from the row's own throughput (each counted worker's time per operation), so the two
// cells always agree: their medians taken apart could come from different repetitions (two
// repetitions, one fast and one stalled, give the mean of each, 1.28 Mops/s beside 789,656 ns/op).
std::string ns_per_op_cell(const ConfigResult& config, const std::optional<Summary>& throughput) {
  if (!throughput || !(throughput->median > 0)) return std::string(kNotMeasured);
  for (const Repetition& r : config.repetitions) {
    if (r.measured() && r.operations() > 0) {
      return format_3sig(static_cast<double>(r.counted_workers()) * 1e9 / throughput->median);
    }
  }
  return std::string(kNotMeasured);
}
std::string fairness(double jain) { return fmt::format("{:.3f}", jain); }

bool all_ok(const ConfigResult& config) {
  return std::all_of(config.repetitions.begin(), config.repetitions.end(),
                     [](const Repetition& r) { return r.status == Status::ok; });
}

// Only the status word, the worst among the repetitions: details such as "lost 12 of 4000
// updates" would widen the table past 120 columns, so they go to the notes under it.
std::string status_cell(const ConfigResult& config) {
  if (config.repetitions.empty()) return std::string(kNotMeasured);  // never ran, so never "ok"
  return std::string(to_string(config.status()));
}

std::size_t measured_count(const ConfigResult& config) {
  return static_cast<std::size_t>(std::count_if(config.repetitions.begin(),
                                                config.repetitions.end(),
                                                [](const Repetition& r) { return r.measured(); }));
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

}  // namespace

std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string events_text(const ConfigResult& config) {
  std::string text;
  for (const EventCount& e : config.event_totals()) {
    std::string_view label = e.name;
    for (std::size_t id = 0; id < kEventCount; ++id) {
      if (event_name(static_cast<EventId>(id)) == e.name) label = event_label(static_cast<EventId>(id));
    }
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", label, e.count);
  }
  return text;
}

std::string format_3sig(double v) {
  if (!std::isfinite(v)) return std::string(kNotMeasured);
  const double a = std::fabs(v);
  if (a == 0) return "0";
  if (a >= 100) return fmt::format("{:.0f}", v);
  const int exponent = static_cast<int>(std::floor(std::log10(a)));
  int decimals = std::max(0, 2 - exponent);
  // 9.996 rounds up to a new digit ("10.00"); one decimal fewer keeps three digits ("10.0").
  const double scale = std::pow(10.0, decimals);
  if (std::round(a * scale) / scale >= std::pow(10.0, exponent + 1))
    decimals = std::max(0, decimals - 1);
  return fmt::format("{:.{}f}", v, decimals);
}

std::string format_latency_ns(double ns) {
  if (!std::isfinite(ns) || ns < 0) return std::string(kNotMeasured);
  if (ns < 999.5) return fmt::format("{:.0f}ns", ns);
  struct Unit {
    double size;
    std::string_view name;
  };
  constexpr Unit kUnits[] = {{1e3, "µs"}, {1e6, "ms"}, {1e9, "s"}};
  for (std::size_t i = 0; i < std::size(kUnits); ++i) {
    const double scaled = ns / kUnits[i].size;
    // Move up a unit when rounding would print 1000 of this one.
    if (scaled >= 999.5 && i + 1 < std::size(kUnits)) continue;
    return scaled < 9.95 ? fmt::format("{:.1f}{}", scaled, kUnits[i].name)
                         : fmt::format("{:.0f}{}", scaled, kUnits[i].name);
  }
  return std::string(kNotMeasured);
}

namespace {

// Settings the table shows elsewhere, or that do not change what is measured.
bool shown_elsewhere(KnobId id) {
  switch (id) {
    case KnobId::primitive:
    case KnobId::workers:
    case KnobId::mode:
    case KnobId::producers:
    case KnobId::consumers:
    case KnobId::repetitions:
    case KnobId::seed:
    case KnobId::timeout:
    case KnobId::stall: return true;
    default: return false;
  }
}

// The knob's value as a cell: as the configuration's name writes it ("100ns", "yield"), a
// duration as a time, a flag as on or off.
std::string knob_cell(const Knob& k, const RunSpec& spec) {
  if (!applies(k, spec.workload)) return {};
  const KnobValue v = k.get(spec);
  if (k.kind == KnobKind::flag) return as_integer(v) != 0 ? "on" : "off";
  if (k.zero_is_unset && std::holds_alternative<std::int64_t>(v) && as_integer(v) == 0) return "—";
  if (!k.label.empty()) {
    const std::string segment = name_segment(k, spec);
    return segment.substr(segment.find(':') + 1);
  }
  if (k.kind == KnobKind::duration) return format_latency_ns(static_cast<double>(as_integer(v)));
  return plain_text(k, v);
}

}  // namespace

std::vector<KnobId> varying_knobs(const Results& results) {
  std::vector<KnobId> varying;
  for (const Knob& k : knobs()) {
    // Only the settings in a configuration's name: they are what tells configurations apart
    // (a plan never holds two of the same name), so rows differing only in, say, duration
    // cannot both be in one table.
    if (shown_elsewhere(k.id) || k.label.empty()) continue;
    std::vector<std::string> seen;
    for (const ConfigResult& config : results.configs) {
      if (!applies(k, config.spec.workload)) continue;
      const std::string cell = knob_cell(k, config.spec);
      if (std::find(seen.begin(), seen.end(), cell) == seen.end()) seen.push_back(cell);
    }
    if (seen.size() > 1) varying.push_back(k.id);
  }
  return varying;
}

std::vector<SummaryColumn> summary_columns(const std::vector<KnobId>& varying) {
  std::vector<SummaryColumn> columns = {
      {"workload", false}, {"primitive", false}, {"mode", false}, {"workers", true},
      {"Mops/s", true},    {"±CV", true},        {"ns/op", true}, {"p50", true},
      {"p99", true},       {"p99.9", true},      {"max", true},   {"Jain", true},
      {"CPU s/Mop", true}, {"status", false},
  };
  std::vector<SummaryColumn> settings;
  for (KnobId id : varying) {
    const Knob& k = knob(id);
    settings.push_back({std::string(k.name), k.kind == KnobKind::count || k.kind == KnobKind::duration});
  }
  columns.insert(columns.begin() + 4, settings.begin(), settings.end());
  return columns;
}

std::vector<std::string> summary_cells(const ConfigResult& config, const std::vector<KnobId>& varying) {
  const RunSpec& spec = config.spec;
  const auto throughput = summary_of(config, Metric::throughput);
  // CV needs at least two repetitions to mean anything.
  const std::string cv = throughput && throughput->n >= 2
                             ? fmt::format("±{:.1f}%", throughput->cv * 100.0)
                             : std::string(kNotMeasured);
  std::vector<std::string> cells = {
      // A micro benchmark's family shows in its primitive; its case tells its rows apart.
      spec.micro_case.empty() ? std::string(to_string(spec.workload)) : "micro:" + spec.micro_case,
      spec.primitive,
      std::string(to_string(spec.mode)),
      // A queue's workers are its producers and consumers: "2p2c".
      workload_info(spec.workload).producers_and_consumers
          ? fmt::format("{}p{}c", spec.producers, spec.workers - spec.producers)
          : fmt::format("{}", spec.workers),
      throughput ? mops(throughput->median) : std::string(kNotMeasured),
      cv,
      ns_per_op_cell(config, throughput),
      median_cell(config, Metric::p50, format_latency_ns),
      median_cell(config, Metric::p99, format_latency_ns),
      median_cell(config, Metric::p999, format_latency_ns),
      median_cell(config, Metric::max_latency, format_latency_ns),
      median_cell(config, Metric::jain, fairness),
      median_cell(config, Metric::cpu_per_mop, format_3sig),
      status_cell(config),
  };
  std::vector<std::string> settings;
  for (KnobId id : varying) settings.push_back(knob_cell(knob(id), spec));
  cells.insert(cells.begin() + 4, settings.begin(), settings.end());
  return cells;
}

std::vector<std::string> measurement_notes(const Results& results) {
  std::vector<std::string> notes;
  for (const ConfigResult& config : results.configs) {
    std::uint64_t lost = 0;
    std::uint64_t checked = 0;
    std::uint64_t operations = 0;
    std::uint64_t writes = 0;
    std::uint64_t failed_pushes = 0;
    std::uint64_t failed_pops = 0;
    std::uint64_t reordered = 0;
    std::uint64_t overtakes_p999 = 0;  // the worst repetition's
    std::uint64_t overtakes_max = 0;
    std::uint64_t overtakes_samples = 0;
    const Histogram write_latency = config.write_latency.measured();
    for (const Repetition& rep : config.repetitions) {
      if (!rep.measured()) continue;
      lost += rep.lost_updates;
      checked += rep.checked_updates;
      operations += rep.operations();
      writes += rep.write_operations();
      failed_pushes += rep.failed_pushes();
      failed_pops += rep.failed_pops();
      reordered += rep.reordered_items;
      overtakes_samples += rep.overtakes.total_count();
      if (rep.overtakes.total_count() > 0) {
        overtakes_p999 = std::max(overtakes_p999, rep.overtakes.value_at_percentile(99.9));
        overtakes_max = std::max(overtakes_max, rep.overtakes.max());
      }
    }
    if (operations == 0) continue;
    // A micro case reads only or writes only, as its name says.
    const bool rw = config.spec.workload == Workload::rw && config.spec.micro_case.empty();
    // A violation already says it lost updates; this is for primitives that promise nothing. The
    // isolation workload's are its "lost updates" event, on its line of events.
    if (lost > 0 && config.status() == Status::ok && config.spec.workload != Workload::isolation) {
      notes.push_back(fmt::format("{}: lost {} of {} updates of the shared counter (warmup included): it "
                                  "gives no mutual exclusion, so this is expected",
                                  config.name(), lost, checked));
    }
    if (overtakes_samples > 0) {
      notes.push_back(fmt::format("{}: overtakes p99.9 {}, max {}", config.name(), overtakes_p999, overtakes_max));
    }
    const std::string events = events_text(config);
    if (!events.empty()) notes.push_back(fmt::format("{}: {}", config.name(), events));
    if (reordered > 0 && config.status() == Status::ok) {
      notes.push_back(fmt::format("{}: {} items reached a consumer out of their producer's order: {} does not "
                                  "promise that order, so this is expected (every item was still delivered once)",
                                  config.name(), reordered, config.spec.primitive));
    }
    if (workload_info(config.spec.workload).producers_and_consumers) {
      const auto per_item = [operations](std::uint64_t n) {
        return static_cast<double>(n) / static_cast<double>(operations);
      };
      notes.push_back(fmt::format("{}: failed try-operations per item delivered: {:.3g} pushes (full), {:.3g} "
                                  "pops (empty)",
                                  config.name(), per_item(failed_pushes), per_item(failed_pops)));
    }
    if (rw) {
      const double share = 100.0 * static_cast<double>(writes) / static_cast<double>(operations);
      std::string line = fmt::format("{}: writes were {:.1f}% of operations ({} of {})", config.name(), share,
                                     writes, operations);
      if (write_latency.total_count() > 0) {
        line += fmt::format("; write acquire p50 {}, p99 {}, p99.9 {}, max {} (latency columns are reads)",
                            format_latency_ns(static_cast<double>(write_latency.value_at_percentile(50))),
                            format_latency_ns(static_cast<double>(write_latency.value_at_percentile(99))),
                            format_latency_ns(static_cast<double>(write_latency.value_at_percentile(99.9))),
                            format_latency_ns(static_cast<double>(write_latency.max())));
      }
      notes.push_back(line);
    }
  }
  // Noise is a finding: said per configuration, then for the machine as a whole.
  for (const ConfigResult& config : results.configs) {
    for (const std::string& warning : noise_of(config).warnings) {
      notes.push_back(fmt::format("{}: {}", config.name(), warning));
    }
  }
  for (const std::string& warning : machine_load_warnings(results.environment)) notes.push_back("warning: " + warning);
  // Said once per workload, not per configuration: it is how every row of that workload is read.
  for (const WorkloadInfo& w : workloads()) {
    if (w.table_note.empty()) continue;
    if (std::any_of(results.configs.begin(), results.configs.end(),
                    [&w](const ConfigResult& c) { return c.spec.workload == w.workload; })) {
      notes.push_back(fmt::format("{}: {}", w.name, w.table_note));
    }
  }
  return notes;
}

std::vector<std::string> summary_notes(const Results& results) {
  std::vector<std::string> notes;
  for (const ConfigResult& config : results.configs) {
    if (all_ok(config) || config.repetitions.empty()) continue;
    // Group the repetitions that were not ok by what happened to them, in order.
    std::vector<std::pair<std::string, std::vector<int>>> groups;
    for (const Repetition& rep : config.repetitions) {
      if (rep.status == Status::ok) continue;
      const std::string text = status_text(rep.status, rep.status_detail);
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&text](const auto& g) { return g.first == text; });
      if (it == groups.end()) {
        groups.push_back({text, {rep.index}});
      } else {
        it->second.push_back(rep.index);
      }
    }
    const bool uniform =
        groups.size() == 1 && groups.front().second.size() == config.repetitions.size();
    // The status cell already says everything when every repetition ended the same way with
    // nothing more to say than the status word.
    if (uniform && status_cell(config) == groups.front().first) continue;

    const std::size_t total = config.repetitions.size();
    if (uniform) {
      notes.push_back(total == 1 ? fmt::format("{}: {}", config.name(), groups.front().first)
                                 : fmt::format("{}: all {} repetitions {}", config.name(), total,
                                               groups.front().first));
      continue;
    }
    std::vector<std::string> parts;
    for (const auto& [text, indices] : groups) {
      std::vector<std::string> numbers;
      for (int i : indices) numbers.push_back(fmt::format("{}", i));
      parts.push_back(fmt::format("{} {} {}", indices.size() == 1 ? "repetition" : "repetitions",
                                  join(numbers, ", "), text));
    }
    parts.push_back(
        fmt::format("figures from {} of {} repetitions", measured_count(config), total));
    notes.push_back(fmt::format("{}: {}", config.name(), join(parts, "; ")));
  }
  return notes;
}

std::string summary_legend() {
  return "Medians over measured repetitions; ±CV: throughput's coefficient of variation; "
         "Jain: fairness of workers' shares (1.000 = equal).";
}

std::string clock_description(const ClockCalibration& clock) {
  std::string out = fmt::format("clock: {}", to_string(clock.source));
  if (clock.source == ClockSource::tsc && clock.tsc_ghz > 0) {
    out += fmt::format(" at {} GHz", format_3sig(clock.tsc_ghz));
  }
  out += fmt::format(", {} ns per read, resolution {} ns", format_3sig(clock.cost_ns),
                     format_3sig(clock.resolution_ns));
  return out;
}

std::string repetitions_description(const Results& results) {
  if (results.configs.empty()) return {};
  const auto [lo, hi] = std::minmax_element(results.configs.begin(), results.configs.end(),
                                            [](const ConfigResult& a, const ConfigResult& b) {
                                              return a.spec.repetitions < b.spec.repetitions;
                                            });
  if (lo->spec.repetitions == hi->spec.repetitions) {
    return fmt::format("repetitions: {} per configuration", lo->spec.repetitions);
  }
  return fmt::format("repetitions: {} to {} per configuration", lo->spec.repetitions,
                     hi->spec.repetitions);
}

std::vector<std::string> configs_with_data(const Results& results) {
  std::vector<std::string> names;
  for (const ConfigResult& config : results.configs) {
    if (measured_count(config) > 0) names.push_back(config.name());
  }
  return names;
}

std::string interruption_headline(const Results& results) {
  if (results.complete) return {};
  const std::size_t n = configs_with_data(results).size();
  if (n == 0) return "Interrupted: the run stopped early, before any configuration was measured.";
  return fmt::format("Interrupted: the run stopped early; {} {} data:", n,
                     n == 1 ? "configuration has" : "configurations have");
}

std::string to_table(const Results& results) {
  const std::vector<KnobId> varying = varying_knobs(results);
  const std::vector<SummaryColumn> columns = summary_columns(varying);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const SummaryColumn& c : columns) header.push_back(c.header);
  rows.push_back(header);
  for (const ConfigResult& config : results.configs) rows.push_back(summary_cells(config, varying));

  std::vector<std::size_t> widths(columns.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }

  // ±CV belongs to the throughput before it, so it sits one space closer.
  const auto gap = [&columns](std::size_t i) -> std::size_t {
    if (i == 0) return 0;
    return columns[i].header == "±CV" ? 1 : 2;
  };
  const auto render = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += std::string(gap(i), ' ');
      const std::string padding(widths[i] - display_width(row[i]), ' ');
      const bool last = i + 1 == row.size();
      if (columns[i].numeric) {
        line += padding + row[i];
      } else {
        line += row[i];
        if (!last) line += padding;
      }
    }
    return line + "\n";
  };

  std::string out = render(rows.front());
  std::size_t total_width = 0;
  for (std::size_t i = 0; i < widths.size(); ++i) total_width += gap(i) + widths[i];
  out += std::string(total_width, '-') + "\n";
  for (std::size_t r = 1; r < rows.size(); ++r) out += render(rows[r]);

  std::vector<std::string> notes = summary_notes(results);
  for (std::string& note : measurement_notes(results)) notes.push_back(std::move(note));
  if (!notes.empty()) {
    out += "\n";
    for (const std::string& note : notes) out += note + "\n";
  }
  if (const std::string headline = interruption_headline(results); !headline.empty()) {
    out += fmt::format("\n{}\n", headline);
    for (const std::string& name : configs_with_data(results)) out += fmt::format("  {}\n", name);
  }
  out += fmt::format("\n{}\n", summary_legend());
  const bool overtakes = std::any_of(results.configs.begin(), results.configs.end(), [](const ConfigResult& c) {
    return std::any_of(c.repetitions.begin(), c.repetitions.end(),
                       [](const Repetition& r) { return r.overtakes.total_count() > 0; });
  });
  if (overtakes) {
    out += "Overtakes: acquisitions by other workers between a timed acquisition's arrival (just before lock()) and "
           "its entry; a FIFO lock keeps 99% of them within 2 x (workers - 1) overtakes (stress checks it).\n";
  }
  out += clock_description(results.environment.clock);
  if (const std::string reps = repetitions_description(results); !reps.empty()) out += "; " + reps;
  out += "\n";
  for (const std::string& server : results.environment.servers) out += fmt::format("Server: {}\n", server);
  return out;
}

}  // namespace contend

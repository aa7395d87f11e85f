#include "reports/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "reports/statistics.hpp"
#include "workloads/model/event_names.hpp"
#include "workloads/model/knobs.hpp"

namespace contend {
namespace {

// RFC 4180: quote only when needed, double any quote inside.
std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Doubles are written in fmt's shortest form that reads back to the same value ("0.1",
// "1e-05", "12345678"): exact, locale-free, and parsed as numbers by pandas and R.
std::string number(double v) { return fmt::format("{}", v); }

std::string number(std::optional<double> v) { return v ? number(*v) : std::string(); }

// Latency figures are whole nanoseconds; they are written as integers.
std::string whole(std::optional<double> v) {
  return v ? fmt::format("{}", static_cast<std::uint64_t>(*v)) : std::string();
}

template <typename Int>
std::string integer_if(bool present, Int v) {
  return present ? fmt::format("{}", v) : std::string();
}

void append_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
}

// A knob's column: its value in the configuration, or empty when the workload does not take it
// (or it is a bound the run did not use). Durations are seconds, as every time in this file.
std::string knob_cell(KnobId id, const RunSpec& spec) {
  const Knob& k = knob(id);
  if (!applies(k, spec.workload) || (k.stress_only && !spec.stress)) return {};
  const KnobValue v = k.get(spec);
  switch (k.kind) {
    case KnobKind::names: return as_name(v);
    case KnobKind::flag: return as_integer(v) != 0 ? "true" : "false";
    case KnobKind::choice: return plain_text(k, v);
    case KnobKind::fraction:
      if (k.zero_is_unset && as_integer(v) == 0) return {};
      return plain_text(k, v);
    case KnobKind::duration:
      if (k.zero_is_unset && as_integer(v) == 0) return {};
      return number(static_cast<double>(as_integer(v)) / 1e9);
    case KnobKind::count:
      if (k.zero_is_unset && as_integer(v) == 0) return {};
      return fmt::format("{}", as_integer(v));
  }
  return {};
}

// One row per repetition.
struct Row {
  const ConfigResult& config;
  const Repetition& rep;
  const std::string& clock_source;
};

struct Column {
  std::string name;
  std::function<std::string(const Row&)> cell;
};

Column knob_column(KnobId id) {
  return {std::string(knob(id).csv_column), [id](const Row& r) { return knob_cell(id, r.config.spec); }};
}

// The columns, in order: what was measured, with the settings of the configuration among them
// (their cells come from the workload table); then any knob of the table with a CSV column not
// placed here, so a new workload's knobs are in the file without a change to this list.
std::vector<Column> columns() {
  const auto measured = [](const Row& r) { return r.rep.measured(); };
  const auto value = [](const Row& r, Metric m) { return metric_value(r.rep, m); };
  const auto is = [](const Row& r, Workload w) { return r.config.spec.workload == w; };
  const auto queue = [is](const Row& r) { return is(r, Workload::queue); };
  const auto rw = [is](const Row& r) { return is(r, Workload::rw); };
  const auto writes_sampled = [measured](const Row& r) { return measured(r) && r.rep.write_latency.total_count() > 0; };
  const auto overtakes = [measured](const Row& r) { return measured(r) && r.rep.overtakes.total_count() > 0; };
  std::vector<Column> c = {
      {"name", [](const Row& r) { return r.config.name(); }},
      {"workload", [](const Row& r) { return std::string(to_string(r.config.spec.workload)); }},
      {"primitive", [](const Row& r) { return r.config.spec.primitive; }},
      {"mode", [](const Row& r) { return std::string(to_string(r.config.spec.mode)); }},
      {"workers", [](const Row& r) { return fmt::format("{}", r.config.spec.workers); }},
      {"repetition", [](const Row& r) { return fmt::format("{}", r.rep.index); }},
      {"status", [](const Row& r) { return std::string(to_string(r.rep.status)); }},
      {"status_detail", [](const Row& r) { return r.rep.status_detail; }},
      {"operations", [=](const Row& r) { return integer_if(measured(r), r.rep.operations()); }},
      {"elapsed_s", [=](const Row& r) { return measured(r) ? number(r.rep.elapsed_s) : std::string(); }},
      {"throughput_ops_per_s", [=](const Row& r) { return number(value(r, Metric::throughput)); }},
      {"ns_per_op", [=](const Row& r) { return number(value(r, Metric::ns_per_op)); }},
      {"latency_samples", [=](const Row& r) { return integer_if(measured(r), r.rep.latency.total_count()); }},
      {"latency_p50_ns", [=](const Row& r) { return whole(value(r, Metric::p50)); }},
      {"latency_p90_ns", [=](const Row& r) { return whole(value(r, Metric::p90)); }},
      {"latency_p99_ns", [=](const Row& r) { return whole(value(r, Metric::p99)); }},
      {"latency_p99_9_ns", [=](const Row& r) { return whole(value(r, Metric::p999)); }},
      {"latency_p99_99_ns", [=](const Row& r) { return whole(value(r, Metric::p9999)); }},
      {"latency_max_ns", [=](const Row& r) { return whole(value(r, Metric::max_latency)); }},
      {"jain_fairness", [=](const Row& r) { return number(value(r, Metric::jain)); }},
      {"worker_ops_min", [=](const Row& r) { return integer_if(measured(r), r.rep.worker_ops_min()); }},
      {"worker_ops_max", [=](const Row& r) { return integer_if(measured(r), r.rep.worker_ops_max()); }},
      {"cpu_user_s", [=](const Row& r) { return measured(r) ? number(r.rep.cpu_user_s()) : std::string(); }},
      {"cpu_system_s", [=](const Row& r) { return measured(r) ? number(r.rep.cpu_system_s()) : std::string(); }},
      {"cpu_s_per_million_ops", [=](const Row& r) { return number(value(r, Metric::cpu_per_mop)); }},
      {"voluntary_switches", [=](const Row& r) { return integer_if(measured(r), r.rep.voluntary_switches()); }},
      {"involuntary_switches", [=](const Row& r) { return integer_if(measured(r), r.rep.involuntary_switches()); }},
      {"lost_updates", [=](const Row& r) { return integer_if(measured(r), r.rep.lost_updates); }},
      {"checked_updates", [=](const Row& r) { return integer_if(measured(r), r.rep.checked_updates); }},
      knob_column(KnobId::duration),
      knob_column(KnobId::ops),
      knob_column(KnobId::warmup),
      knob_column(KnobId::cs_ns),
      knob_column(KnobId::outside_ns),
      knob_column(KnobId::outside_scale),
      knob_column(KnobId::cs_lines),
      knob_column(KnobId::permits),
      knob_column(KnobId::pin),
      knob_column(KnobId::sample),
      knob_column(KnobId::seed),
      {"clock_source", [](const Row& r) { return r.clock_source; }},
      // The rw workload's write side; its reads are in the latency_* columns above.
      knob_column(KnobId::read_percent),
      {"write_operations", [=](const Row& r) { return integer_if(rw(r) && measured(r), r.rep.write_operations()); }},
      {"write_latency_samples",
       [=](const Row& r) { return integer_if(rw(r) && measured(r), r.rep.write_latency.total_count()); }},
      {"write_latency_p50_ns",
       [=](const Row& r) { return integer_if(rw(r) && writes_sampled(r), r.rep.write_latency.value_at_percentile(50)); }},
      {"write_latency_p99_ns",
       [=](const Row& r) { return integer_if(rw(r) && writes_sampled(r), r.rep.write_latency.value_at_percentile(99)); }},
      {"write_latency_p99_9_ns",
       [=](const Row& r) { return integer_if(rw(r) && writes_sampled(r), r.rep.write_latency.value_at_percentile(99.9)); }},
      {"write_latency_max_ns", [=](const Row& r) { return integer_if(rw(r) && writes_sampled(r), r.rep.write_latency.max()); }},
      // The queue workload's shape and what its operations (items delivered) leave out.
      knob_column(KnobId::producers),
      knob_column(KnobId::consumers),
      knob_column(KnobId::capacity),
      knob_column(KnobId::wait),
      knob_column(KnobId::consume_ns),
      knob_column(KnobId::rate),
      {"produced_items", [=](const Row& r) { return integer_if(queue(r) && measured(r), r.rep.produced_items()); }},
      {"failed_pushes", [=](const Row& r) { return integer_if(queue(r) && measured(r), r.rep.failed_pushes()); }},
      {"failed_pops", [=](const Row& r) { return integer_if(queue(r) && measured(r), r.rep.failed_pops()); }},
      {"producer_jain_fairness",
       [=](const Row& r) { return queue(r) && measured(r) ? number(r.rep.producer_jain_fairness()) : std::string(); }},
      {"failed_attempts",
       [=](const Row& r) {
         return integer_if(workload_info(r.config.spec.workload).counts_failed_attempts && measured(r),
                           r.rep.failed_attempts());
       }},
      {"reordered_items",
       [=](const Row& r) {
         return integer_if(workload_info(r.config.spec.workload).family == Family::queue && measured(r),
                           r.rep.reordered_items);
       }},
      // Bounded waiting: acquisitions by others between a timed acquisition's arrival and entry.
      {"overtakes_p99_9", [=](const Row& r) { return integer_if(overtakes(r), r.rep.overtakes.value_at_percentile(99.9)); }},
      {"overtakes_max", [=](const Row& r) { return integer_if(overtakes(r), r.rep.overtakes.max()); }},
  };
  // Events (a lease's overlaps, stale writes, ...): a column each, empty where not counted.
  for (std::size_t e = 0; e < kEventCount; ++e) {
    const std::string_view name = event_name(static_cast<EventId>(e));
    c.push_back({std::string(name), [name](const Row& r) {
                   const std::optional<std::uint64_t> n = r.rep.event(name);
                   return n ? fmt::format("{}", *n) : std::string();
                 }});
  }
  for (const Knob& k : knobs()) {
    if (k.csv_column.empty()) continue;
    const bool placed = std::any_of(c.begin(), c.end(), [&k](const Column& col) { return col.name == k.csv_column; });
    if (!placed) c.push_back(knob_column(k.id));
  }
  return c;
}

}  // namespace

std::string to_csv(const Results& results) {
  static const std::vector<Column> kColumns = columns();
  std::string out;
  for (std::size_t i = 0; i < kColumns.size(); ++i) out += (i > 0 ? "," : "") + kColumns[i].name;
  out += '\n';
  const std::string clock_source = to_string(results.environment.clock.source);
  std::vector<std::string> fields(kColumns.size());
  for (const ConfigResult& config : results.configs) {
    for (const Repetition& rep : config.repetitions) {
      const Row row{config, rep, clock_source};
      for (std::size_t i = 0; i < kColumns.size(); ++i) fields[i] = kColumns[i].cell(row);
      append_row(out, fields);
    }
  }
  return out;
}

}  // namespace contend

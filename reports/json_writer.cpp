// The JSON writer: Google Benchmark's layout (context, benchmarks) with contend's own results
// beside it (reports/json.hpp says what each part holds). Over 450 lines because it writes every
// figure of the result model in one place, in the order a reader of the file meets them; the
// reader is its mirror (json_reader.cpp).
#include "reports/json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "reports/json_text.hpp"
#include "reports/noise.hpp"
#include "reports/statistics.hpp"
#include "workloads/model/knobs.hpp"

namespace contend {
namespace {

// OrderedJson (json_text.hpp) keeps insertion order, so the file reads in the order of Google
// Benchmark's.

// A raw measurement that is somehow not finite is written as null rather than as invalid JSON.
OrderedJson real(double v) { return std::isfinite(v) ? OrderedJson(v) : OrderedJson(nullptr); }

OrderedJson optional_real(std::optional<double> v) { return v ? real(*v) : OrderedJson(nullptr); }

// Latency percentiles are whole nanoseconds.
OrderedJson optional_ns(std::optional<double> v) {
  return v ? OrderedJson(static_cast<std::uint64_t>(*v)) : OrderedJson(nullptr);
}

bool starts_with_release(const std::string& build_type) {
  constexpr std::string_view kRelease = "release";
  if (build_type.size() < kRelease.size()) return false;
  for (std::size_t i = 0; i < kRelease.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(build_type[i])) != kRelease[i]) return false;
  }
  return true;
}

OrderedJson context_json(const Environment& env) {
  OrderedJson c;
  c["date"] = env.date_utc;
  c["host_name"] = env.hostname;
  c["executable"] = "contend";
  c["num_cpus"] = env.online_cpus;
  const double mhz = env.clock.tsc_ghz * 1000.0;
  c["mhz_per_cpu"] = std::isfinite(mhz) && mhz > 0 ? std::llround(mhz) : 0;
  c["cpu_scaling_enabled"] = false;
  c["caches"] = OrderedJson::array();
  c["load_avg"] = OrderedJson::array();
  for (double v : env.load_average) c["load_avg"].push_back(real(v));
  c["library_build_type"] = starts_with_release(env.build_type) ? "release" : "debug";
  return c;
}

// The fields every entry of a configuration's family shares, in Google Benchmark's order.
OrderedJson entry_head(const ConfigResult& config, std::size_t family_index, std::string name,
                       std::string_view run_type) {
  OrderedJson b;
  b["name"] = std::move(name);
  b["family_index"] = family_index;
  b["per_family_instance_index"] = 0;
  b["run_name"] = config.name();
  b["run_type"] = run_type;
  b["repetitions"] = config.spec.repetitions;
  return b;
}

OrderedJson iteration_entry(const ConfigResult& config, std::size_t family_index,
                            const Repetition& rep) {
  OrderedJson b = entry_head(config, family_index, config.name(), "iteration");
  b["repetition_index"] = rep.index;
  b["threads"] = config.spec.workers;
  const auto value = [&rep](Metric m) { return metric_value(rep, m); };
  const std::optional<double> ns_per_op = value(Metric::ns_per_op);
  // Only repetitions with a figure get here (see to_json).
  const auto operations = static_cast<double>(rep.operations());
  b["iterations"] = rep.operations();
  b["real_time"] = real(*ns_per_op);
  b["cpu_time"] = real((rep.cpu_user_s() + rep.cpu_system_s()) * 1e9 / operations);
  b["time_unit"] = "ns";
  b["items_per_second"] = optional_real(value(Metric::throughput));
  b["status"] = status_text(rep.status, rep.status_detail);

  const bool measured = rep.measured();
  const bool sampled = measured && rep.latency.total_count() > 0;
  OrderedJson latency;
  latency["p50"] = optional_ns(value(Metric::p50));
  latency["p90"] = optional_ns(value(Metric::p90));
  latency["p99"] = optional_ns(value(Metric::p99));
  latency["p99.9"] = optional_ns(value(Metric::p999));
  latency["p99.99"] = optional_ns(value(Metric::p9999));
  latency["max"] = sampled ? OrderedJson(rep.latency.max()) : OrderedJson(nullptr);
  latency["samples"] = measured ? OrderedJson(rep.latency.total_count()) : OrderedJson(nullptr);
  b["latency_ns"] = std::move(latency);

  const auto if_measured = [measured](auto v) {
    return measured ? OrderedJson(v) : OrderedJson(nullptr);
  };
  b["jain_fairness"] = optional_real(value(Metric::jain));
  b["worker_ops_min"] = if_measured(rep.worker_ops_min());
  b["worker_ops_max"] = if_measured(rep.worker_ops_max());
  b["cpu_user_s"] = measured ? real(rep.cpu_user_s()) : OrderedJson(nullptr);
  b["cpu_system_s"] = measured ? real(rep.cpu_system_s()) : OrderedJson(nullptr);
  b["voluntary_switches"] = if_measured(rep.voluntary_switches());
  b["involuntary_switches"] = if_measured(rep.involuntary_switches());
  b["lost_updates"] = if_measured(rep.lost_updates);
  b["checked_updates"] = if_measured(rep.checked_updates);
  if (config.spec.workload != Workload::queue && workload_info(config.spec.workload).counts_failed_attempts) {
    // Try-operations that failed (pairs: pushes that found it full and pops that found it empty;
    // trylock: try_locks that found it held), counted apart from the operations. The queue
    // workload says which side failed, below.
    b["failed_attempts"] = if_measured(rep.failed_attempts());
  }
  if (config.spec.workload == Workload::queue) {
    // Operations are items delivered; latency is enqueue to dequeue. Failed try-operations
    // (full for producers, empty for consumers) are counted apart from them.
    b["produced_items"] = if_measured(rep.produced_items());
    b["failed_pushes"] = if_measured(rep.failed_pushes());
    b["failed_pops"] = if_measured(rep.failed_pops());
    b["producer_jain_fairness"] = measured ? real(rep.producer_jain_fairness()) : OrderedJson(nullptr);
  }
  if (config.spec.workload == Workload::rw) {
    // Reads are in latency_ns; writes, which a reader-preferring lock may starve, here.
    b["write_operations"] = if_measured(rep.write_operations());
    const bool writes_sampled = measured && rep.write_latency.total_count() > 0;
    const auto write_p = [&](double p) {
      return writes_sampled ? OrderedJson(rep.write_latency.value_at_percentile(p)) : OrderedJson(nullptr);
    };
    OrderedJson writes;
    writes["p50"] = write_p(50);
    writes["p90"] = write_p(90);
    writes["p99"] = write_p(99);
    writes["p99.9"] = write_p(99.9);
    writes["p99.99"] = write_p(99.99);
    writes["max"] = writes_sampled ? OrderedJson(rep.write_latency.max()) : OrderedJson(nullptr);
    writes["samples"] = measured ? OrderedJson(rep.write_latency.total_count()) : OrderedJson(nullptr);
    b["write_latency_ns"] = std::move(writes);
  }
  return b;
}

// Google Benchmark's aggregates over the repetitions that have figures.
void append_aggregates(OrderedJson& benchmarks, const ConfigResult& config,
                       std::size_t family_index) {
  std::vector<double> real_time, cpu_time, items_per_second;
  for (const Repetition& rep : config.repetitions) {
    const auto ns_per_op = metric_value(rep, Metric::ns_per_op);
    if (!ns_per_op) continue;
    real_time.push_back(*ns_per_op);
    cpu_time.push_back((rep.cpu_user_s() + rep.cpu_system_s()) * 1e9 /
                       static_cast<double>(rep.operations()));
    items_per_second.push_back(rep.throughput_ops_per_s());
  }
  if (real_time.size() < 2) return;
  const Summary real_s = summarize(real_time);
  const Summary cpu_s = summarize(cpu_time);
  const Summary items_s = summarize(items_per_second);

  struct Aggregate {
    std::string_view name;
    std::string_view unit;
    double Summary::*field;
  };
  // CV is written as a fraction with unit "percentage", as Google Benchmark does.
  constexpr Aggregate kAggregates[] = {{"mean", "time", &Summary::mean},
                                       {"median", "time", &Summary::median},
                                       {"stddev", "time", &Summary::stddev},
                                       {"cv", "percentage", &Summary::cv}};
  for (const Aggregate& a : kAggregates) {
    OrderedJson b =
        entry_head(config, family_index, fmt::format("{}_{}", config.name(), a.name), "aggregate");
    b["threads"] = config.spec.workers;
    b["aggregate_name"] = a.name;
    b["aggregate_unit"] = a.unit;
    b["iterations"] = real_time.size();
    b["real_time"] = real(real_s.*a.field);
    b["cpu_time"] = real(cpu_s.*a.field);
    b["time_unit"] = "ns";
    b["items_per_second"] = real(items_s.*a.field);
    benchmarks.push_back(std::move(b));
  }
}

// Statistics over the measured repetitions of each headline metric, for readers that want
// more than Google Benchmark's four aggregates. Derived from the repetitions, so the reader
// ignores it; a metric with no measured value is null.
OrderedJson summary_json(const ConfigResult& config) {
  struct Named {
    std::string_view key;
    Metric metric;
  };
  constexpr Named kMetrics[] = {{"throughput_ops_per_s", Metric::throughput},
                                {"ns_per_op", Metric::ns_per_op},
                                {"latency_p50_ns", Metric::p50},
                                {"latency_p99_ns", Metric::p99},
                                {"latency_p99_9_ns", Metric::p999},
                                {"cpu_s_per_million_ops", Metric::cpu_per_mop},
                                {"jain_fairness", Metric::jain}};
  OrderedJson out;
  for (const Named& m : kMetrics) {
    const std::vector<double> values = metric_values(config, m.metric);
    if (values.empty()) {
      out[std::string(m.key)] = nullptr;
      continue;
    }
    const Summary s = summarize(values);
    OrderedJson j;
    j["n"] = s.n;
    j["median"] = real(s.median);
    j["mean"] = real(s.mean);
    j["stddev"] = real(s.stddev);
    j["cv"] = real(s.cv);
    j["min"] = real(s.min);
    j["max"] = real(s.max);
    j["ci95_low"] = real(s.ci95_low);
    j["ci95_high"] = real(s.ci95_high);
    out[std::string(m.key)] = std::move(j);
  }
  return out;
}

OrderedJson environment_json(const Environment& env) {
  OrderedJson e;
  e["contend_version"] = env.contend_version;
  e["git_revision"] = env.git_revision;
  e["build_type"] = env.build_type;
  e["compiler"] = env.compiler;
  e["cpu_model"] = env.cpu_model;
  e["online_cpus"] = env.online_cpus;
  e["allowed_cpus"] = env.allowed_cpus;
  e["kernel"] = env.kernel;
  e["hostname"] = env.hostname;
  e["date_utc"] = env.date_utc;
  e["load_average"] = OrderedJson::array();
  for (double v : env.load_average) e["load_average"].push_back(real(v));
  e["load_average_end"] = nullptr;
  if (env.load_average_end) {
    e["load_average_end"] = OrderedJson::array();
    for (double v : *env.load_average_end) e["load_average_end"].push_back(real(v));
  }
  e["runnable_others_end"] = env.runnable_others_end ? OrderedJson(*env.runnable_others_end) : OrderedJson(nullptr);
  OrderedJson clock;
  clock["source"] = to_string(env.clock.source);
  clock["ns_per_tick"] = real(env.clock.ns_per_tick);
  clock["tsc_ghz"] = real(env.clock.tsc_ghz);
  clock["cost_ns"] = real(env.clock.cost_ns);
  clock["resolution_ns"] = real(env.clock.resolution_ns);
  e["clock"] = std::move(clock);
  OrderedJson work;
  work["iterations_per_ns"] = real(env.work.iterations_per_ns);
  e["work"] = std::move(work);
  if (!env.servers.empty()) e["servers"] = env.servers;
  return e;
}

// A knob's value as JSON: numbers (a duration in ns), a flag as a boolean, a choice by name.
OrderedJson knob_json(const Knob& k, const KnobValue& v) {
  switch (k.kind) {
    case KnobKind::names: return as_name(v);
    case KnobKind::flag: return as_integer(v) != 0;
    case KnobKind::choice: return plain_text(k, v);
    case KnobKind::fraction: return static_cast<double>(as_integer(v)) / 1e6;
    case KnobKind::count:
    case KnobKind::duration: return as_integer(v);
  }
  return nullptr;
}

// The workload, then every knob of the workload table that the workload takes, under the
// table's key; a stress run's own knobs only in stress runs.
OrderedJson spec_json(const RunSpec& spec) {
  OrderedJson s;
  s["workload"] = to_string(spec.workload);
  for (const Knob& k : knobs()) {
    if (k.json_key.empty() || !applies(k, spec.workload) || (k.stress_only && !spec.stress)) continue;
    s[std::string(k.json_key)] = knob_json(k, k.get(spec));
  }
  // Only micro benchmarks have a case, and only stress runs say so; other files stay as they were.
  if (!spec.micro_case.empty()) s["micro_case"] = spec.micro_case;
  if (spec.stress) s["stress"] = true;
  return s;
}

OrderedJson histogram_json(const Histogram& h) {
  OrderedJson j;
  j["significant_digits"] = Histogram::kSignificantDigits;
  j["lowest_ns"] = Histogram::kLowestValue;
  j["highest_ns"] = Histogram::kHighestValue;
  j["total"] = h.total_count();
  j["min"] = h.min();
  j["max"] = h.max();
  j["overflow"] = h.overflow_count();
  j["buckets"] = OrderedJson::array();
  for (const Histogram::Bucket& b : h.nonzero_buckets()) {
    j["buckets"].push_back(OrderedJson::array({b.value, b.count}));
  }
  return j;
}

// A repetition's latency figures; the buckets are its configuration's, merged.
OrderedJson latency_summary_json(const LatencySummary& l) {
  OrderedJson j;
  j["samples"] = l.total_count();
  if (l.total_count() == 0) return j;
  j["min"] = l.min();
  j["max"] = l.max();
  j["overflow"] = l.overflow_count();
  for (double p : kReportedPercentiles) j[percentile_label(p)] = l.value_at_percentile(p);
  return j;
}

OrderedJson repetition_json(const Repetition& rep) {
  OrderedJson r;
  r["index"] = rep.index;
  r["status"] = to_string(rep.status);
  r["status_detail"] = rep.status_detail;
  r["elapsed_s"] = real(rep.elapsed_s);
  // Only stress runs with long-hold windows have these; other files stay as they were.
  if (rep.long_hold_s > 0 || rep.long_hold_operations != 0) {
    r["long_hold_s"] = real(rep.long_hold_s);
    r["long_hold_operations"] = rep.long_hold_operations;
  }
  r["lost_updates"] = rep.lost_updates;
  r["checked_updates"] = rep.checked_updates;
  // Only queues that do not promise producer order have these; other files stay as they were.
  if (rep.reordered_items != 0) r["reordered_items"] = rep.reordered_items;
  r["workers"] = OrderedJson::array();
  for (const WorkerResult& w : rep.workers) {
    OrderedJson wj;
    wj["operations"] = w.operations;
    wj["write_operations"] = w.write_operations;
    // Only queue workers have a role other than plain worker, and only queue and pairs
    // workers fail attempts; other files stay as they were.
    if (w.role != WorkerRole::worker) wj["role"] = to_string(w.role);
    if (w.role != WorkerRole::worker || w.failed_attempts != 0) wj["failed_attempts"] = w.failed_attempts;
    wj["pinned_cpu"] = w.pinned_cpu;
    wj["cpu_first"] = w.cpu_first;
    wj["cpu_last"] = w.cpu_last;
    wj["cpu_user_s"] = real(w.cpu_user_s);
    wj["cpu_system_s"] = real(w.cpu_system_s);
    wj["voluntary_switches"] = w.voluntary_switches;
    wj["involuntary_switches"] = w.involuntary_switches;
    r["workers"].push_back(std::move(wj));
  }
  r["latency_ns"] = latency_summary_json(rep.latency);
  // Only the rw workload times writes apart; other repetitions have no such figures.
  if (rep.write_latency.total_count() > 0) r["write_latency_ns"] = latency_summary_json(rep.write_latency);
  // Only the lock workloads count overtakes (bounded waiting).
  if (rep.overtakes.total_count() > 0) r["overtakes"] = latency_summary_json(rep.overtakes);
  // Only `stress --fault` injects faults.
  if (rep.faults_injected > 0) {
    OrderedJson faults;
    faults["injected"] = rep.faults_injected;
    faults["recovered"] = rep.recovery.total_count();
    faults["recovery_ns"] = latency_summary_json(rep.recovery);
    r["faults"] = std::move(faults);
  }
  // Only the workloads that count events (lease) have them.
  if (!rep.events.empty()) {
    OrderedJson events;
    for (const EventCount& e : rep.events) events[e.name] = e.count;
    r["events"] = std::move(events);
  }
  // Only stress repetitions have checks.
  if (!rep.checks.empty()) {
    r["checks"] = OrderedJson::array();
    for (const CheckResult& c : rep.checks) {
      OrderedJson cj;
      cj["name"] = c.name;
      cj["verdict"] = c.passed() ? "pass" : "violation";
      cj["checked"] = c.checked;
      cj["violations"] = c.violations;
      if (!c.passed()) {
        cj["first_worker"] = c.first_worker;
        cj["first_operation"] = c.first_operation;
        cj["first_s"] = real(c.first_s);
      }
      if (!c.note.empty()) cj["note"] = c.note;
      r["checks"].push_back(std::move(cj));
    }
  }
  return r;
}

// The `contend` section without its configurations, which are written one at a time.
OrderedJson contend_head_json(const Results& results) {
  OrderedJson c;
  c["format_version"] = kJsonFormatVersion;
  c["version"] = results.environment.contend_version;
  c["command_line"] = results.command_line;
  c["complete"] = results.complete;
  c["environment"] = environment_json(results.environment);
  c["warnings"] = machine_load_warnings(results.environment);
  return c;
}

OrderedJson configuration_json(const ConfigResult& config) {
  OrderedJson cj;
  cj["name"] = config.name();
  cj["spec"] = spec_json(config.spec);
  cj["status"] = to_string(config.status());
  if (!config.reproduce.empty()) cj["reproduce"] = config.reproduce;
  cj["summary"] = summary_json(config);
  const NoiseFindings noise = noise_of(config);
  cj["noise"] = {{"repetitions", noise.repetitions},
                 {"cv", real(noise.cv)},
                 {"spread", real(noise.spread)},
                 {"outliers", noise.outliers},
                 {"warnings", noise.warnings}};
  cj["repetitions"] = OrderedJson::array();
  for (const Repetition& rep : config.repetitions) cj["repetitions"].push_back(repetition_json(rep));
  // Every measured repetition's buckets, merged: the ok ones, and apart from them those of
  // repetitions that ended in a violation (only when there are any). Writes only for rw.
  cj["latency_histogram"] = histogram_json(config.latency.ok);
  if (config.latency.violation.total_count() > 0) {
    cj["violation_latency_histogram"] = histogram_json(config.latency.violation);
  }
  if (config.write_latency.ok.total_count() > 0) cj["write_latency_histogram"] = histogram_json(config.write_latency.ok);
  if (config.write_latency.violation.total_count() > 0) {
    cj["violation_write_latency_histogram"] = histogram_json(config.write_latency.violation);
  }
  return cj;
}

}  // namespace

void write_json(std::ostream& out, const Results& results) {
  out << "{\n  \"context\": ";
  write_indented(out, context_json(results.environment), 1);
  out << ",\n  \"benchmarks\": ";
  // A repetition with no figure (crashed, timed out, no operation) is left out of `benchmarks`:
  // Google Benchmark's tools read real_time from every entry of a name, and compare.py fails on
  // an entry without one, while a 0 would be charted as a figure. Its verdict is in the
  // `contend` section, which every contend tool reads.
  write_array(out, 1, results.configs.size(), [&](std::size_t i, const auto& emit) {
    const ConfigResult& config = results.configs[i];
    for (const Repetition& rep : config.repetitions) {
      if (metric_value(rep, Metric::ns_per_op)) emit(iteration_entry(config, i, rep));
    }
    OrderedJson aggregates = OrderedJson::array();
    append_aggregates(aggregates, config, i);
    for (const OrderedJson& a : aggregates) emit(a);
  });
  out << ",\n  \"contend\": {";
  const OrderedJson head = contend_head_json(results);
  for (const auto& [key, value] : head.items()) {
    out << "\n    " << OrderedJson(key).dump() << ": ";
    write_indented(out, value, 2);
    out << ",";
  }
  out << "\n    \"configurations\": ";
  write_array(out, 2, results.configs.size(),
              [&](std::size_t i, const auto& emit) { emit(configuration_json(results.configs[i])); });
  out << "\n  }\n}\n";
}

std::string to_json(const Results& results) {
  std::ostringstream out;
  write_json(out, results);
  return std::move(out).str();
}

}  // namespace contend

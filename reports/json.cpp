#include "reports/json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <vector>

#include "reports/statistics.hpp"

namespace contend {
namespace {

// Written with insertion order kept, so the file reads in the order of Google Benchmark's.
using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Writing

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
  if (config.spec.workload == Workload::pairs) {
    // Pushes that found it full and pops that found it empty, counted apart from the pairs.
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
  return e;
}

OrderedJson spec_json(const RunSpec& spec) {
  OrderedJson s;
  s["workload"] = to_string(spec.workload);
  s["primitive"] = spec.primitive;
  s["mode"] = to_string(spec.mode);
  s["workers"] = spec.workers;
  s["duration_ns"] = spec.duration_ns;
  s["operations"] = spec.operations;
  s["warmup_ns"] = spec.warmup_ns;
  s["cs_ns"] = spec.cs_ns;
  s["outside_ns"] = spec.outside_ns;
  s["outside_scales"] = spec.outside_scales;
  s["cs_lines"] = spec.cs_lines;
  s["permits"] = spec.permits;
  s["read_percent"] = spec.read_percent;
  // Only queue runs have these; other files stay as they were.
  if (spec.workload == Workload::queue) {
    s["producers"] = spec.producers;
    s["consumers"] = spec.workers - spec.producers;
    s["consume_ns"] = spec.consume_ns;
    s["rate"] = spec.rate;
  }
  if (spec.workload == Workload::queue || spec.workload == Workload::pairs) {
    s["capacity"] = spec.capacity;
    s["wait"] = to_string(spec.wait);
  }
  s["pin"] = to_string(spec.pin);
  s["sample_every"] = spec.sample_every;
  s["seed"] = spec.seed;
  s["timeout_ns"] = spec.timeout_ns;
  s["repetitions"] = spec.repetitions;
  // Only micro benchmarks have a case; other files stay as they were.
  if (!spec.micro_case.empty()) s["micro_case"] = spec.micro_case;
  // Only stress runs have these; other files stay as they were.
  if (spec.stress) {
    s["stress"] = true;
    s["perturb"] = spec.perturb;
    s["stall_ns"] = spec.stall_ns;
  }
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

OrderedJson repetition_json(const Repetition& rep) {
  OrderedJson r;
  r["index"] = rep.index;
  r["status"] = to_string(rep.status);
  r["status_detail"] = rep.status_detail;
  r["elapsed_s"] = real(rep.elapsed_s);
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
  r["latency_histogram"] = histogram_json(rep.latency);
  // Only the rw workload times writes apart; other repetitions have no such histogram.
  if (rep.write_latency.total_count() > 0) r["write_latency_histogram"] = histogram_json(rep.write_latency);
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

OrderedJson contend_json(const Results& results) {
  OrderedJson c;
  c["format_version"] = kJsonFormatVersion;
  c["version"] = results.environment.contend_version;
  c["command_line"] = results.command_line;
  c["complete"] = results.complete;
  c["environment"] = environment_json(results.environment);
  c["configurations"] = OrderedJson::array();
  for (const ConfigResult& config : results.configs) {
    OrderedJson cj;
    cj["name"] = config.name();
    cj["spec"] = spec_json(config.spec);
    cj["status"] = to_string(config.status());
    if (!config.reproduce.empty()) cj["reproduce"] = config.reproduce;
    cj["summary"] = summary_json(config);
    cj["repetitions"] = OrderedJson::array();
    for (const Repetition& rep : config.repetitions)
      cj["repetitions"].push_back(repetition_json(rep));
    c["configurations"].push_back(std::move(cj));
  }
  return c;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// nlohmann's pretty printer puts every array element on its own line, which turns each
// [value, count] bucket into four lines. This joins an array of exactly two integers back onto
// one line. Only structural whitespace can contain a newline (strings escape theirs), so the
// pattern cannot match inside a string.
std::string join_integer_pairs(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  const auto skip_spaces = [&text](std::size_t p) {
    while (p < text.size() && text[p] == ' ') ++p;
    return p;
  };
  const auto skip_digits = [&text](std::size_t p) {
    while (p < text.size() && is_digit(text[p])) ++p;
    return p;
  };
  while (i < text.size()) {
    if (text.compare(i, 2, "[\n") == 0) {
      const std::size_t a_begin = skip_spaces(i + 2);
      const std::size_t a_end = skip_digits(a_begin);
      if (a_end > a_begin && text.compare(a_end, 2, ",\n") == 0) {
        const std::size_t b_begin = skip_spaces(a_end + 2);
        const std::size_t b_end = skip_digits(b_begin);
        if (b_end > b_begin && b_end < text.size() && text[b_end] == '\n') {
          const std::size_t close = skip_spaces(b_end + 1);
          if (close < text.size() && text[close] == ']') {
            out += '[';
            out.append(text, a_begin, a_end - a_begin);
            out += ", ";
            out.append(text, b_begin, b_end - b_begin);
            out += ']';
            i = close + 1;
            continue;
          }
        }
      }
    }
    out += text[i++];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading: every accessor names the JSON path it failed at.

[[noreturn]] void fail(const std::string& path, std::string_view what) {
  throw std::runtime_error(fmt::format("not a valid contend results file: {}: {}", path, what));
}

std::string child(const std::string& path, std::string_view key) {
  return fmt::format("{}.{}", path, key);
}

std::string child(const std::string& path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

const Json& member(const Json& object, std::string_view key, const std::string& path) {
  if (!object.is_object()) fail(path, "expected an object");
  const auto it = object.find(std::string(key));
  if (it == object.end()) fail(path, fmt::format("missing \"{}\"", key));
  return *it;
}

const Json& array_member(const Json& object, std::string_view key, const std::string& path) {
  const Json& j = member(object, key, path);
  if (!j.is_array()) fail(child(path, key), "expected an array");
  return j;
}

std::string get_string(const Json& object, std::string_view key, const std::string& path) {
  const Json& j = member(object, key, path);
  if (!j.is_string()) fail(child(path, key), "expected a string");
  return j.get<std::string>();
}

bool get_bool(const Json& object, std::string_view key, const std::string& path) {
  const Json& j = member(object, key, path);
  if (!j.is_boolean()) fail(child(path, key), "expected true or false");
  return j.get<bool>();
}

std::uint64_t as_u64(const Json& j, const std::string& path) {
  if (!j.is_number_unsigned()) fail(path, "expected a non-negative integer");
  return j.get<std::uint64_t>();
}

std::uint64_t get_u64(const Json& object, std::string_view key, const std::string& path) {
  return as_u64(member(object, key, path), child(path, key));
}

std::int64_t get_i64(const Json& object, std::string_view key, const std::string& path) {
  const Json& j = member(object, key, path);
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(child(path, key), "integer out of range");
    }
    return static_cast<std::int64_t>(v);
  }
  if (!j.is_number_integer()) fail(child(path, key), "expected an integer");
  return j.get<std::int64_t>();
}

template <typename Int>
Int get_narrow(const Json& object, std::string_view key, const std::string& path) {
  const std::int64_t v = get_i64(object, key, path);
  if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
    fail(child(path, key), "integer out of range");
  }
  return static_cast<Int>(v);
}

// Null stands for a measurement that was not a finite number when written (see real()).
double as_double(const Json& j, const std::string& path) {
  if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!j.is_number()) fail(path, "expected a number");
  return j.get<double>();
}

double get_double(const Json& object, std::string_view key, const std::string& path) {
  return as_double(member(object, key, path), child(path, key));
}

// Parses text that one of the to_string() overloads wrote, rejecting anything else.
template <typename Enum, std::size_t N>
Enum get_enum(const Json& object, std::string_view key, const std::string& path,
              const Enum (&values)[N]) {
  const std::string text = get_string(object, key, path);
  for (Enum v : values) {
    if (to_string(v) == text) return v;
  }
  std::string known;
  for (Enum v : values) known += fmt::format("{}\"{}\"", known.empty() ? "" : ", ", to_string(v));
  fail(child(path, key), fmt::format("unknown value \"{}\" (expected one of {})", text, known));
}

constexpr Workload kWorkloads[] = {Workload::lock, Workload::semaphore, Workload::rw, Workload::pingpong,
                                   Workload::queue, Workload::pairs};
constexpr QueueWait kQueueWaits[] = {QueueWait::spin, QueueWait::yield, QueueWait::block};
constexpr WorkerRole kWorkerRoles[] = {WorkerRole::worker, WorkerRole::producer, WorkerRole::consumer};
constexpr Mode kModes[] = {Mode::threads, Mode::processes};
constexpr Pinning kPinnings[] = {Pinning::none, Pinning::compact, Pinning::spread};
constexpr ClockSource kClockSources[] = {ClockSource::tsc, ClockSource::steady_clock};
constexpr Status kStatuses[] = {Status::ok,    Status::violation, Status::timeout,    Status::hang,
                                Status::crashed, Status::error,   Status::interrupted};

Environment read_environment(const Json& j, const std::string& path) {
  Environment env;
  env.contend_version = get_string(j, "contend_version", path);
  env.git_revision = get_string(j, "git_revision", path);
  env.build_type = get_string(j, "build_type", path);
  env.compiler = get_string(j, "compiler", path);
  env.cpu_model = get_string(j, "cpu_model", path);
  env.online_cpus = get_narrow<int>(j, "online_cpus", path);
  env.allowed_cpus = get_narrow<int>(j, "allowed_cpus", path);
  env.kernel = get_string(j, "kernel", path);
  env.hostname = get_string(j, "hostname", path);
  env.date_utc = get_string(j, "date_utc", path);
  const Json& load = array_member(j, "load_average", path);
  const std::string load_path = child(path, "load_average");
  if (load.size() != env.load_average.size()) fail(load_path, "expected 3 numbers");
  for (std::size_t i = 0; i < env.load_average.size(); ++i) {
    env.load_average[i] = as_double(load[i], child(load_path, i));
  }
  const Json& clock = member(j, "clock", path);
  const std::string clock_path = child(path, "clock");
  env.clock.source = get_enum(clock, "source", clock_path, kClockSources);
  env.clock.ns_per_tick = get_double(clock, "ns_per_tick", clock_path);
  env.clock.tsc_ghz = get_double(clock, "tsc_ghz", clock_path);
  env.clock.cost_ns = get_double(clock, "cost_ns", clock_path);
  env.clock.resolution_ns = get_double(clock, "resolution_ns", clock_path);
  env.work.iterations_per_ns =
      get_double(member(j, "work", path), "iterations_per_ns", child(path, "work"));
  return env;
}

RunSpec read_spec(const Json& j, const std::string& path) {
  RunSpec s;
  s.workload = get_enum(j, "workload", path, kWorkloads);
  s.primitive = get_string(j, "primitive", path);
  s.mode = get_enum(j, "mode", path, kModes);
  s.workers = get_narrow<int>(j, "workers", path);
  s.duration_ns = get_i64(j, "duration_ns", path);
  s.operations = get_u64(j, "operations", path);
  s.warmup_ns = get_i64(j, "warmup_ns", path);
  s.cs_ns = get_u64(j, "cs_ns", path);
  s.outside_ns = get_u64(j, "outside_ns", path);
  s.outside_scales = get_bool(j, "outside_scales", path);
  s.cs_lines = get_narrow<std::uint32_t>(j, "cs_lines", path);
  s.permits = get_narrow<std::uint32_t>(j, "permits", path);
  s.read_percent = get_narrow<std::uint32_t>(j, "read_percent", path);
  if (s.workload == Workload::queue) {
    s.producers = get_narrow<int>(j, "producers", path);
    s.consume_ns = get_u64(j, "consume_ns", path);
    s.rate = get_u64(j, "rate", path);
  }
  if (s.workload == Workload::queue || s.workload == Workload::pairs) {
    s.capacity = get_narrow<std::uint32_t>(j, "capacity", path);
    s.wait = get_enum(j, "wait", path, kQueueWaits);
  }
  s.pin = get_enum(j, "pin", path, kPinnings);
  s.sample_every = get_u64(j, "sample_every", path);
  s.seed = get_u64(j, "seed", path);
  s.timeout_ns = get_i64(j, "timeout_ns", path);
  s.repetitions = get_narrow<int>(j, "repetitions", path);
  if (j.contains("micro_case")) s.micro_case = get_string(j, "micro_case", path);
  if (j.contains("stress")) {
    s.stress = get_bool(j, "stress", path);
    s.perturb = get_bool(j, "perturb", path);
    s.stall_ns = get_i64(j, "stall_ns", path);
  }
  return s;
}

Histogram read_histogram(const Json& j, const std::string& path) {
  // Buckets are only meaningful in the layout they were counted in.
  if (get_u64(j, "significant_digits", path) !=
          static_cast<std::uint64_t>(Histogram::kSignificantDigits) ||
      get_u64(j, "lowest_ns", path) != Histogram::kLowestValue ||
      get_u64(j, "highest_ns", path) != Histogram::kHighestValue) {
    fail(path, fmt::format("histogram layout differs from this build's ({} digits, {} to {} ns)",
                           Histogram::kSignificantDigits, Histogram::kLowestValue,
                           Histogram::kHighestValue));
  }
  const std::uint64_t total = get_u64(j, "total", path);
  const std::uint64_t min = get_u64(j, "min", path);
  const std::uint64_t max = get_u64(j, "max", path);
  const std::uint64_t overflow = get_u64(j, "overflow", path);
  const Json& buckets_json = array_member(j, "buckets", path);
  const std::string buckets_path = child(path, "buckets");
  std::vector<Histogram::Bucket> buckets;
  buckets.reserve(buckets_json.size());
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < buckets_json.size(); ++i) {
    const Json& pair = buckets_json[i];
    const std::string pair_path = child(buckets_path, i);
    if (!pair.is_array() || pair.size() != 2) fail(pair_path, "expected [value, count]");
    const Histogram::Bucket b{as_u64(pair[0], pair_path), as_u64(pair[1], pair_path)};
    sum += b.count;
    buckets.push_back(b);
  }
  if (sum != total) fail(path, fmt::format("bucket counts add up to {}, not total {}", sum, total));
  if (overflow > total) fail(path, "overflow exceeds total");
  return Histogram::from_buckets(buckets, min, max, overflow);
}

Repetition read_repetition(const Json& j, const std::string& path) {
  Repetition r;
  r.index = get_narrow<int>(j, "index", path);
  r.status = get_enum(j, "status", path, kStatuses);
  r.status_detail = get_string(j, "status_detail", path);
  r.elapsed_s = get_double(j, "elapsed_s", path);
  r.lost_updates = get_u64(j, "lost_updates", path);
  r.checked_updates = get_u64(j, "checked_updates", path);
  if (j.contains("reordered_items")) r.reordered_items = get_u64(j, "reordered_items", path);
  const Json& workers = array_member(j, "workers", path);
  const std::string workers_path = child(path, "workers");
  for (std::size_t i = 0; i < workers.size(); ++i) {
    const Json& w = workers[i];
    const std::string wp = child(workers_path, i);
    WorkerResult wr;
    wr.operations = get_u64(w, "operations", wp);
    wr.write_operations = get_u64(w, "write_operations", wp);
    if (w.contains("role")) wr.role = get_enum(w, "role", wp, kWorkerRoles);
    if (w.contains("failed_attempts")) wr.failed_attempts = get_u64(w, "failed_attempts", wp);
    wr.pinned_cpu = get_narrow<int>(w, "pinned_cpu", wp);
    wr.cpu_first = get_narrow<int>(w, "cpu_first", wp);
    wr.cpu_last = get_narrow<int>(w, "cpu_last", wp);
    wr.cpu_user_s = get_double(w, "cpu_user_s", wp);
    wr.cpu_system_s = get_double(w, "cpu_system_s", wp);
    wr.voluntary_switches = get_i64(w, "voluntary_switches", wp);
    wr.involuntary_switches = get_i64(w, "involuntary_switches", wp);
    r.workers.push_back(wr);
  }
  r.latency =
      read_histogram(member(j, "latency_histogram", path), child(path, "latency_histogram"));
  if (j.contains("write_latency_histogram")) {
    r.write_latency = read_histogram(member(j, "write_latency_histogram", path),
                                     child(path, "write_latency_histogram"));
  }
  if (j.contains("checks")) {
    const Json& checks = array_member(j, "checks", path);
    const std::string checks_path = child(path, "checks");
    for (std::size_t i = 0; i < checks.size(); ++i) {
      const Json& cj = checks[i];
      const std::string cp = child(checks_path, i);
      CheckResult c;
      c.name = get_string(cj, "name", cp);
      c.checked = get_u64(cj, "checked", cp);
      c.violations = get_u64(cj, "violations", cp);
      if (cj.contains("first_worker")) {
        c.first_worker = get_narrow<int>(cj, "first_worker", cp);
        c.first_operation = get_u64(cj, "first_operation", cp);
        c.first_s = get_double(cj, "first_s", cp);
      }
      if (cj.contains("note")) c.note = get_string(cj, "note", cp);
      r.checks.push_back(std::move(c));
    }
  }
  return r;
}

}  // namespace

std::string to_json(const Results& results) {
  OrderedJson root;
  root["context"] = context_json(results.environment);
  OrderedJson benchmarks = OrderedJson::array();
  for (std::size_t i = 0; i < results.configs.size(); ++i) {
    const ConfigResult& config = results.configs[i];
    // A repetition with no figure (crashed, timed out, no operation) is left out of
    // `benchmarks`: Google Benchmark's tools read real_time from every entry of a name, and
    // compare.py fails on an entry without one, while a 0 would be charted as a figure. Its
    // verdict is in the `contend` section, which every contend tool reads.
    for (const Repetition& rep : config.repetitions) {
      if (metric_value(rep, Metric::ns_per_op)) benchmarks.push_back(iteration_entry(config, i, rep));
    }
    append_aggregates(benchmarks, config, i);
  }
  root["benchmarks"] = std::move(benchmarks);
  root["contend"] = contend_json(results);
  // Invalid UTF-8 (say, in a plugin's status text) is replaced rather than failing the write.
  return join_integer_pairs(root.dump(2, ' ', false, Json::error_handler_t::replace)) + "\n";
}

Results results_from_json(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(
        fmt::format("not a contend results file: invalid JSON ({})", e.what()));
  }
  if (!root.is_object())
    throw std::runtime_error("not a contend results file: expected a JSON object");
  if (!root.contains("contend")) {
    if (root.contains("benchmarks")) {
      throw std::runtime_error(
          "not a contend results file: it has Google Benchmark's \"benchmarks\" but no \"contend\" "
          "section, which holds the configurations, per-worker results and latency histograms "
          "contend needs");
    }
    throw std::runtime_error("not a contend results file: no \"contend\" section");
  }
  const Json& c = root["contend"];
  const std::string path = "contend";
  if (!c.is_object()) fail(path, "expected an object");
  const Json& version = member(c, "format_version", path);
  if (!version.is_number_integer() || version.get<std::int64_t>() != kJsonFormatVersion) {
    throw std::runtime_error(
        fmt::format("unsupported contend results format_version {} (this build reads version {})",
                    version.dump(), kJsonFormatVersion));
  }

  Results results;
  results.command_line = get_string(c, "command_line", path);
  results.complete = get_bool(c, "complete", path);
  results.environment =
      read_environment(member(c, "environment", path), child(path, "environment"));
  const Json& configs = array_member(c, "configurations", path);
  const std::string configs_path = child(path, "configurations");
  for (std::size_t i = 0; i < configs.size(); ++i) {
    const Json& cj = configs[i];
    const std::string cp = child(configs_path, i);
    ConfigResult config;
    config.spec = read_spec(member(cj, "spec", cp), child(cp, "spec"));
    const std::string name = get_string(cj, "name", cp);
    if (name != config.name()) {
      fail(cp, fmt::format("name \"{}\" does not match its spec (\"{}\")", name, config.name()));
    }
    if (cj.contains("reproduce")) config.reproduce = get_string(cj, "reproduce", cp);
    const Json& reps = array_member(cj, "repetitions", cp);
    const std::string reps_path = child(cp, "repetitions");
    for (std::size_t r = 0; r < reps.size(); ++r) {
      config.repetitions.push_back(read_repetition(reps[r], child(reps_path, r)));
    }
    results.configs.push_back(std::move(config));
  }
  return results;
}

}  // namespace contend

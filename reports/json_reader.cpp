#include "reports/json.hpp"
#include "reports/json_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <vector>

#include "workloads/model/event_names.hpp"
#include "workloads/model/knobs.hpp"

namespace contend {
namespace {

using Json = nlohmann::json;

// Every accessor names the JSON path it failed at.

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

constexpr WorkerRole kWorkerRoles[] = {WorkerRole::worker, WorkerRole::producer, WorkerRole::consumer};
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
  // Recorded since format 2's second revision; absent or null: not known.
  if (j.contains("load_average_end") && !j["load_average_end"].is_null()) {
    const Json& end = array_member(j, "load_average_end", path);
    const std::string end_path = child(path, "load_average_end");
    if (end.size() != 3) fail(end_path, "expected 3 numbers");
    std::array<double, 3> values{};
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = as_double(end[i], child(end_path, i));
    env.load_average_end = values;
  }
  if (j.contains("runnable_others_end") && !j["runnable_others_end"].is_null()) {
    env.runnable_others_end = get_narrow<int>(j, "runnable_others_end", path);
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
  // Recorded when a backend primitive ran; absent otherwise.
  if (j.contains("servers")) {
    const Json& servers = array_member(j, "servers", path);
    for (std::size_t i = 0; i < servers.size(); ++i) {
      if (!servers[i].is_string()) fail(child(child(path, "servers"), i), "expected a string");
      env.servers.push_back(servers[i].get<std::string>());
    }
  }
  return env;
}

KnobValue read_knob(const Knob& k, const Json& j, const std::string& path) {
  const std::string key(k.json_key);
  switch (k.kind) {
    case KnobKind::names: return get_string(j, key, path);
    case KnobKind::flag: return std::int64_t{get_bool(j, key, path)};
    case KnobKind::count:
    case KnobKind::duration: return get_i64(j, key, path);
    case KnobKind::fraction: return static_cast<std::int64_t>(get_double(j, key, path) * 1e6 + 0.5);
    case KnobKind::choice: {
      const std::string text = get_string(j, key, path);
      for (std::size_t i = 0; i < k.choices.size(); ++i) {
        if (k.choices[i] == text) return static_cast<std::int64_t>(i);
      }
      std::string known;
      for (std::string_view c : k.choices) known += fmt::format("{}\"{}\"", known.empty() ? "" : ", ", c);
      fail(child(path, key), fmt::format("unknown value \"{}\" (expected one of {})", text, known));
    }
  }
  return {};
}

// The workload, then each knob the workload takes, from the workload table's key. A key that is
// absent keeps the knob's default; a key of a knob the workload does not take is ignored (files
// of format version 1 wrote every knob for every workload).
RunSpec read_spec(const Json& j, const std::string& path) {
  RunSpec s;
  const std::string workload = get_string(j, "workload", path);
  const WorkloadInfo* info = find_workload(workload);
  if (info == nullptr) {
    std::string known;
    for (const WorkloadInfo& w : workloads()) known += fmt::format("{}\"{}\"", known.empty() ? "" : ", ", w.name);
    fail(child(path, "workload"), fmt::format("unknown value \"{}\" (expected one of {})", workload, known));
  }
  s.workload = info->workload;
  if (j.contains("stress")) s.stress = get_bool(j, "stress", path);
  for (const Knob& k : knobs()) {
    if (k.json_key.empty() || !applies(k, s.workload) || (k.stress_only && !s.stress)) continue;
    if (!j.contains(std::string(k.json_key))) continue;
    k.set(s, read_knob(k, j, path));
  }
  if (j.contains("micro_case")) s.micro_case = get_string(j, "micro_case", path);
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

LatencySummary read_latency_summary(const Json& j, const std::string& path) {
  const std::uint64_t samples = get_u64(j, "samples", path);
  if (samples == 0) return {};
  std::array<std::uint64_t, kReportedPercentiles.size()> percentiles{};
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    percentiles[i] = get_u64(j, percentile_label(kReportedPercentiles[i]), path);
  }
  return LatencySummary(samples, get_u64(j, "min", path), get_u64(j, "max", path), get_u64(j, "overflow", path),
                        percentiles);
}

// A repetition without its latency, which the callers read as their format version keeps it.
Repetition read_repetition(const Json& j, const std::string& path) {
  Repetition r;
  r.index = get_narrow<int>(j, "index", path);
  r.status = get_enum(j, "status", path, kStatuses);
  r.status_detail = get_string(j, "status_detail", path);
  r.elapsed_s = get_double(j, "elapsed_s", path);
  if (j.contains("long_hold_s")) r.long_hold_s = get_double(j, "long_hold_s", path);
  if (j.contains("long_hold_operations")) r.long_hold_operations = get_u64(j, "long_hold_operations", path);
  r.lost_updates = get_u64(j, "lost_updates", path);
  r.checked_updates = get_u64(j, "checked_updates", path);
  if (j.contains("reordered_items")) r.reordered_items = get_u64(j, "reordered_items", path);
  if (j.contains("events")) {
    const std::string events_path = child(path, "events");
    const Json& events = j.at("events");
    if (!events.is_object()) fail(events_path, "expected an object of event counts");
    // In EventId order, as the writer lists them (a name this contend does not know goes last).
    for (std::size_t e = 0; e < kEventCount; ++e) {
      const std::string name(event_name(static_cast<EventId>(e)));
      if (events.contains(name)) r.events.push_back({name, get_u64(events, name, events_path)});
    }
    for (const auto& [name, count] : events.items()) {
      if (!r.event(name)) r.events.push_back({name, get_u64(events, name, events_path)});
    }
  }
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

// Format version 2: the repetitions' figures, the configuration's merged histograms.
void read_configuration_v2(ConfigResult& config, const Json& cj, const std::string& cp) {
  const Json& reps = array_member(cj, "repetitions", cp);
  const std::string reps_path = child(cp, "repetitions");
  for (std::size_t r = 0; r < reps.size(); ++r) {
    const std::string rp = child(reps_path, r);
    Repetition rep = read_repetition(reps[r], rp);
    rep.latency = read_latency_summary(member(reps[r], "latency_ns", rp), child(rp, "latency_ns"));
    if (reps[r].contains("write_latency_ns")) {
      rep.write_latency = read_latency_summary(member(reps[r], "write_latency_ns", rp), child(rp, "write_latency_ns"));
    }
    if (reps[r].contains("overtakes")) {
      rep.overtakes = read_latency_summary(member(reps[r], "overtakes", rp), child(rp, "overtakes"));
    }
    if (reps[r].contains("faults")) {
      const Json& faults = member(reps[r], "faults", rp);
      const std::string fp = child(rp, "faults");
      rep.faults_injected = get_u64(faults, "injected", fp);
      rep.recovery = read_latency_summary(member(faults, "recovery_ns", fp), child(fp, "recovery_ns"));
    }
    config.repetitions.push_back(std::move(rep));
  }
  const auto histogram = [&](std::string_view key, Histogram& into) {
    if (cj.contains(std::string(key))) into = read_histogram(member(cj, key, cp), child(cp, key));
  };
  histogram("latency_histogram", config.latency.ok);
  histogram("violation_latency_histogram", config.latency.violation);
  histogram("write_latency_histogram", config.write_latency.ok);
  histogram("violation_write_latency_histogram", config.write_latency.violation);
}

// Format version 1: every repetition has its whole histograms; they are summarized and merged
// into the configuration as a run does when a repetition ends.
void read_configuration_v1(ConfigResult& config, const Json& cj, const std::string& cp) {
  const Json& reps = array_member(cj, "repetitions", cp);
  const std::string reps_path = child(cp, "repetitions");
  for (std::size_t r = 0; r < reps.size(); ++r) {
    const std::string rp = child(reps_path, r);
    const Json& rj = reps[r];
    Repetition rep = read_repetition(rj, rp);
    const Histogram latency = read_histogram(member(rj, "latency_histogram", rp), child(rp, "latency_histogram"));
    Histogram writes;
    if (rj.contains("write_latency_histogram")) {
      writes = read_histogram(member(rj, "write_latency_histogram", rp), child(rp, "write_latency_histogram"));
    }
    config.add_repetition(std::move(rep), latency, writes);
  }
}

}  // namespace

Results results_from_json(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(parse_error_text(e));
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
  const Json& version_json = member(c, "format_version", path);
  const std::int64_t version = version_json.is_number_integer() ? version_json.get<std::int64_t>() : -1;
  if (version < kOldestJsonFormatVersion || version > kJsonFormatVersion) {
    throw std::runtime_error(fmt::format("unsupported contend results format_version {} (this build reads versions {} "
                                         "to {})",
                                         version_json.dump(), kOldestJsonFormatVersion, kJsonFormatVersion));
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
    // Version 1 names followed the rules of their day (a pairs run's capacity was not in it):
    // the configuration is known by the name its spec gives now.
    if (version >= 2 && name != config.name()) {
      fail(cp, fmt::format("name \"{}\" does not match its spec (\"{}\")", name, config.name()));
    }
    if (cj.contains("reproduce")) config.reproduce = get_string(cj, "reproduce", cp);
    if (version == 1) {
      read_configuration_v1(config, cj, cp);
    } else {
      read_configuration_v2(config, cj, cp);
    }
    results.configs.push_back(std::move(config));
  }
  return results;
}

}  // namespace contend

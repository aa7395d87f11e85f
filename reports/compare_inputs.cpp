// The two sides of a comparison: a configuration's figures of one metric per repetition, from a
// contend results file or from Google Benchmark's JSON.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "reports/compare.hpp"
#include "reports/json.hpp"
#include "reports/json_text.hpp"

namespace contend {

namespace {

using Json = nlohmann::json;

Metric result_metric(CompareMetric m) {
  switch (m) {
    case CompareMetric::throughput: return Metric::throughput;
    case CompareMetric::p50: return Metric::p50;
    case CompareMetric::p99: return Metric::p99;
    case CompareMetric::p999: return Metric::p999;
    case CompareMetric::cpu_per_op: return Metric::cpu_per_mop;
  }
  return Metric::throughput;
}

// ---- reading Google Benchmark's JSON --------------------------------------------------------

double nanoseconds_per_unit(const std::string& unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  throw std::runtime_error(fmt::format("Google Benchmark JSON: unknown time_unit '{}' (expected ns, us, ms or s)", unit));
}

ComparisonInput from_google_benchmark(const Json& root, CompareMetric metric, std::string label) {
  if (is_latency(metric)) {
    throw std::runtime_error(fmt::format("--metric {}: Google Benchmark JSON has no latency percentiles; use "
                                         "throughput or cpu-per-op",
                                         to_string(metric)));
  }
  ComparisonInput input;
  input.label = std::move(label);
  input.format = "Google Benchmark";
  if (root.contains("context") && root["context"].is_object()) {
    const Json& c = root["context"];
    input.description = fmt::format("{}, {}", c.value("host_name", std::string("unknown host")),
                                     c.value("date", std::string("unknown date")));
  }
  bool any_items = false;
  bool any_without_items = false;
  auto find = [&](const std::string& name) -> SampleSet& {
    for (SampleSet& s : input.configs) {
      if (s.name == name) return s;
    }
    input.configs.push_back({name, {}, ""});
    return input.configs.back();
  };
  for (const Json& b : root["benchmarks"]) {
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string()) {
      throw std::runtime_error("Google Benchmark JSON: a \"benchmarks\" entry has no \"name\"");
    }
    // Repetitions share run_name (older versions lack it; then name is the run's name).
    const std::string name = b.value("run_name", b["name"].get<std::string>());
    SampleSet& set = find(name);
    if (b.value("run_type", std::string("iteration")) == "aggregate") {
      if (set.values.empty() && set.not_measured.empty()) {
        set.not_measured = "only aggregates in the file; rerun with --benchmark_repetitions=N and without "
                           "--benchmark_report_aggregates_only";
      }
      continue;
    }
    // An error (or a skip) in any repetition: the benchmark is reported, not judged on the rest.
    if (set.failed) continue;
    if (b.value("error_occurred", false) || b.value("skipped", false)) {
      set.values.clear();
      set.failed = true;
      set.not_measured = fmt::format("error: {}", b.value("error_message", std::string("(no message)")));
      continue;
    }
    const double unit_ns = nanoseconds_per_unit(b.value("time_unit", std::string("ns")));
    double value = 0;
    if (metric == CompareMetric::throughput) {
      if (b.contains("items_per_second") && b["items_per_second"].is_number()) {
        value = b["items_per_second"].get<double>();
        any_items = true;
      } else {
        const double real_ns = b.value("real_time", 0.0) * unit_ns;
        if (real_ns <= 0) continue;
        value = 1e9 / real_ns;
        any_without_items = true;
      }
    } else {
      value = b.value("cpu_time", 0.0) * unit_ns;
    }
    set.values.push_back(value);
    set.not_measured.clear();
  }
  if (metric == CompareMetric::throughput) {
    input.unit = any_items && !any_without_items ? "items/s" : any_items ? "items/s or iterations/s" : "iterations/s";
  } else {
    input.unit = "ns CPU per iteration";
  }
  return input;
}

}  // namespace

ComparisonInput comparison_input(const Results& results, CompareMetric metric, std::string label) {
  ComparisonInput input;
  input.label = std::move(label);
  input.format = "contend";
  switch (metric) {
    case CompareMetric::throughput: input.unit = "ops/s"; break;
    case CompareMetric::p50:
    case CompareMetric::p99:
    case CompareMetric::p999: input.unit = "ns"; break;
    case CompareMetric::cpu_per_op: input.unit = "CPU s per M ops"; break;
  }
  input.complete = results.complete;
  const Environment& e = results.environment;
  input.description = fmt::format("{}, {}, git {}", e.hostname.empty() ? "unknown host" : e.hostname,
                                  e.date_utc.empty() ? "unknown date" : e.date_utc,
                                  e.git_revision.empty() ? "unknown" : e.git_revision);
  for (const ConfigResult& config : results.configs) {
    SampleSet set;
    set.name = config.name();
    // A configuration that crashed, hung, timed out or broke its contract (a violation: a lock
    // that lost updates) in any repetition is not judged on speed, nor on the repetitions that
    // survived: the gate reports what happened instead.
    const bool ran_through = config.status() == Status::ok;
    if (ran_through) set.values = metric_values(config, result_metric(metric));
    if (set.values.empty()) {
      if (config.repetitions.empty()) {
        set.not_measured = "not run (the run was interrupted before its first repetition)";
      } else if (!ran_through) {
        set.not_measured = config.status_text();
        set.failed = config.status() != Status::interrupted;
      } else if (is_latency(metric)) {
        set.not_measured = "latency was not sampled (--sample 0)";
      } else {
        set.not_measured = "no operation completed";
      }
    }
    input.configs.push_back(std::move(set));
  }
  return input;
}

ComparisonInput comparison_input_from_json(std::string_view text, CompareMetric metric, std::string label) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(parse_error_text(e));
  }
  if (!root.is_object()) throw std::runtime_error("not a contend or Google Benchmark results file: not a JSON object");
  if (root.contains("contend")) return comparison_input(results_from_json(text), metric, std::move(label));
  if (root.contains("benchmarks") && root["benchmarks"].is_array()) {
    return from_google_benchmark(root, metric, std::move(label));
  }
  throw std::runtime_error(
      "not a contend or Google Benchmark results file: it has neither a \"contend\" section nor a \"benchmarks\" "
      "array");
}

std::optional<Comparison> comparison_from_json(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error&) {
    return std::nullopt;
  }
  if (!root.is_object() || !root.contains("gate") || !root.contains("configs") || !root.contains("metric")) {
    return std::nullopt;
  }
  try {
    Comparison c;
    const auto metric = compare_metric_from_string(root.at("metric").get<std::string>());
    if (!metric) throw std::runtime_error("unknown metric");
    c.settings.metric = *metric;
    c.settings.alpha = root.at("alpha").get<double>();
    c.settings.threshold = root.at("threshold").get<double>();
    c.tested = root.at("tested").get<std::size_t>();
    const auto side = [](const Json& j) {
      ComparisonInput in;
      in.label = j.at("label").get<std::string>();
      in.format = j.at("format").get<std::string>();
      in.unit = j.at("unit").get<std::string>();
      in.description = j.at("description").get<std::string>();
      return in;
    };
    c.base = side(root.at("base"));
    c.current = side(root.at("new"));
    c.current.complete = root.value("new_complete", true);
    const auto summary = [](const Json& j) {
      Summary s;
      if (j.is_null()) return s;
      s.n = j.at("n").get<std::size_t>();
      s.median = j.at("median").get<double>();
      s.min = j.at("min").get<double>();
      s.max = j.at("max").get<double>();
      s.cv = j.at("cv").is_null() ? 0.0 : j.at("cv").get<double>();
      return s;
    };
    const auto number = [](const Json& j) -> std::optional<double> {
      if (j.is_null()) return std::nullopt;
      return j.get<double>();
    };
    for (const Json& j : root.at("configs")) {
      ConfigComparison x;
      x.name = j.at("name").get<std::string>();
      const std::string verdict = j.at("verdict").get<std::string>();
      bool known = false;
      for (Verdict v : {Verdict::improved, Verdict::regressed, Verdict::unchanged, Verdict::noisy, Verdict::missing}) {
        if (to_string(v) == verdict) {
          x.verdict = v;
          known = true;
        }
      }
      if (!known) throw std::runtime_error("unknown verdict '" + verdict + "'");
      x.reason = j.at("reason").get<std::string>();
      x.base = summary(j.at("base"));
      x.current = summary(j.at("new"));
      x.change = number(j.at("change"));
      x.change_low = number(j.at("change_low"));
      x.change_high = number(j.at("change_high"));
      x.p_value = number(j.at("p_value"));
      x.p_adjusted = number(j.at("p_adjusted"));
      c.configs.push_back(std::move(x));
    }
    const Json& gate = root.at("gate");
    const std::string decision = gate.at("decision").get<std::string>();
    for (GateDecision d : {GateDecision::pass, GateDecision::regressed, GateDecision::failed, GateDecision::inconclusive}) {
      if (to_string(d) == decision) c.gate.decision = d;
    }
    c.gate.reason = gate.at("reason").get<std::string>();
    c.settings.allow_missing = gate.value("allow_missing", false);
    c.settings.allow_noisy = gate.value("allow_noisy", false);
    return c;
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("a compare or ab verdicts file, but malformed: ") + e.what());
  }
}

}  // namespace contend

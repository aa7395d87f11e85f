#include "reports/compare.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "reports/json.hpp"
#include "reports/table.hpp"

namespace contend {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

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

bool is_latency(CompareMetric m) {
  return m == CompareMetric::p50 || m == CompareMetric::p99 || m == CompareMetric::p999;
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

// ---- formatting -----------------------------------------------------------------------------

// "52.3M", "456k", "12.5": three significant digits with an SI prefix, for rates.
std::string si(double v) {
  const double a = std::fabs(v);
  if (a >= 1e9) return format_3sig(v / 1e9) + "G";
  if (a >= 1e6) return format_3sig(v / 1e6) + "M";
  if (a >= 1e3) return format_3sig(v / 1e3) + "k";
  return format_3sig(v);
}

std::string value_text(const ComparisonInput& side, CompareMetric metric, const Summary& s) {
  if (s.n == 0) return kNotMeasured;
  if (is_latency(metric)) return format_latency_ns(s.median);
  if (metric == CompareMetric::throughput) return si(s.median);
  if (side.format == "Google Benchmark") return format_latency_ns(s.median);  // ns of CPU per iteration
  return format_3sig(s.median);
}

std::string percent(double fraction) { return fmt::format("{:+.1f}%", fraction * 100.0); }

std::string p_text(double p) {
  if (p < 0.0001) return "<0.0001";
  return fmt::format("{:.4f}", p);
}

std::string change_cell(const ConfigComparison& c) { return c.change ? percent(*c.change) : kNotMeasured; }

std::string interval_cell(const ConfigComparison& c) {
  if (!c.change_low) return kNotMeasured;
  return fmt::format("{} .. {}", percent(*c.change_low), percent(*c.change_high));
}

std::string p_cell(const ConfigComparison& c) { return c.p_adjusted ? p_text(*c.p_adjusted) : kNotMeasured; }

std::string metric_heading(const Comparison& cmp) {
  const CompareMetric m = cmp.settings.metric;
  std::string what;
  switch (m) {
    case CompareMetric::throughput: what = fmt::format("throughput ({}, higher is better)", cmp.base.unit); break;
    case CompareMetric::p50:
    case CompareMetric::p99:
    case CompareMetric::p999: what = fmt::format("{} latency (lower is better)", to_string(m)); break;
    case CompareMetric::cpu_per_op: what = fmt::format("CPU per operation ({}, lower is better)", cmp.base.unit); break;
  }
  return what;
}

std::string rule_text(const Comparison& cmp) {
  return fmt::format(
      "regressed/improved: Holm-adjusted Mann-Whitney p < {} over {} configuration{} and the whole 95% "
      "interval of the change past {:.0f}%; unchanged: the interval within +-{:.0f}%",
      cmp.settings.alpha, cmp.tested, cmp.tested == 1 ? "" : "s", cmp.settings.threshold * 100,
      cmp.settings.threshold * 100);
}

std::string summary_line(const Comparison& cmp) {
  return fmt::format("{} regressed, {} improved, {} unchanged, {} noisy, {} missing",
                     cmp.count(Verdict::regressed), cmp.count(Verdict::improved), cmp.count(Verdict::unchanged),
                     cmp.count(Verdict::noisy), cmp.count(Verdict::missing));
}

// What the gate concludes, and what it could not look at.
std::string outcome_line(const Comparison& cmp) {
  const std::size_t regressed = cmp.count(Verdict::regressed);
  if (regressed > 0) return fmt::format("the gate fails: {} regressed", regressed);
  if (cmp.failed_in_new > 0) {
    return fmt::format("the gate fails: {} configuration{} failed in new (see missing)", cmp.failed_in_new,
                       cmp.failed_in_new == 1 ? "" : "s");
  }
  const std::size_t unjudged = cmp.count(Verdict::noisy) + cmp.count(Verdict::missing);
  if (unjudged == 0) return "no regression";
  return fmt::format("no regression found; {} of {} could not be judged (noisy or missing)", unjudged,
                     cmp.configs.size());
}

std::string side_line(const char* which, const ComparisonInput& side) {
  std::string line = fmt::format("{}: {} ({}", which, side.label, side.format);
  if (!side.description.empty()) line += ", " + side.description;
  return line + ")";
}

std::vector<std::string> row_cells(const Comparison& cmp, const ConfigComparison& c) {
  return {c.name,
          value_text(cmp.base, cmp.settings.metric, c.base),
          value_text(cmp.current, cmp.settings.metric, c.current),
          change_cell(c),
          interval_cell(c),
          p_cell(c),
          std::string(to_string(c.verdict))};
}

const std::vector<std::string>& headers() {
  static const std::vector<std::string> kHeaders = {"configuration", "base", "new", "change",
                                                    "95% interval", "p (Holm)", "verdict"};
  return kHeaders;
}

std::size_t smallest_equal_repetitions(double alpha, std::size_t family) {
  for (std::size_t n = 2; n <= 60; ++n) {
    if (mann_whitney_min_p(n, n) * static_cast<double>(family) < alpha) return n;
  }
  return 60;
}

}  // namespace

std::string_view to_string(CompareMetric m) {
  switch (m) {
    case CompareMetric::throughput: return "throughput";
    case CompareMetric::p50: return "p50";
    case CompareMetric::p99: return "p99";
    case CompareMetric::p999: return "p999";
    case CompareMetric::cpu_per_op: return "cpu-per-op";
  }
  return "?";
}

std::optional<CompareMetric> compare_metric_from_string(std::string_view s) {
  for (CompareMetric m : {CompareMetric::throughput, CompareMetric::p50, CompareMetric::p99, CompareMetric::p999,
                          CompareMetric::cpu_per_op}) {
    if (to_string(m) == s) return m;
  }
  return std::nullopt;
}

bool higher_is_better(CompareMetric m) { return m == CompareMetric::throughput; }

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::improved: return "improved";
    case Verdict::regressed: return "regressed";
    case Verdict::unchanged: return "unchanged";
    case Verdict::noisy: return "noisy";
    case Verdict::missing: return "missing";
  }
  return "?";
}

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
    throw std::runtime_error(fmt::format("not JSON ({})", e.what()));
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

std::size_t Comparison::count(Verdict v) const {
  return static_cast<std::size_t>(
      std::count_if(configs.begin(), configs.end(), [v](const ConfigComparison& c) { return c.verdict == v; }));
}

Comparison compare(const ComparisonInput& base, const ComparisonInput& current, const CompareSettings& settings) {
  Comparison cmp;
  cmp.settings = settings;
  cmp.base = base;
  cmp.current = current;
  cmp.base.configs.clear();
  cmp.current.configs.clear();

  auto find = [](const ComparisonInput& side, const std::string& name) -> const SampleSet* {
    for (const SampleSet& s : side.configs) {
      if (s.name == name) return &s;
    }
    return nullptr;
  };
  std::vector<std::pair<const SampleSet*, const SampleSet*>> pairs;
  for (const SampleSet& b : base.configs) pairs.emplace_back(&b, find(current, b.name));
  for (const SampleSet& n : current.configs) {
    if (find(base, n.name) == nullptr) pairs.emplace_back(nullptr, &n);
  }

  // First pass: figures, and the raw p-values of the family Holm corrects over.
  for (const auto& [b, n] : pairs) {
    ConfigComparison c;
    c.name = b != nullptr ? b->name : n->name;
    if (n != nullptr && n->failed) ++cmp.failed_in_new;
    if (b == nullptr || n == nullptr) {
      c.reason = b == nullptr ? "only in new" : "only in base";
    } else if (b->values.empty() || n->values.empty()) {
      c.reason = b->values.empty() ? "base: " + b->not_measured : "new: " + n->not_measured;
      if (b->values.empty() && n->values.empty()) c.reason += "; new: " + n->not_measured;
    } else {
      c.base = summarize(b->values);
      c.current = summarize(n->values);
      c.p_value = mann_whitney_u(b->values, n->values).p_two_sided;
      const bool positive = std::all_of(b->values.begin(), b->values.end(), [](double v) { return v > 0; }) &&
                            std::all_of(n->values.begin(), n->values.end(), [](double v) { return v > 0; });
      if (positive) {
        // The shift of the logarithms is the log of the ratio new / base.
        std::vector<double> log_base(b->values.size());
        std::vector<double> log_new(n->values.size());
        std::transform(b->values.begin(), b->values.end(), log_base.begin(), [](double v) { return std::log(v); });
        std::transform(n->values.begin(), n->values.end(), log_new.begin(), [](double v) { return std::log(v); });
        const ShiftEstimate shift = hodges_lehmann_shift(log_base, log_new, 0.95);
        c.change = std::expm1(shift.estimate);
        if (shift.valid) {
          c.change_low = std::expm1(shift.low);
          c.change_high = std::expm1(shift.high);
        }
      }
    }
    cmp.configs.push_back(std::move(c));
  }

  // Holm's step-down as adjusted p-values: the k-th smallest of m gets max over j <= k of
  // (m - j + 1) p_(j), capped at 1; rejecting where adjusted p < alpha is exactly Holm's procedure.
  std::vector<std::size_t> family;
  for (std::size_t i = 0; i < cmp.configs.size(); ++i) {
    if (cmp.configs[i].p_value) family.push_back(i);
  }
  cmp.tested = family.size();
  std::stable_sort(family.begin(), family.end(),
                   [&](std::size_t x, std::size_t y) { return *cmp.configs[x].p_value < *cmp.configs[y].p_value; });
  double running_max = 0;
  for (std::size_t k = 0; k < family.size(); ++k) {
    ConfigComparison& c = cmp.configs[family[k]];
    running_max = std::max(running_max, std::min(1.0, static_cast<double>(family.size() - k) * *c.p_value));
    c.p_adjusted = running_max;
  }

  const double threshold = settings.threshold;
  const bool higher_better = higher_is_better(settings.metric);
  for (ConfigComparison& c : cmp.configs) {
    if (!c.p_value) continue;  // missing: reason set above
    if (!c.change) {
      c.verdict = Verdict::noisy;
      c.reason = "a value is zero or negative, so no ratio can be formed";
      continue;
    }
    if (!c.change_low) {
      c.verdict = Verdict::noisy;
      c.reason = fmt::format("too few repetitions for a 95% interval ({} and {}; at least 4 each)", c.base.n,
                             c.current.n);
      continue;
    }
    const double low = *c.change_low;
    const double high = *c.change_high;
    const bool all_worse = higher_better ? high < -threshold : low > threshold;
    const bool all_better = higher_better ? low > threshold : high < -threshold;
    const bool significant = *c.p_adjusted < settings.alpha;
    if (significant && all_worse) {
      c.verdict = Verdict::regressed;
    } else if (significant && all_better) {
      c.verdict = Verdict::improved;
    } else if (low >= -threshold && high <= threshold) {
      c.verdict = Verdict::unchanged;
    } else {
      c.verdict = Verdict::noisy;
      if (all_worse || all_better) {
        const double best_possible = mann_whitney_min_p(c.base.n, c.current.n) * static_cast<double>(cmp.tested);
        if (best_possible >= settings.alpha) {
          c.reason = fmt::format(
              "too few repetitions: {} and {} cannot reach p < {} over {} configuration{} ({} each needed)", c.base.n,
              c.current.n, settings.alpha, cmp.tested, cmp.tested == 1 ? "" : "s",
              smallest_equal_repetitions(settings.alpha, cmp.tested));
        } else {
          c.reason = fmt::format("the change is past {:.0f}% but p = {} (Holm) is not below {}", threshold * 100,
                                 p_text(*c.p_adjusted), settings.alpha);
        }
      } else {
        c.reason = fmt::format("spread too wide: the interval {} crosses the {:.0f}% threshold", interval_cell(c),
                               threshold * 100);
      }
    }
  }
  return cmp;
}

// ---- serializers ----------------------------------------------------------------------------

std::string to_compare_table(const Comparison& cmp) {
  std::vector<std::vector<std::string>> rows;
  for (const ConfigComparison& c : cmp.configs) rows.push_back(row_cells(cmp, c));
  const std::vector<std::string>& head = headers();
  std::vector<std::size_t> widths(head.size());
  for (std::size_t i = 0; i < head.size(); ++i) widths[i] = display_width(head[i]);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string pad(widths[i] - display_width(cells[i]), ' ');
      const bool left = i == 0 || i + 1 == cells.size();
      if (i > 0) out += "  ";
      out += left ? cells[i] + (i + 1 == cells.size() ? "" : pad) : pad + cells[i];
    }
    return out + "\n";
  };

  std::string out = fmt::format("compare {}\n", metric_heading(cmp));
  out += side_line("base", cmp.base) + "\n";
  out += side_line("new ", cmp.current) + "\n\n";
  out += line(head);
  for (const auto& row : rows) out += line(row);
  bool first = true;
  for (const ConfigComparison& c : cmp.configs) {
    if (c.reason.empty()) continue;
    if (first) out += "\n";
    first = false;
    out += fmt::format("{} {}: {}\n", to_string(c.verdict), c.name, c.reason);
  }
  out += "\n" + rule_text(cmp) + ".\n";
  out += summary_line(cmp) + ": " + outcome_line(cmp) + ".\n";
  return out;
}

std::string to_compare_markdown(const Comparison& cmp) {
  auto escape = [](const std::string& s) {
    std::string out;
    for (char ch : s) {
      if (ch == '|') out += "\\|";
      else out += ch;
    }
    return out;
  };
  std::string out = fmt::format("### contend compare: {}\n\n", metric_heading(cmp));
  out += fmt::format("**{}** — {}.\n\n", summary_line(cmp), outcome_line(cmp));
  out += fmt::format("- {}\n- {}\n\n", escape(side_line("base", cmp.base)), escape(side_line("new", cmp.current)));
  const std::vector<std::string>& head = headers();
  out += "|";
  for (const std::string& h : head) out += " " + h + " |";
  out += "\n|";
  for (std::size_t i = 0; i < head.size(); ++i) out += i == 0 || i + 1 == head.size() ? " --- |" : " ---: |";
  out += "\n";
  for (const ConfigComparison& c : cmp.configs) {
    std::vector<std::string> cells = row_cells(cmp, c);
    cells[0] = "`" + cells[0] + "`";
    if (c.verdict == Verdict::regressed || c.verdict == Verdict::improved) cells.back() = "**" + cells.back() + "**";
    out += "|";
    for (const std::string& cell : cells) out += " " + escape(cell) + " |";
    out += "\n";
  }
  bool first = true;
  for (const ConfigComparison& c : cmp.configs) {
    if (c.reason.empty()) continue;
    if (first) out += "\n";
    first = false;
    out += fmt::format("- {} `{}`: {}\n", to_string(c.verdict), c.name, escape(c.reason));
  }
  out += fmt::format("\n{}.\n", rule_text(cmp));
  return out;
}

std::string to_compare_json(const Comparison& cmp) {
  auto number = [](const std::optional<double>& v) -> OrderedJson {
    if (!v || !std::isfinite(*v)) return nullptr;
    return *v;
  };
  auto side = [](const ComparisonInput& s) {
    OrderedJson j;
    j["label"] = s.label;
    j["format"] = s.format;
    j["unit"] = s.unit;
    j["description"] = s.description;
    return j;
  };
  auto summary = [](const Summary& s) -> OrderedJson {
    if (s.n == 0) return nullptr;
    OrderedJson j;
    j["n"] = s.n;
    j["median"] = s.median;
    j["min"] = s.min;
    j["max"] = s.max;
    j["cv"] = s.cv;
    return j;
  };
  OrderedJson root;
  root["metric"] = std::string(to_string(cmp.settings.metric));
  root["higher_is_better"] = higher_is_better(cmp.settings.metric);
  root["alpha"] = cmp.settings.alpha;
  root["threshold"] = cmp.settings.threshold;
  root["correction"] = "holm";
  root["tested"] = cmp.tested;
  root["base"] = side(cmp.base);
  root["new"] = side(cmp.current);
  OrderedJson configs = OrderedJson::array();
  for (const ConfigComparison& c : cmp.configs) {
    OrderedJson j;
    j["name"] = c.name;
    j["verdict"] = std::string(to_string(c.verdict));
    j["reason"] = c.reason;
    j["base"] = summary(c.base);
    j["new"] = summary(c.current);
    j["change"] = number(c.change);
    j["change_low"] = number(c.change_low);
    j["change_high"] = number(c.change_high);
    j["p_value"] = number(c.p_value);
    j["p_adjusted"] = number(c.p_adjusted);
    configs.push_back(std::move(j));
  }
  root["configs"] = std::move(configs);
  OrderedJson counts;
  for (Verdict v : {Verdict::regressed, Verdict::improved, Verdict::unchanged, Verdict::noisy, Verdict::missing}) {
    counts[std::string(to_string(v))] = cmp.count(v);
  }
  root["counts"] = std::move(counts);
  root["regressed"] = cmp.regressed();
  root["failed_in_new"] = cmp.failed_in_new;
  return root.dump(2) + "\n";
}

}  // namespace contend

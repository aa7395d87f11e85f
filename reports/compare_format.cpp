// compare's verdicts as text: the console table, Markdown (for a pull request's comment) and JSON.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "reports/compare.hpp"
#include "reports/table.hpp"

namespace contend {

namespace {

using OrderedJson = nlohmann::ordered_json;

std::string percent(double fraction) { return fmt::format("{:+.1f}%", fraction * 100.0); }

std::string change_cell(const ConfigComparison& c) { return c.change ? percent(*c.change) : kNotMeasured; }

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

std::string p_cell(const ConfigComparison& c) { return c.p_adjusted ? p_value_text(*c.p_adjusted) : kNotMeasured; }

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

// The gate's decision in words: "gate: inconclusive (exit 4): nothing was judged: ...".
std::string gate_line(const Comparison& cmp) {
  return fmt::format("gate: {} (exit {}): {}", to_string(cmp.gate.decision), gate_exit_code(cmp.gate.decision),
                     cmp.gate.reason);
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
          change_interval_text(c),
          p_cell(c),
          std::string(to_string(c.verdict))};
}

const std::vector<std::string>& headers() {
  static const std::vector<std::string> kHeaders = {"configuration", "base", "new", "change",
                                                    "95% interval", "p (Holm)", "verdict"};
  return kHeaders;
}

}  // namespace

std::string p_value_text(double p) {
  if (p < 0.0001) return "<0.0001";
  return fmt::format("{:.4f}", p);
}

std::string change_interval_text(const ConfigComparison& c) {
  if (!c.change_low) return kNotMeasured;
  return fmt::format("{} .. {}", percent(*c.change_low), percent(*c.change_high));
}


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
  if (!cmp.current.complete) out += "\nnew is incomplete: its run was interrupted\n";
  out += fmt::format("\n{}.\n{}.\n{}.\n", rule_text(cmp), summary_line(cmp), gate_line(cmp));
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
  out += fmt::format("**{}.** {}.\n\n", gate_line(cmp), summary_line(cmp));
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
    for (const std::string& cell : cells) out += fmt::format(" {} |", escape(cell));
    out += "\n";
  }
  bool first = true;
  for (const ConfigComparison& c : cmp.configs) {
    if (c.reason.empty()) continue;
    if (first) out += "\n";
    first = false;
    out += fmt::format("- {} `{}`: {}\n", to_string(c.verdict), c.name, escape(c.reason));
  }
  out += fmt::format("\n{}.\n\n**{}.**\n", rule_text(cmp), gate_line(cmp));
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
  root["new_complete"] = cmp.current.complete;
  root["gate"] = {{"decision", std::string(to_string(cmp.gate.decision))},
                  {"exit_code", gate_exit_code(cmp.gate.decision)},
                  {"reason", cmp.gate.reason},
                  {"allow_missing", cmp.settings.allow_missing},
                  {"allow_noisy", cmp.settings.allow_noisy}};
  return root.dump(2) + "\n";
}

}  // namespace contend

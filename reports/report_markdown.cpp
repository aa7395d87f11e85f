#include "reports/report_markdown.hpp"

#include <fmt/format.h>

#include <string_view>

#include "reports/report_summary.hpp"
#include "reports/table.hpp"

namespace contend {
namespace {

// Backslash-escapes what GitHub would read as markup or as a cell boundary.
std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\|*_`<>[]#").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

void append_row(std::string& out, std::string_view first, const std::vector<std::string>& cells) {
  // Appended piece by piece: GCC 12 warns falsely (-Wstringop-overflow) on `" " + escape(cell)`.
  out += "| ";
  out += escape(first);
  out += " |";
  for (const std::string& cell : cells) {
    out += ' ';
    out += escape(cell);
    out += " |";
  }
  out += '\n';
}

std::vector<std::string> cell_texts(const std::vector<FigureCell>& cells) {
  std::vector<std::string> texts;
  for (const FigureCell& cell : cells) {
    texts.push_back(cell.spread.empty() ? cell.value : fmt::format("{} ({})", cell.value, cell.spread));
  }
  return texts;
}

void append_table(std::string& out, const FigureTable& table) {
  out += fmt::format("**{}**\n\n", escape(table.title));
  append_row(out, "series", table.columns);
  out += "| :--- |";
  for (std::size_t i = 0; i < table.columns.size(); ++i) out += " ---: |";
  out += "\n";
  for (const FigureTable::Row& row : table.rows) append_row(out, row.series, cell_texts(row.cells));
  out += "\n";
}

void append_summary(std::string& out, const ReportSummary& summary) {
  out += "## Summary\n\n";
  for (const std::string& line : summary.incomplete) {
    out += fmt::format("> **Incomplete input** — {}: its figures cover only what ran.\n\n", escape(line));
  }
  if (summary.before_after) {
    const Comparison& c = *summary.before_after;
    out += fmt::format("### {} → {}\n\n**{}**\n\ngate: {} — {}\n\n", escape(c.base.label), escape(c.current.label),
                       escape(before_after_headline(c)), to_string(c.gate.decision), escape(c.gate.reason));
    append_row(out, "configuration", {"before", "after", "change", "95% interval", "verdict"});
    out += "| :--- | ---: | ---: | ---: | ---: | :--- |\n";
    for (const ConfigComparison& x : c.configs) {
      append_row(out, x.name,
                 {comparison_value(c, x.base), comparison_value(c, x.current), x.change ? fmt::format("{:+.1f}%", *x.change * 100.0) : "—",
                  change_interval_text(x), std::string(to_string(x.verdict))});
    }
    out += "\n";
    for (const ConfigComparison& x : c.configs) {
      if (!x.reason.empty()) out += fmt::format("- {} {}: {}\n", to_string(x.verdict), escape(x.name), escape(x.reason));
    }
    out += "\n";
  }
  if (!summary.highlights.empty()) {
    out += "Fastest and fairest, per scenario at the highest worker count measured:\n\n";
    append_row(out, "scenario", {"at", "fastest", "fairest"});
    out += "| :--- | :--- | :--- | :--- |\n";
    for (const ScenarioHighlight& h : summary.highlights) append_row(out, h.scenario, {h.count, h.fastest, h.fairest});
    out += "\n";
  }
  if (summary.not_ok.empty()) {
    if (!summary.highlights.empty()) out += "Every repetition of every configuration finished ok.\n\n";
  } else {
    out += "Not ok:\n\n";
    for (const std::string& note : summary.not_ok) out += "- " + escape(note) + "\n";
    out += "\n";
  }
}

}  // namespace

std::string to_markdown_comparison(const Comparison& comparison, const std::string& title) {
  std::string out = fmt::format("# {}\n\n", escape(title.empty() ? std::string("contend report") : title));
  ReportSummary summary;
  summary.before_after = comparison;
  append_summary(out, summary);
  return out;
}

std::string to_markdown_report(const std::vector<LabeledResults>& inputs, const std::string& title) {
  std::string out = fmt::format("# {}\n\n{}\n\n", escape(title.empty() ? std::string("contend report") : title),
                                escape(report_lede(inputs, false)));
  const std::vector<Scenario> scenarios = group_scenarios(inputs);
  append_summary(out, summarize_report(inputs, scenarios));
  for (const Scenario& scenario : scenarios) {
    out += fmt::format("## {}\n\n{}\n\n", escape(scenario.name), escape(scenario_description(scenario)));
    for (ChartKind kind : kChartKinds) {
      if (const auto table = figure_table(scenario, kind)) {
        append_table(out, *table);
      } else {
        out += escape(no_latency_reason(scenario)) + "\n\n";
      }
    }
    const std::vector<std::string> notes = scenario_notes(scenario);
    for (const std::string& note : notes) out += "- " + escape(note) + "\n";
    if (!notes.empty()) out += "\n";
  }
  out += "## Environment\n\n";
  std::vector<std::string> labels;
  for (const LabeledResults& input : inputs) labels.push_back(input.label);
  append_row(out, "", labels);
  out += "| :--- |";
  for (std::size_t i = 0; i < inputs.size(); ++i) out += " :--- |";
  out += "\n";
  for (const EnvironmentRow& row : environment_rows(inputs)) append_row(out, row.field, row.values);
  return out;
}

}  // namespace contend

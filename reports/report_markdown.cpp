#include "reports/report_markdown.hpp"

#include <fmt/format.h>

#include <string_view>

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
  out += "| " + escape(first) + " |";
  for (const std::string& cell : cells) out += " " + escape(cell) + " |";
  out += "\n";
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

}  // namespace

std::string to_markdown_report(const std::vector<LabeledResults>& inputs, const std::string& title) {
  std::string out = fmt::format("# {}\n\n{}\n\n", escape(title.empty() ? std::string("contend report") : title),
                                escape(report_lede(inputs, false)));
  for (const Scenario& scenario : group_scenarios(inputs)) {
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

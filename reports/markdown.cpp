#include "reports/markdown.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "reports/table.hpp"

namespace contend {
namespace {

// Backslash-escapes what GitHub would read as markup or as a cell boundary.
std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\|*_`<>[]").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A code span that holds any text: its fence is one backtick longer than the longest run of
// backticks inside it.
std::string code_span(std::string_view text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = longest > 0;
  return fmt::format("{}{}{}{}{}", fence, pad ? " " : "", text, pad ? " " : "", fence);
}

std::string capitalized(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

void append_row(std::string& out, const std::vector<std::string>& cells) {
  out += "|";
  for (const std::string& cell : cells) out += fmt::format(" {} |", escape(cell));
  out += "\n";
}

}  // namespace

std::string to_markdown(const Results& results) {
  std::string out = "## contend results\n\n";

  const std::vector<KnobId> varying = varying_knobs(results);
  std::vector<std::string> header;
  std::string rule = "|";
  for (const SummaryColumn& column : summary_columns(varying)) {
    header.push_back(column.header);
    rule += column.numeric ? " ---: |" : " :--- |";
  }
  append_row(out, header);
  out += rule + "\n";
  for (const ConfigResult& config : results.configs) append_row(out, summary_cells(config, varying));

  std::vector<std::string> notes = summary_notes(results);
  for (std::string& note : measurement_notes(results)) notes.push_back(std::move(note));
  if (!notes.empty()) {
    out += "\n";
    for (const std::string& note : notes) out += "- " + escape(note) + "\n";
  }
  if (const std::string headline = interruption_headline(results); !headline.empty()) {
    out += fmt::format("\n**{}**\n\n", escape(headline));
    for (const std::string& name : configs_with_data(results)) out += fmt::format("- {}\n", code_span(name));
  }
  out += fmt::format("\n{}", escape(summary_legend()));
  if (const std::string reps = repetitions_description(results); !reps.empty()) {
    out += fmt::format(" {}.", escape(capitalized(reps)));
  }
  out += "\n";

  const Environment& env = results.environment;
  out += "\n### Environment\n\n";
  out += fmt::format("- CPU: {} ({} online, {} allowed)\n", escape(env.cpu_model), env.online_cpus,
                     env.allowed_cpus);
  out += fmt::format("- Kernel: {}\n", escape(env.kernel));
  out += fmt::format("- Compiler: {}\n", escape(env.compiler));
  out += fmt::format("- Build: contend {}, {}, git {}\n", escape(env.contend_version),
                     escape(env.build_type), escape(env.git_revision));
  out += fmt::format("- Host: {}, {}, load average {} {} {}\n", escape(env.hostname),
                     escape(env.date_utc), env.load_average[0], env.load_average[1],
                     env.load_average[2]);
  out += fmt::format("- {}\n", escape(capitalized(clock_description(env.clock))));
  for (const std::string& server : env.servers) out += fmt::format("- Server: {}\n", escape(server));
  out += fmt::format("- Command: {}\n", results.command_line.empty()
                                            ? std::string("not recorded")
                                            : code_span(results.command_line));
  return out;
}

}  // namespace contend

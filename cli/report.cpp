// `contend report RESULTS.json...`: one self-contained HTML page with charts (or Markdown
// tables) from one or more result files, overlaid under a label per file.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/choice.hpp"
#include "cli/commands.hpp"
#include "cli/run_options.hpp"
#include "cli/usage_error.hpp"
#include "reports/html_report.hpp"
#include "reports/json.hpp"
#include "reports/output_files.hpp"
#include "reports/report_markdown.hpp"

namespace contend::cli {
namespace {

namespace fs = std::filesystem;

// The path pieces a label is made of, last first: "runs/a/lock/results.json" gives lock, a,
// runs (results.json itself says nothing, as every run writes one); "base.json" gives base.
std::vector<std::string> label_parts(const std::string& input) {
  const fs::path path = fs::weakly_canonical(fs::absolute(fs::path(input)));
  std::vector<std::string> parts;
  if (path.filename() != "results.json") parts.push_back(path.stem().string());
  for (fs::path dir = path.parent_path(); dir.has_relative_path(); dir = dir.parent_path()) {
    parts.push_back(dir.filename().string());
  }
  if (parts.empty()) parts.push_back(input);
  return parts;
}

// Labels from the paths, each as short as it can be and still unique: "lock", then
// "a/lock" and "b/lock" when two files sit in directories of the same name; the same file
// twice becomes "lock" and "lock #2".
std::vector<std::string> default_labels(const std::vector<std::string>& inputs) {
  std::vector<std::vector<std::string>> parts;
  for (const std::string& input : inputs) parts.push_back(label_parts(input));
  std::vector<std::size_t> used(inputs.size(), 1);
  const auto label = [&](std::size_t i) {
    std::string text;
    for (std::size_t k = used[i]; k-- > 0;) text += (text.empty() ? "" : "/") + parts[i][k];
    return text;
  };
  for (bool grew = true; grew;) {
    grew = false;
    std::map<std::string, std::vector<std::size_t>> by_label;
    for (std::size_t i = 0; i < inputs.size(); ++i) by_label[label(i)].push_back(i);
    for (const auto& [text, same] : by_label) {
      if (same.size() < 2) continue;
      for (std::size_t i : same) {
        if (used[i] < parts[i].size()) {
          ++used[i];
          grew = true;
        }
      }
    }
  }
  std::vector<std::string> labels;
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const int n = ++seen[label(i)];
    labels.push_back(n == 1 ? label(i) : fmt::format("{} #{}", label(i), n));
  }
  return labels;
}

std::vector<std::string> chosen_labels(const ReportOptions& o) {
  if (o.labels.empty()) return default_labels(o.inputs);
  if (o.labels.size() != o.inputs.size()) {
    throw UsageError(fmt::format("--label given {} times for {} result files: give one per file, in order, or none",
                                 o.labels.size(), o.inputs.size()));
  }
  std::map<std::string, int> seen;
  for (const std::string& label : o.labels) {
    if (label.empty()) throw UsageError("--label: a label cannot be empty");
    if (++seen[label] > 1) throw UsageError(fmt::format("--label {} is given twice: labels must differ", label));
  }
  return o.labels;
}

std::string read_text(const std::string& input) {
  std::error_code ec;
  if (!fs::exists(input, ec)) throw UsageError(fmt::format("{}: no such file", input));
  if (fs::is_directory(input, ec)) {
    throw UsageError(fmt::format("{}: is a directory (give the results.json in it)", input));
  }
  std::ifstream file(input, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) throw UsageError(fmt::format("{}: cannot be read", input));
  return text.str();
}

Results read_results(const std::string& input) {
  const std::string text = read_text(input);
  try {
    return results_from_json(text);
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{}: {}", input, e.what()));
  }
}

// A verdicts file (compare --format json, ab's DIR/ab.json), or nothing when it is another file.
std::optional<Comparison> read_verdicts(const std::string& input) {
  const std::string text = read_text(input);
  try {
    return comparison_from_json(text);
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{}: {}", input, e.what()));
  }
}

}  // namespace

void setup_report(Command& app, ReportOptions& o) {
  Command cmd = app.subcommand(
      "report", "One self-contained HTML page with charts (or Markdown tables) from one or more result files");
  cmd.option("results", o.inputs,
             "results.json files (as run, suite, micro or ab write them with -o DIR); several are overlaid, two "
             "are a before/after page; or one verdicts file (ab's DIR/ab.json, compare --format json)")
      .required();
  cmd.option("-o,--out", o.output,
                  "The file to write, whole or not at all (written to a temporary name, then renamed); "
                  "without it the report goes to stdout");
  add_choice<ReportFormat>(cmd, "--format", o.format,
                           {{"html", ReportFormat::html}, {"markdown", ReportFormat::markdown}},
                           "html: one page with inline SVG charts, no script, opens offline; markdown: the "
                           "same figures as tables");
  cmd.option("--title", o.title, "The report's heading (default: contend report)");
  cmd.flag("--log-throughput", o.log_throughput,
           "Throughput on a log axis in every chart (by default only where figures span over two decades)");
  cmd.option("--label", o.labels,
             "A name for the next result file's series, once per file in input order (default: the "
             "file's directory, or its name when it is not results.json, made unique)")
      .one_value_each();
  cmd.footer(
      "Per workload: throughput, fairness (Jain's index) and CPU per million operations against workers,\n"
      "the latency percentile spectrum at the highest worker count, a table of the figures under each\n"
      "chart, and the environment of each file. Series are 'label: primitive (mode)'.\n\n"
      "Examples:\n"
      "  contend report results/lock/results.json -o report.html\n"
      "  contend report before/results.json after/results.json -o diff.html   # labelled before, after\n"
      "  contend report a.json b.json --label 'EPYC 2c' --label 'Xeon 16c' --title 'Locks on two machines' -o r.html\n"
      "  contend report results/queue/results.json --format markdown > report.md\n"
      "  contend report ab-out/ab.json -o ab.html      # the verdicts of `contend ab -o ab-out`");
}

static void write_or_print(const ReportOptions& o, const std::string& text) {
  if (o.output.empty()) {
    std::cout << text << std::flush;
  } else {
    write_file_atomically(o.output, text);
  }
}

int run_report(const ReportOptions& o) {
  // One verdicts file: its before/after page.
  if (o.inputs.size() == 1) {
    if (const std::optional<Comparison> verdicts = read_verdicts(o.inputs.front())) {
      if (!o.output.empty()) prepare_out_file(o.output);
      write_or_print(o, o.format == ReportFormat::html ? to_html_comparison_page(*verdicts, o.title)
                                                       : to_markdown_comparison(*verdicts, o.title));
      return kExitOk;
    }
  }
  const std::vector<std::string> labels = chosen_labels(o);
  std::vector<LabeledResults> inputs;
  for (std::size_t i = 0; i < o.inputs.size(); ++i) inputs.push_back({labels[i], read_results(o.inputs[i])});
  if (!o.output.empty()) prepare_out_file(o.output);
  const std::string text =
      o.format == ReportFormat::html ? to_html_report(inputs, o.title, {.log_throughput = o.log_throughput})
                                     : to_markdown_report(inputs, o.title);
  write_or_print(o, text);
  return kExitOk;
}

}  // namespace contend::cli

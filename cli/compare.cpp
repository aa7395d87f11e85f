// `contend compare BASE.json NEW.json`: the CI performance gate over two result files.
// The statistics and verdict rules live in reports/compare.hpp; this file reads the files,
// checks the options and maps the verdicts to an exit code (3 when anything regressed).
#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/baselines.hpp"
#include "cli/choice.hpp"
#include "cli/commands.hpp"
#include "cli/usage_error.hpp"
#include "reports/compare.hpp"

namespace contend::cli {

namespace {

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot read the file (does it exist?)", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ComparisonInput read_input(const std::string& path, CompareMetric metric) {
  const std::string text = read_whole_file(path);
  try {
    return comparison_input_from_json(text, metric, path);
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace

void add_verdict_options(Command& cmd, VerdictOptions& o) {
  cmd.option("--metric", o.metric, "The figure to judge: throughput (default), p50, p99, p999 or cpu-per-op")
      .one_of({"throughput", "p50", "p99", "p999", "cpu-per-op"});
  cmd.option("--alpha", o.alpha,
             "Family-wise significance level, corrected (Holm) for the number of configurations compared")
      .range(1e-9, 0.5);
  cmd.option("--threshold", o.threshold,
             "The smallest change that counts, in percent: 'regressed' needs the whole 95% interval past it");
  cmd.flag("--allow-missing", o.allow_missing,
           "Pass without the configurations new lacks or did not measure, and with an incomplete new "
           "(otherwise the gate is inconclusive, exit 4)");
  cmd.flag("--allow-noisy", o.allow_noisy,
           "Pass without the configurations too noisy to judge (otherwise the gate is inconclusive, exit 4)");
  add_choice<CompareFormat>(
      cmd, "--format", o.format,
      {{"table", CompareFormat::table}, {"markdown", CompareFormat::markdown}, {"json", CompareFormat::json}},
      "Output: table (default), markdown (for $GITHUB_STEP_SUMMARY) or json");
}

CompareSettings verdict_settings(const VerdictOptions& o) {
  CompareSettings settings;
  settings.metric = *compare_metric_from_string(o.metric);  // CLI11 checked the name
  settings.alpha = o.alpha;
  settings.allow_missing = o.allow_missing;
  settings.allow_noisy = o.allow_noisy;
  std::string_view text = o.threshold;
  if (!text.empty() && text.back() == '%') text.remove_suffix(1);
  double percent = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), percent);
  if (error != std::errc{} || end != text.data() + text.size() || !(percent >= 0) || !(percent < 100)) {
    throw UsageError(fmt::format("--threshold: expected a percentage of at least 0 and below 100 such as 5% or 2.5, not '{}'",
                                 o.threshold));
  }
  settings.threshold = percent / 100.0;
  return settings;
}

int print_comparison(const Comparison& comparison, CompareFormat format) {
  switch (format) {
    case CompareFormat::table: std::cout << to_compare_table(comparison); break;
    case CompareFormat::markdown: std::cout << to_compare_markdown(comparison); break;
    case CompareFormat::json: std::cout << to_compare_json(comparison); break;
  }
  std::cout << std::flush;
  return gate_exit_code(comparison.gate.decision);
}

void setup_compare(Command& app, CompareOptions& o) {
  Command cmd = app.subcommand(
      "compare", "Compare two result files configuration by configuration: the CI performance gate (exit 3 on a regression)");
  cmd.option("BASE NEW", o.files,
             "BASE: results of the baseline, contend JSON or Google Benchmark JSON (or --baseline NAME instead); "
             "NEW: results to judge against it, matched by configuration name")
      .required()
      .type_name("FILE");
  cmd.option("--baseline", o.baseline,
             "Judge NEW against the baseline saved under this name by 'run' or 'suite' --save-baseline")
      .type_name("NAME");
  add_verdict_options(cmd, o.verdict);
  cmd.footer(
      "Verdicts: regressed / improved (Holm-adjusted Mann-Whitney p < alpha AND the whole 95% interval of\n"
      "the change past the threshold), unchanged (the interval within +-threshold), noisy (neither can be\n"
      "said; the reason is printed), missing (in one file only, or not measured: a crash, hang, timeout or\n"
      "violation in any repetition is reported, not judged).\n"
      "The gate: regressed (exit 3) when any configuration regressed; failed (exit 1) when one failed in\n"
      "NEW; inconclusive (exit 4) when nothing was judged, when NEW is incomplete or lacks a configuration\n"
      "of BASE (unless --allow-missing), or when one is noisy (unless --allow-noisy); else pass (exit 0).\n"
      "Bad input: exit 2. The last line says what the gate decided and why.\n\n"
      "With 5 repetitions a side, p cannot go below 0.0079: to gate many configurations at alpha 0.01,\n"
      "use more repetitions (-r 10) or fewer configurations; 'noisy' says how many are needed.\n"
      "On shared CI runners prefer 'contend ab', which runs both variants interleaved on one machine.\n\n"
      "Examples:\n"
      "  contend compare base/results.json new/results.json\n"
      "  contend run lock -p ttas -r 10 --save-baseline main   # later, on the branch:\n"
      "  contend run lock -p ttas -r 10 -o new && contend compare --baseline main new/results.json\n"
      "  contend compare base.json new.json --metric p99 --threshold 10%\n"
      "  contend compare base.json new.json --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n"
      "  contend compare gbench-old.json gbench-new.json   # Google Benchmark's own JSON");
}

int run_compare(const CompareOptions& o) {
  const CompareSettings settings = verdict_settings(o.verdict);
  const std::size_t expected = o.baseline.empty() ? 2 : 1;
  if (o.files.size() != expected) {
    throw UsageError(o.baseline.empty()
                         ? fmt::format("compare takes two files, BASE and NEW, not {} (or --baseline NAME and NEW)",
                                       o.files.size())
                         : fmt::format("with --baseline {}, compare takes one file, NEW, not {}", o.baseline,
                                       o.files.size()));
  }
  const std::string base_file = o.baseline.empty() ? o.files[0] : baseline_results(o.baseline);
  const ComparisonInput base = read_input(base_file, settings.metric);
  const ComparisonInput current = read_input(o.files.back(), settings.metric);
  return print_comparison(compare(base, current, settings), o.verdict.format);
}

}  // namespace contend::cli

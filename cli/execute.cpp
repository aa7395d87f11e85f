#include "cli/execute.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <iostream>

#include "reports/csv.hpp"
#include "reports/json.hpp"
#include "reports/markdown.hpp"
#include "reports/output_files.hpp"
#include "reports/table.hpp"

namespace contend::cli {

ProgressCallback progress_printer(std::string_view label) {
  if (!isatty(STDERR_FILENO)) return {};
  return [label = std::string(label)](const Progress& p) {
    if (p.spec == nullptr) {
      std::cerr << "\r\033[K" << std::flush;
      return;
    }
    std::string line = fmt::format("\r\033[K[{}/{}] {}{}", p.done + 1, p.total, label, config_name(*p.spec));
    if (p.spec->repetitions > 1) line += fmt::format(" (repetition {}/{})", p.repetition + 1, p.spec->repetitions);
    std::cerr << line << std::flush;
  };
}

int exit_code_for(const Results& results) {
  if (!results.complete) return 128 + (interrupt_signal() != 0 ? interrupt_signal() : 2);
  for (const ConfigResult& c : results.configs) {
    if (c.status() != Status::ok) return kExitFailed;
  }
  return kExitOk;
}

std::string render_results(OutputFormat format, const Results& results) {
  switch (format) {
    case OutputFormat::table: return to_table(results);
    case OutputFormat::csv: return to_csv(results);
    case OutputFormat::json: return to_json(results);
    case OutputFormat::markdown: return to_markdown(results);
  }
  return {};
}

int execute_and_report(PlanOutcome outcome, const Registry& registry, const std::string& out_dir,
                       OutputFormat format, const std::string& command_line, const Presentation& presentation) {
  if (!out_dir.empty()) prepare_out_dir(out_dir);
  for (const std::string& note : outcome.notes) std::cerr << "note: " << note << '\n';
  outcome.plan.command_line = command_line;

  const Calibrations calibrations = calibrate();
  Results results =
      execute_plan(outcome.plan, registry, calibrations, progress_printer(presentation.progress_label));
  if (presentation.annotate) presentation.annotate(results);

  if (!out_dir.empty()) write_results_dir(out_dir, results);
  std::cout << presentation.render(format, results) << std::flush;
  if (!results.complete) {
    std::cerr << fmt::format("contend: interrupted; wrote what was {} (marked incomplete)\n", presentation.measured);
  }
  return presentation.exit_code(results);
}

}  // namespace contend::cli

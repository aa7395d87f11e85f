#include "cli/execute.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <iostream>

#include "cli/progress.hpp"
#include "reports/csv.hpp"
#include "reports/json.hpp"
#include "reports/markdown.hpp"
#include "reports/output_files.hpp"
#include "reports/table.hpp"

namespace contend::cli {

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

int execute_and_report(PlanOutcome outcome, const Registry& registry, const std::vector<std::string>& out_dirs,
                       OutputFormat format, const std::string& command_line, const Presentation& presentation) {
  for (const std::string& dir : out_dirs) prepare_out_dir(dir);
  for (const std::string& note : outcome.notes) std::cerr << "note: " << note << '\n';
  outcome.plan.command_line = command_line;

  if (const std::string line = estimate_line(estimate(outcome.plan.configs)); !line.empty()) {
    std::cerr << "contend: " << line << "; Ctrl-C stops and keeps what was measured\n";
  }
  const Calibrations calibrations = calibrate();
  Results results =
      execute_plan(outcome.plan, registry, calibrations, progress_printer(presentation.progress_label));
  if (presentation.annotate) presentation.annotate(results);

  for (const std::string& dir : out_dirs) write_results_dir(dir, results);
  std::cout << presentation.render(format, results) << std::flush;
  if (!results.complete) {
    std::cerr << fmt::format("contend: interrupted; wrote what was {} (marked incomplete)\n", presentation.measured);
  }
  return presentation.exit_code(results);
}

}  // namespace contend::cli

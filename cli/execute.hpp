#pragma once
// What the subcommands that execute plans share after planning: the progress line on stderr,
// the exit code of what ran, and the whole path from a plan to its files and stdout (run,
// suite and stress read parse -> plan -> execute_and_report). Scheduling itself is the
// executor's (workloads/executor.hpp).
#include <functional>
#include <string>
#include <string_view>

#include "cli/progress.hpp"
#include "cli/run_options.hpp"
#include "workloads/executor.hpp"
#include "workloads/model/result.hpp"

namespace contend::cli {

// Exit codes (DESIGN.md): 0 success; 1 a run failed or a check found a violation; 2 bad usage
// or input; 3 compare's gate found a regression and 4 it could not judge (both from
// gate_exit_code in reports/compare.hpp), 4 also when stress's checks held over too few
// operations to vouch for them; 128 + signal when interrupted.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInconclusive = 4;  // stress: checks held over too few operations

// 128 + the signal when the results are incomplete (interrupted), 1 when a configuration is not
// ok, else 0.
int exit_code_for(const Results& results);

// Stdout in --format: table, csv, json or markdown.
std::string render_results(OutputFormat format, const Results& results);

// How a subcommand shows what its plan gave, where it differs from `contend run`.
struct Presentation {
  std::function<std::string(OutputFormat, const Results&)> render = render_results;
  // Runs on the results before they are written and printed (stress: each failure's
  // reproduce line).
  std::function<void(Results&)> annotate;
  std::string_view progress_label;
  std::string_view measured = "measured";  // "wrote what was measured"
  std::function<int(const Results&)> exit_code = exit_code_for;
};

// Prepares each of `out_dirs` (-o, a saved baseline's), prints the plan's notes, runs it with progress, writes the files
// and prints stdout as `format` asks; returns the presentation's exit code for the results.
int execute_and_report(PlanOutcome outcome, const Registry& registry, const std::vector<std::string>& out_dirs,
                       OutputFormat format, const std::string& command_line, const Presentation& presentation = {});

}  // namespace contend::cli

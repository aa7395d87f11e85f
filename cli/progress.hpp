#pragma once
// What `run` and `suite` (and any subcommand that executes a plan the same way) share around
// execute_plan(): the progress line on stderr, the exit code of a finished plan, and the whole
// path from a plan to its files and its report. Defined in cli/run.cpp.
#include <string>

#include "cli/run_options.hpp"
#include "workloads/executor.hpp"
#include "workloads/model/result.hpp"

namespace contend::cli {

// Prints "[done/total] configuration (repetition r/n)" on one rewritten stderr line when stderr
// is a terminal; an empty callback (silence) otherwise.
ProgressCallback progress_printer();

// 0 when every configuration is ok, 1 when one is not, 128 + signal when interrupted.
int exit_code_for(const Results& results);

// Prepares `out_dir` (if any), prints the plan's notes, runs it with progress, writes the files
// and prints the report in `format`; returns exit_code_for() the results.
int execute_and_report(PlanOutcome outcome, const Registry& registry, const std::string& out_dir,
                       OutputFormat format, const std::string& command_line);

}  // namespace contend::cli

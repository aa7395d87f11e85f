#pragma once
// What `run` and `suite` (and any subcommand that executes a plan the same way) share around
// execute_plan(): the progress line on stderr and the exit code of a finished plan. Defined in
// cli/run.cpp.
#include "workloads/executor.hpp"
#include "workloads/result.hpp"

namespace contend::cli {

// Prints "[done/total] configuration (repetition r/n)" on one rewritten stderr line when stderr
// is a terminal; an empty callback (silence) otherwise.
ProgressCallback progress_printer();

// 0 when every configuration is ok, 1 when one is not, 128 + signal when interrupted.
int exit_code_for(const Results& results);

}  // namespace contend::cli

#pragma once
// Suite files: a named set of `contend run` configurations in TOML (the format is described at
// the top of cli/suite.cpp and in README.md), read once and expanded into one RunPlan. Used by
// `contend suite` and `contend ab`.
#include <string>
#include <vector>

#include "cli/run_options.hpp"
#include "workloads/registry.hpp"

namespace contend::cli {

struct SuiteRun {      // one [[run]] table
  RunOptions options;  // its keys, over the suite's [defaults] and run's own defaults
  int line = 0;        // the line where the table starts, for messages
};

struct Suite {
  std::string path;
  std::string name;
  std::string description;
  std::vector<SuiteRun> runs;
};

// Reads the file and checks its syntax, keys and value types. Throws UsageError "FILE:LINE: ..."
// naming the key and what it accepts.
Suite load_suite(const std::string& path);

// Expands every run into configurations against the registry (cli::build_run_plan) in file
// order, concatenated into one plan. A bad value is reported as "FILE:LINE: <build_run_plan's
// message>"; two runs that give the same configuration name is an error naming both lines.
// notes are prefixed with the file:line too.
PlanOutcome plan_suite(const Suite& suite, const Registry& registry);

}  // namespace contend::cli

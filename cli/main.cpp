// contend: benchmark and stress-test synchronization primitives.
//
// main parses the command line once, dispatches to the chosen subcommand and maps failures to
// exit codes: bad input is one line on stderr and exit 2, before anything is written.
#include <fmt/format.h>

#include <iostream>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/usage_error.hpp"
#include "workloads/build_info.hpp"

namespace {

std::string quoted_command_line(int argc, char** argv) {
  std::string line = "contend";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool plain = arg.find_first_of(" \t\"'$\\;&|<>()*?") == std::string::npos && !arg.empty();
    line += ' ';
    line += plain ? arg : fmt::format("'{}'", arg);
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace contend::cli;
  const auto& build = contend::build_info();
  CommandLine command_line("contend: measure and stress-test synchronization primitives", "contend");
  command_line.version(fmt::format("contend {} (git {}, {})", build.version, build.git_revision, build.build_type));
  command_line.require_subcommand();
  Command app = command_line.root();
  app.footer(
      "Examples:\n"
      "  contend list\n"
      "  contend run lock -p std-mutex,ttas-backoff -w 1,2,4\n"
      "  contend run semaphore --mode both -o results/\n"
      "  contend run queue -p ring,moodycamel --producers 1,2 --consumers 1,2\n"
      "  contend stress lock -p ttas,mcs --perturb\n"
      "  contend micro -p std-mutex,ttas-backoff --benchmark_repetitions=3\n"
      "  contend suite suites/quick.toml -o results/\n"
      "  contend compare base/results.json new/results.json --format markdown\n"
      "  contend ab suites/quick.toml --a-plugin old.so --b-plugin new.so -p my-lock\n"
      "  contend report results/results.json -o report.html\n"
      "Run 'contend SUBCOMMAND --help' for a subcommand's options.");

  ListOptions list_options;
  setup_list(app, list_options);
  RunOptions run_options;
  setup_run(app, run_options);
  run_options.command_line = quoted_command_line(argc, argv);
  StressOptions stress_options;
  setup_stress(app, stress_options);
  stress_options.run.command_line = run_options.command_line;
  MicroOptions micro_options;
  setup_micro(app, micro_options);
  micro_options.command_line = run_options.command_line;
  SuiteOptions suite_options;
  setup_suite(app, suite_options);
  suite_options.command_line = run_options.command_line;
  CompareOptions compare_options;
  setup_compare(app, compare_options);
  AbOptions ab_options;
  setup_ab(app, ab_options);
  ab_options.command_line = run_options.command_line;
  ReportOptions report_options;
  setup_report(app, report_options);

  if (const std::optional<int> done = command_line.parse(argc, argv)) return *done;

  try {
    if (command_line.got("list")) return run_list(list_options);
    if (command_line.got("run")) return run_run(run_options);
    if (command_line.got("stress")) return run_stress(stress_options);
    if (command_line.got("micro")) {
      micro_options.benchmark_args = command_line.remaining("micro");
      return run_micro(micro_options);
    }
    if (command_line.got("suite")) return run_suite(suite_options);
    if (command_line.got("compare")) return run_compare(compare_options);
    if (command_line.got("ab")) return run_ab(ab_options);
    if (command_line.got("report")) return run_report(report_options);
  } catch (const UsageError& e) {
    std::cerr << "contend: " << e.what() << " (" << command_line.help_pointer() << ")\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "contend: error: " << e.what() << '\n';
    return kExitFailed;
  }
  return kExitUsage;
}

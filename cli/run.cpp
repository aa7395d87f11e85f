// `contend run <workload>`: measure primitives and report throughput, latency, fairness and
// CPU cost.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/plugins.hpp"
#include "cli/progress.hpp"
#include "reports/csv.hpp"
#include "reports/json.hpp"
#include "reports/markdown.hpp"
#include "reports/output_files.hpp"
#include "reports/table.hpp"
#include "workloads/executor.hpp"

namespace contend::cli {

void setup_run(CLI::App& app, RunOptions& o) {
  auto* cmd = app.add_subcommand("run", "Measure locks, semaphores, reader-writer locks, handoffs (pingpong) or queues");
  add_workload_option(*cmd, [&o](Workload w) { o.workload = w; }, workload_help())->required();
  add_run_options(*cmd, o);
  cmd->footer(
      "Every repetition of every configuration runs in its own child process under a watchdog:\n"
      "a hang or a crash becomes that configuration's status and the rest goes on.\n\n"
      "Examples:\n"
      "  contend run lock                                  # all locks, 1,2,4 threads, 5 x 500ms\n"
      "  contend run lock -p std-mutex,ttas-backoff -w 1,2,4,8 --cs-ns 100 --outside-ns 200\n"
      "  contend run lock -p pthread-mutex --mode both -o results/\n"
      "  contend run semaphore -p posix-sem --permits 2 -w 4 --format json\n"
      "  contend run rw --read-percent 95 -w 4 --cs-ns 200\n"
      "  contend run pingpong -p all --mode both -w 2,4    # round trips between pairs of workers\n"
      "  contend run queue -p ring,moodycamel --producers 1,4 --consumers 1,4 --wait yield\n"
      "  contend run queue -p ring --rate 100000,1000000   # open loop: latency against offered load\n"
      "  contend run pairs -p all -w 1,2,4 --outside-ns 50  # every worker pushes, then pops\n"
      "  contend run lock -p std-mutex -w 1 --sample 0 --ops 10000000\n"
      "  contend run lock --plugin ./libmylock.so -p my-lock,ttas  # a lock of your own (see README)");
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

// Progress goes to stderr only when a person is watching it.
ProgressCallback progress_printer() {
  if (!isatty(STDERR_FILENO)) return {};
  return [](const Progress& p) {
    if (p.spec == nullptr) {
      std::cerr << "\r\033[K" << std::flush;
      return;
    }
    std::cerr << fmt::format("\r\033[K[{}/{}] {} (repetition {}/{})", p.done + 1, p.total,
                             config_name(*p.spec), p.repetition + 1, p.spec->repetitions)
              << std::flush;
  };
}

int exit_code_for(const Results& results) {
  if (!results.complete) return 128 + (interrupt_signal() != 0 ? interrupt_signal() : 2);
  for (const ConfigResult& c : results.configs) {
    if (c.status() != Status::ok) return kExitFailed;
  }
  return kExitOk;
}

int execute_and_report(PlanOutcome outcome, const Registry& registry, const std::string& out_dir,
                       OutputFormat format, const std::string& command_line) {
  if (!out_dir.empty()) prepare_out_dir(out_dir);
  for (const std::string& note : outcome.notes) std::cerr << "note: " << note << '\n';
  outcome.plan.command_line = command_line;

  const Calibrations calibrations = calibrate();
  Results results = execute_plan(outcome.plan, registry, calibrations, progress_printer());

  if (!out_dir.empty()) write_results_dir(out_dir, results);
  std::cout << render_results(format, results) << std::flush;
  if (!results.complete) {
    std::cerr << "contend: interrupted; wrote what was measured (marked incomplete)\n";
  }
  return exit_code_for(results);
}

int run_run(const RunOptions& o) {
  const Registry registry = registry_with_plugins(o.plugins);
  return execute_and_report(build_run_plan(o, registry), registry, o.out_dir, o.format, o.command_line);
}

}  // namespace contend::cli

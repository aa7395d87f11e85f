#pragma once
// One file per subcommand: each has an options struct (with defaults), a setup function that
// binds it to CLI11, and a run function that returns the process exit code.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/execute.hpp"
#include "cli/run_options.hpp"
#include "workloads/model/result.hpp"

namespace contend {
struct Comparison;
struct CompareSettings;
}

namespace contend::cli {


struct ListOptions {
  std::optional<Family> family;
  bool json = false;
  bool show_broken = false;
  std::vector<std::string> plugins;
};
void setup_list(Command& app, ListOptions& options);
int run_list(const ListOptions& options);

void setup_run(Command& app, RunOptions& options);
int run_run(const RunOptions& options);

// `contend stress`: the options of `run` with stress's defaults (the workload table's
// stress_default) and its own knobs (--stall, --perturb). The workload is optional on the
// command line because --self-test takes none.
struct StressOptions {
  RunOptions run = stress_run_options();
  std::optional<Workload> workload;
  bool self_test = false;
  static RunOptions stress_run_options() {
    RunOptions o;
    o.stress = true;
    return o;
  }
};
void setup_stress(Command& app, StressOptions& options);
int run_stress(StressOptions options);


// `contend micro`: Google Benchmark cases over each primitive. Arguments CLI11 does not know
// stay in the subcommand's remaining(); the --benchmark_* ones go to Google Benchmark.
struct MicroOptions {
  std::string primitives = "all";
  std::optional<Family> family;        // none: lock, semaphore and rw
  int threads_max = 0;                 // 0: twice the hardware threads
  std::string out_dir;                 // empty: no files
  std::optional<OutputFormat> format;  // none: only Google Benchmark's own output
  std::vector<std::string> plugins;    // --plugin paths, in the order given
  std::string command_line;            // as typed; set by main, recorded in the results
  // What the command line had that micro's options are not: Google Benchmark's flags (checked
  // by run_micro). Set by main after parsing.
  std::vector<std::string> benchmark_args;
};
void setup_micro(Command& app, MicroOptions& options);
int run_micro(const MicroOptions& options);

// `contend suite FILE.toml`: a named set of configurations read from a TOML file (cli/suite.hpp),
// run as one plan.
struct SuiteOptions {
  std::string file;
  std::string out_dir;  // empty: no files
  std::string save_baseline;  // --save-baseline NAME (cli/baselines.hpp); empty: none
  OutputFormat format = OutputFormat::table;
  std::vector<std::string> plugins;  // --plugin paths, in the order given
  std::string command_line;          // as typed; set by main, recorded in the results
};
void setup_suite(Command& app, SuiteOptions& options);
int run_suite(const SuiteOptions& options);

// `contend compare BASE.json NEW.json`: verdicts per configuration (reports/compare.hpp).
enum class CompareFormat { table, markdown, json };
// The options compare and ab share: what to judge, how strictly, and how to print it.
struct VerdictOptions {
  std::string metric = "throughput";
  double alpha = 0.01;
  std::string threshold = "5%";
  bool allow_missing = false;
  bool allow_noisy = false;
  CompareFormat format = CompareFormat::table;
};
// Binds --metric, --alpha, --threshold, --allow-missing, --allow-noisy and --format;
void add_verdict_options(Command& command, VerdictOptions& options);
// the settings they give (throws UsageError naming a bad value);
CompareSettings verdict_settings(const VerdictOptions& options);
// and prints a comparison as --format asks, returning the gate's exit code (gate_exit_code).
int print_comparison(const Comparison& comparison, CompareFormat format);

struct CompareOptions {
  std::vector<std::string> files;  // BASE NEW, or NEW alone with --baseline
  std::string baseline;            // --baseline NAME: BASE is that saved baseline's results
  VerdictOptions verdict;
};
void setup_compare(Command& app, CompareOptions& options);
int run_compare(const CompareOptions& options);

// `contend ab SUITE.toml`: two variants over a suite, interleaved A, B, B, A on this machine,
// then compare's verdicts.
struct AbOptions {
  std::string suite_file;
  std::string a_primitive;  // --a; empty: --primitive
  std::string b_primitive;  // --b; empty: --primitive
  std::string primitive;    // -p: the name both plugin libraries export
  std::vector<std::string> a_plugins;
  std::vector<std::string> b_plugins;
  std::vector<std::string> plugins;  // loaded for both
  int repetitions = 0;               // per variant; 0: 10 (the suite's own count is ignored)
  VerdictOptions verdict;
  std::string out_dir;       // empty: no files
  std::string command_line;  // as typed
};
void setup_ab(Command& app, AbOptions& options);
int run_ab(const AbOptions& options);

// `contend report RESULTS.json... -o report.html`: one self-contained page (or Markdown) that
// overlays several result files.
enum class ReportFormat { html, markdown };
struct ReportOptions {
  std::vector<std::string> inputs;
  std::string output;  // -o; empty: stdout
  ReportFormat format = ReportFormat::html;
  std::string title;
  std::vector<std::string> labels;  // --label, one per input in input order; empty: from the paths
  bool log_throughput = false;       // --log-throughput
};
void setup_report(Command& app, ReportOptions& options);
int run_report(const ReportOptions& options);

}  // namespace contend::cli

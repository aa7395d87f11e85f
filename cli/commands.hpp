#pragma once
// One file per subcommand: each has an options struct (with defaults), a setup function that
// binds it to CLI11, and a run function that returns the process exit code.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_options.hpp"
#include "workloads/result.hpp"

namespace CLI {
class App;
}

namespace contend::cli {

// Exit codes (DESIGN.md): 0 success; 1 a run failed or a check found a violation; 2 bad usage
// or input; 3 compare found a regression; 128 + signal when interrupted.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct ListOptions {
  std::optional<Family> family;
  bool json = false;
  bool show_broken = false;
  std::vector<std::string> plugins;
};
void setup_list(CLI::App& app, ListOptions& options);
int run_list(const ListOptions& options);

void setup_run(CLI::App& app, RunOptions& options);
int run_run(CLI::App& command, RunOptions& options);

// `contend stress`: the options of `run` with stress's defaults, and its own.
inline constexpr const char* kDefaultStressWorkers = "2,8";
struct StressOptions {
  RunOptions run;
  std::string stall = "2s";
  bool perturb = false;
  bool self_test = false;
  bool seed_given = false;  // set after parsing: a seed the user gave is kept, else a random one
};
void setup_stress(CLI::App& app, StressOptions& options);
int run_stress(CLI::App& command, StressOptions& options);

// Results as `--format` asks for them on stdout (run and micro).
std::string render_results(OutputFormat format, const Results& results);

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
};
void setup_micro(CLI::App& app, MicroOptions& options);
int run_micro(CLI::App& command, MicroOptions& options);

}  // namespace contend::cli

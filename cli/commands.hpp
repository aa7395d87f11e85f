#pragma once
// One file per subcommand: each has an options struct (with defaults), a setup function that
// binds it to CLI11, and a run function that returns the process exit code.
#include <memory>

#include "cli/run_options.hpp"

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
};
void setup_list(CLI::App& app, ListOptions& options);
int run_list(const ListOptions& options);

void setup_run(CLI::App& app, RunOptions& options);
int run_run(CLI::App& command, RunOptions& options);

}  // namespace contend::cli

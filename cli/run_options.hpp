#pragma once
// The options of `contend run`, with every default in one place, and their conversion into a
// typed RunPlan. Durations and lists stay text until build_run_plan() checks them, so that each
// bad value is reported by name with what it accepts.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "workloads/registry.hpp"
#include "workloads/model/spec.hpp"

namespace CLI {
class App;
}

namespace contend::cli {

enum class OutputFormat { table, csv, json, markdown };
enum class ModeChoice { threads, processes, both };

// --workers when it is not given.
inline constexpr const char* kDefaultWorkers = "1,2,4";
inline constexpr const char* kDefaultPingpongWorkers = "2";  // one pair

struct RunOptions {
  Workload workload = Workload::lock;
  std::string primitives = "all";
  std::string workers;  // empty: the workload's default, kDefaultWorkers or kDefaultPingpongWorkers
  ModeChoice mode = ModeChoice::threads;
  std::string duration = "500ms";
  std::uint64_t operations = 0;  // 0: bounded by --duration instead
  std::string warmup = "100ms";
  int repetitions = 5;
  std::uint64_t cs_ns = 0;
  std::uint64_t outside_ns = 0;
  bool outside_scale = false;
  std::uint32_t cs_lines = 1;
  std::uint32_t permits = 2;
  std::uint32_t read_percent = 90;
  std::string producers = "1";   // queue: counts, comma-separated; every pairing with --consumers
  std::string consumers = "1";
  std::uint32_t capacity = 1024;  // queue
  QueueWait wait = QueueWait::spin;
  std::uint64_t consume_ns = 0;
  std::string rate;  // queue: items/s per producer, comma-separated; empty: closed loop
  Pinning pin = Pinning::none;
  std::uint64_t sample_every = 16;
  std::uint64_t seed = 1;
  std::string timeout;  // empty: derived from the run's length
  std::string out_dir;  // empty: no files
  OutputFormat format = OutputFormat::table;
  std::string command_line;  // as typed; set by main, recorded in the results
  std::vector<std::string> plugins;  // --plugin libraries, loaded before the plan is built

  // Which options the user gave explicitly, for checks of options that do not apply.
  bool duration_given = false;
  bool cs_ns_given = false;
  bool outside_ns_given = false;
  bool cs_lines_given = false;
  bool permits_given = false;
  bool read_percent_given = false;
  bool workers_given = false;
  // The queue's own options, refused by the other workloads.
  bool producers_given = false;
  bool consumers_given = false;
  bool capacity_given = false;
  bool wait_given = false;
  bool consume_ns_given = false;
  bool rate_given = false;
};

inline constexpr int kMaxWorkers = 512;
inline constexpr std::uint32_t kMaxQueueCapacity = 1u << 24;

// Binds the options to a `run` (or `stress`) subcommand. `stress --self-test` takes no workload,
// so stress checks for it itself.
void add_run_options(CLI::App& command, RunOptions& options, bool workload_required = true);
// Records which options were given (call after parsing).
void note_given_options(const CLI::App& command, RunOptions& options);

struct PlanOutcome {
  RunPlan plan;
  std::vector<std::string> notes;  // what was left out and why, for stderr
};

// Checks the options against the registry and expands them into configurations, in the order
// primitive, mode, workers. Throws UsageError.
PlanOutcome build_run_plan(const RunOptions& options, const Registry& registry);

// Makes sure --out can be written before anything runs: creates the directory (and parents)
// and probes it with a temporary file. Throws UsageError.
void prepare_out_dir(const std::string& out_dir);

}  // namespace contend::cli

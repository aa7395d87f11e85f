#pragma once
// The options of `contend run` and `contend stress` (and of each [[run]] of a suite file, which
// produces the same struct): the workload, the knobs the user gave, parsed and checked while the
// command line or the file is read, and where the results go. build_run_plan() turns them into
// a typed RunPlan. What each knob is, its default and which workloads take it is the workload
// table's (workloads/model/knobs.hpp); nothing here repeats it.
#include <array>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_line.hpp"
#include "workloads/model/knobs.hpp"
#include "workloads/model/spec.hpp"
#include "workloads/registry.hpp"

namespace contend::cli {

enum class OutputFormat { table, csv, json, markdown };

// The index of --mode's "both" among its choices (threads and processes are Mode's values).
inline constexpr std::int64_t kModeBoth = 2;

// What the user gave for each knob, typed; a knob not given has no value (its default comes
// from the table when the plan is built).
class KnobSettings {
 public:
  bool given(KnobId id) const { return values_[index(id)].has_value(); }
  const std::vector<KnobValue>& values(KnobId id) const { return *values_[index(id)]; }
  // Gives the knob these values; a knob that excludes another (--ops, --duration) takes the
  // other's place, as a later line of a suite overrides an earlier one.
  void set(KnobId id, std::vector<KnobValue> values);
  void clear(KnobId id) { values_[index(id)].reset(); }

 private:
  static std::size_t index(KnobId id) { return static_cast<std::size_t>(id); }
  std::array<std::optional<std::vector<KnobValue>>, kKnobCount> values_{};
};

struct RunOptions {
  Workload workload = Workload::lock;
  bool stress = false;  // `contend stress`: its defaults and its own knobs (--stall, --perturb)
  KnobSettings knobs;
  std::string out_dir;  // empty: no files
  std::string save_baseline;  // `run --save-baseline NAME`: also write under cli/baselines.hpp's folder
  OutputFormat format = OutputFormat::table;
  std::vector<std::string> plugins;  // --plugin libraries, loaded before the plan is built
  std::string redis;                 // --redis HOST:PORT[,...]: where backend primitives live
  std::string postgres;              // --pg CONNINFO: where the ones kept in PostgreSQL live
  std::string amqp;                  // --amqp URL: where the queue kept in RabbitMQ lives
  std::string command_line;          // as typed; set by main, recorded in the results
};

// Binds the workload positional of `run` or `stress`: `take` gets the workload named. An unknown
// name is refused with the workloads the subcommand takes (`stress`: those it has checks for).
Option add_workload_option(Command& command, std::function<void(Workload)> take, const std::string& help,
                           bool stress = false);
// "What to measure: lock, semaphore, rw (reader-writer locks), ...", from the table.
std::string workload_help();

// Binds every knob of the table that `options.stress` takes, --plugin, --out and --format to a
// subcommand. Each knob's text is parsed and checked as it is read: a bad value fails the
// parse, with one line.
void add_run_options(Command& command, RunOptions& options);

// Sets a knob from the command line's text, as the option would ("workers", "2,4"). For code that
// builds options without a command line (tests, `contend ab`). Throws UsageError.
void set_option(RunOptions& options, std::string_view knob_name, std::string_view text);

struct PlanOutcome {
  RunPlan plan;
  std::vector<std::string> notes;  // what was left out and why, for stderr
};

// Checks the options against the workload table and the registry and expands them into
// configurations: for each primitive, each mode, every combination of the sweeps' values (in
// table order). Throws UsageError naming the option and what it accepts.
PlanOutcome build_run_plan(const RunOptions& options, const Registry& registry);

// Makes sure --out can be written before anything runs: creates the directory (and parents)
// and probes it with a temporary file. Throws UsageError.
void prepare_out_dir(const std::string& out_dir);
// The same for a file --out (report): not a directory, its parent made and writable.
void prepare_out_file(const std::string& file);

}  // namespace contend::cli

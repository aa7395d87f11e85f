// `contend suite FILE.toml`: runs a named set of configurations read from a TOML file as one
// plan, and reports it as `contend run` does.
//
// The file (README.md, "contend suite", has a longer example):
//
//   name = "quick"                         # required: a non-empty string
//   description = "the default demo"       # optional
//   [defaults]                             # optional: keys every [[run]] starts from
//   duration = "80ms"
//   repetitions = 5
//   [[run]]                                # one or more, run in file order
//   workload = "lock"                      # required in every [[run]], refused in [defaults]
//   primitive = ["std-mutex", "ttas"]      # or "std-mutex,ttas", or "all"
//   workers = [1, 2, 4]                    # or "1,2,4", or 4
//   mode = "both"
//
// The keys of [defaults] and [[run]] are the long options of `contend run` without the dashes
// (kRunKeys below; note `primitive`, singular, as on the command line), leaving out the ones
// about output (out, format, plugin), which belong to the `contend suite` command line. Lists are
// TOML arrays or the command line's comma strings; durations are strings ("120ms"); numbers are
// integers; outside-scale is a boolean; workload, mode, wait and pin are their names.
//
// A run's options are `contend run`'s defaults (RunOptions), then [defaults], then the run's own
// keys. [defaults] are shared by runs of different workloads, so a default is applied to a run
// only when its option applies to the run's workload (permits to semaphore runs, producers to
// queue runs, workers to all but queue runs, ...; applies_to() below) and skipped otherwise. The
// same key written in a [[run]] whose workload it does not apply to is refused, exactly as
// `contend run` refuses the option, because there it can only be a mistake.
//
// What is checked when (every error is one line, "FILE:LINE: ...", and exit 2 before anything
// runs or is written):
// - load_suite(), with the line of the key: TOML syntax (with the column too), unknown keys,
//   value types, the ranges `contend run` checks while parsing its options, and durations.
// - plan_suite(), with the line of the [[run]]: everything build_run_plan() checks (primitive
//   names, worker lists, options that do not apply to the workload, ...), and that no two runs
//   make the same configuration: a configuration's name is what `compare` matches results on,
//   so it must be unique within a plan.
#include "cli/suite.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>
#include <utility>

#include "cli/choice.hpp"
#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "cli/plugins.hpp"
#include "cli/progress.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {

void setup_suite(CLI::App& app, SuiteOptions& o) {
  auto* cmd = app.add_subcommand("suite", "Run a named set of configurations read from a TOML suite file");
  cmd->add_option("file", o.file, "The suite file (TOML; see README.md, \"contend suite\")")
      ->required()
      ->type_name("FILE.toml");
  cmd->add_option("-o,--out", o.out_dir, "Write results.csv, results.json and .hgrm files to this directory");
  add_choice<OutputFormat>(*cmd, "--format", o.format,
                           {{"table", OutputFormat::table},
                            {"csv", OutputFormat::csv},
                            {"json", OutputFormat::json},
                            {"markdown", OutputFormat::markdown}},
                           "What to print on stdout: table, csv, json or markdown");
  cmd->add_option("--plugin", o.plugins, kPluginHelp)->allow_extra_args(false)->type_name("PATH");
  cmd->footer(
      "A suite file has a name, optional [defaults] and one [[run]] table per `contend run`; their keys\n"
      "are the long options of `contend run` without the dashes:\n\n"
      "  name = \"locks\"\n"
      "  [defaults]\n"
      "  duration = \"80ms\"\n"
      "  repetitions = 5\n"
      "  [[run]]\n"
      "  workload = \"lock\"\n"
      "  primitive = [\"std-mutex\", \"ttas\"]\n"
      "  workers = [1, 2, 4]\n\n"
      "All runs form one plan: repetitions are interleaved across every configuration of the suite.\n\n"
      "Examples:\n"
      "  contend suite suites/quick.toml                    # the default demo, about a minute on 2 cores\n"
      "  contend suite suites/quick.toml -o results/        # also write results.csv, results.json, .hgrm\n"
      "  contend suite suites/full.toml --format markdown\n"
      "  contend suite my.toml --plugin ./libmylock.so      # a suite that names a plugin's primitives");
}

int run_suite(const SuiteOptions& o) {
  const Suite suite = load_suite(o.file);
  const Registry registry = registry_with_plugins(o.plugins);
  return execute_and_report(plan_suite(suite, registry), registry, o.out_dir, o.format, o.command_line);
}

namespace {

// The keys of [defaults] and [[run]]: `contend run`'s long options without the output ones.
constexpr std::array<std::string_view, 24> kRunKeys = {
    "workload",  "primitive", "workers",   "mode",       "duration", "ops",          "warmup",
    "repetitions", "cs-ns",   "outside-ns", "outside-scale", "cs-lines", "permits", "read-percent",
    "producers", "consumers", "capacity",  "wait",       "consume-ns", "rate",       "pin",
    "sample",    "seed",      "timeout"};

// Whether a [defaults] key applies to a run of `workload`: the same rules build_run_plan()
// enforces for options given explicitly (tests/suite_gtest.cpp checks that the two agree).
bool applies_to(std::string_view key, Workload workload) {
  using enum Workload;
  if (key == "workers") return workload != queue;
  if (key == "cs-ns") return workload == lock || workload == semaphore || workload == rw;
  if (key == "outside-ns" || key == "outside-scale") {
    return workload == lock || workload == semaphore || workload == rw || workload == pairs;
  }
  if (key == "cs-lines") return workload == lock || workload == rw;
  if (key == "permits") return workload == semaphore;
  if (key == "read-percent") return workload == rw;
  if (key == "producers" || key == "consumers" || key == "consume-ns" || key == "rate") return workload == queue;
  if (key == "capacity" || key == "wait") return workload == queue || workload == pairs;
  return true;
}

std::string accepted_keys(bool with_workload) {
  std::string names;
  for (std::string_view key : kRunKeys) {
    if (key == "workload" && !with_workload) continue;
    if (!names.empty()) names += ", ";
    names += key;
  }
  return names;
}

int line_of(const toml::source_region& source) { return static_cast<int>(source.begin.line); }

// "a string", "an integer", ...: what a value is, for "must be X, not Y".
std::string_view type_phrase(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// One key of a table, where it is, and its value.
struct Entry {
  std::string key;
  int line = 0;
  const toml::node* value = nullptr;
};

// The table's keys in the order they are written, so that the first error reported is the
// first in the file (toml::table itself orders its keys by name).
std::vector<Entry> entries_in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (const auto& [key, value] : table) {
    const int key_line = line_of(key.source());
    entries.push_back({std::string(key.str()), key_line > 0 ? key_line : line_of(value.source()), &value});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.line < b.line; });
  return entries;
}

// Reads values for one key and reports "FILE:LINE: key 'K' must be ACCEPTS, not WHAT".
class KeyReader {
 public:
  KeyReader(const std::string& path, const Entry& entry) : path_(path), entry_(entry) {}

  [[noreturn]] void fail(std::string_view accepts, std::string_view what) const {
    throw UsageError(fmt::format("{}:{}: key '{}' must be {}, not {}", path_, entry_.line, entry_.key, accepts, what));
  }

  std::int64_t integer(std::int64_t min, std::int64_t max) const {
    const std::string accepts = fmt::format("an integer from {} to {}", min, max);
    const toml::value<std::int64_t>* v = entry_.value->as_integer();
    if (v == nullptr) fail(accepts, type_phrase(*entry_.value));
    if (v->get() < min || v->get() > max) fail(accepts, std::to_string(v->get()));
    return v->get();
  }

  bool boolean() const {
    const toml::value<bool>* v = entry_.value->as_boolean();
    if (v == nullptr) fail("a boolean (true or false)", type_phrase(*entry_.value));
    return v->get();
  }

  // A duration is checked here, where the key's line is known, rather than by build_run_plan.
  std::string duration() const {
    const toml::value<std::string>* v = entry_.value->as_string();
    if (v == nullptr) fail("a duration string like \"500ms\" or \"2s\"", type_phrase(*entry_.value));
    parse_duration_ns(fmt::format("{}:{}: key '{}'", path_, entry_.line, entry_.key), v->get());
    return v->get();
  }

  // Counts as the command line's comma string: build_run_plan checks their values.
  std::string integer_list() const {
    constexpr std::string_view accepts = "an integer, an array of integers or a string like \"1,2,4\"";
    if (const auto* s = entry_.value->as_string()) return s->get();
    if (const auto* i = entry_.value->as_integer()) return std::to_string(i->get());
    const toml::array* array = entry_.value->as_array();
    if (array == nullptr) fail(accepts, type_phrase(*entry_.value));
    if (array->empty()) fail(accepts, "an empty array");
    std::string text;
    for (const toml::node& item : *array) {
      const auto* i = item.as_integer();
      if (i == nullptr) fail(accepts, fmt::format("an array holding {}", type_phrase(item)));
      text += (text.empty() ? "" : ",") + std::to_string(i->get());
    }
    return text;
  }

  // Names as the command line's comma string: build_run_plan looks them up.
  std::string name_list() const {
    constexpr std::string_view accepts =
        "a string (names separated by commas, or \"all\") or an array of strings";
    if (const auto* s = entry_.value->as_string()) return s->get();
    const toml::array* array = entry_.value->as_array();
    if (array == nullptr) fail(accepts, type_phrase(*entry_.value));
    if (array->empty()) fail(accepts, "an empty array");
    std::string text;
    for (const toml::node& item : *array) {
      const auto* s = item.as_string();
      if (s == nullptr) fail(accepts, fmt::format("an array holding {}", type_phrase(item)));
      text += (text.empty() ? "" : ",") + s->get();
    }
    return text;
  }

  template <class E>
  E choice(const Choices<E>& choices) const {
    std::string accepts;
    for (std::size_t i = 0; i < choices.size(); ++i) {
      accepts += fmt::format("{}\"{}\"", i == 0 ? "" : (i + 1 == choices.size() ? " or " : ", "), choices[i].first);
    }
    const toml::value<std::string>* v = entry_.value->as_string();
    if (v == nullptr) fail(accepts, type_phrase(*entry_.value));
    for (const auto& [name, value] : choices) {
      if (name == v->get()) return value;
    }
    fail(accepts, fmt::format("\"{}\"", v->get()));
  }

 private:
  const std::string& path_;
  const Entry& entry_;
};

const Choices<Workload> kWorkloads = {{"lock", Workload::lock},         {"semaphore", Workload::semaphore},
                                      {"rw", Workload::rw},             {"pingpong", Workload::pingpong},
                                      {"queue", Workload::queue},       {"pairs", Workload::pairs}};

// Sets the option of one key, with the *_given flag `contend run` would set for it, so that
// build_run_plan() treats it the same. The ranges are the ones add_run_options() checks.
void apply_key(RunOptions& o, const std::string& path, const Entry& e) {
  const KeyReader read(path, e);
  constexpr std::int64_t kMaxNs = 1'000'000'000;
  const std::string& k = e.key;
  if (k == "workload") {
    o.workload = read.choice(kWorkloads);
  } else if (k == "primitive") {
    o.primitives = read.name_list();
  } else if (k == "workers") {
    o.workers = read.integer_list();
    o.workers_given = true;
  } else if (k == "mode") {
    o.mode = read.choice<ModeChoice>(
        {{"threads", ModeChoice::threads}, {"processes", ModeChoice::processes}, {"both", ModeChoice::both}});
  } else if (k == "duration") {
    o.duration = read.duration();
    o.duration_given = true;
    o.operations = 0;  // a run's duration overrides an operation count from [defaults]
  } else if (k == "ops") {
    o.operations = static_cast<std::uint64_t>(read.integer(1, std::int64_t{1} << 50));
  } else if (k == "warmup") {
    o.warmup = read.duration();
  } else if (k == "repetitions") {
    o.repetitions = static_cast<int>(read.integer(1, 1000));
  } else if (k == "cs-ns") {
    o.cs_ns = static_cast<std::uint64_t>(read.integer(0, kMaxNs));
    o.cs_ns_given = true;
  } else if (k == "outside-ns") {
    o.outside_ns = static_cast<std::uint64_t>(read.integer(0, kMaxNs));
    o.outside_ns_given = true;
  } else if (k == "outside-scale") {
    o.outside_scale = read.boolean();
  } else if (k == "cs-lines") {
    o.cs_lines = static_cast<std::uint32_t>(read.integer(1, 64));
    o.cs_lines_given = true;
  } else if (k == "permits") {
    o.permits = static_cast<std::uint32_t>(read.integer(1, 1'000'000));
    o.permits_given = true;
  } else if (k == "read-percent") {
    o.read_percent = static_cast<std::uint32_t>(read.integer(0, 100));
    o.read_percent_given = true;
  } else if (k == "producers") {
    o.producers = read.integer_list();
    o.producers_given = true;
  } else if (k == "consumers") {
    o.consumers = read.integer_list();
    o.consumers_given = true;
  } else if (k == "capacity") {
    // build_run_plan checks that it is a power of two in range; here only that it fits.
    o.capacity = static_cast<std::uint32_t>(read.integer(0, UINT32_MAX));
    o.capacity_given = true;
  } else if (k == "wait") {
    o.wait = read.choice<QueueWait>(
        {{"spin", QueueWait::spin}, {"yield", QueueWait::yield}, {"block", QueueWait::block}});
    o.wait_given = true;
  } else if (k == "consume-ns") {
    o.consume_ns = static_cast<std::uint64_t>(read.integer(0, kMaxNs));
    o.consume_ns_given = true;
  } else if (k == "rate") {
    o.rate = read.integer_list();
    o.rate_given = true;
  } else if (k == "pin") {
    o.pin = read.choice<Pinning>(
        {{"none", Pinning::none}, {"compact", Pinning::compact}, {"spread", Pinning::spread}});
  } else if (k == "sample") {
    o.sample_every = static_cast<std::uint64_t>(read.integer(0, kMaxNs));
  } else if (k == "seed") {
    o.seed = static_cast<std::uint64_t>(read.integer(0, INT64_MAX));
  } else if (k == "timeout") {
    o.timeout = read.duration();
  }
}

// Refuses unknown keys (and `workload` in [defaults]) and `ops` with `duration`, as the
// command line refuses --ops with --duration.
void check_run_keys(const std::string& path, const std::vector<Entry>& entries, bool is_defaults) {
  const std::string_view where = is_defaults ? "[defaults]" : "[[run]]";
  const Entry* ops = nullptr;
  const Entry* duration = nullptr;
  for (const Entry& e : entries) {
    if (is_defaults && e.key == "workload") {
      throw UsageError(fmt::format("{}:{}: key 'workload' is not allowed in [defaults]: each [[run]] names its own",
                                   path, e.line));
    }
    if (std::find(kRunKeys.begin(), kRunKeys.end(), e.key) == kRunKeys.end()) {
      throw UsageError(fmt::format("{}:{}: unknown key '{}' in {}; accepted: {}", path, e.line, e.key, where,
                                   accepted_keys(!is_defaults)));
    }
    if (e.key == "ops") ops = &e;
    if (e.key == "duration") duration = &e;
  }
  if (ops != nullptr && duration != nullptr) {
    throw UsageError(fmt::format("{}:{}: keys 'ops' and 'duration' exclude each other in one table: a run is "
                                 "bounded by an operation count or by time",
                                 path, std::max(ops->line, duration->line)));
  }
}

std::string read_whole_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw UsageError(fmt::format("{}: cannot read the suite file: it is a directory", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot read the suite file: {}", path, std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Suite load_suite(const std::string& path) {
  const std::string text = read_whole_file(path);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw UsageError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column,
                                 e.description()));
  }

  Suite suite;
  suite.path = path;
  const toml::table* defaults = nullptr;
  const toml::array* runs = nullptr;
  bool has_name = false;
  for (const Entry& e : entries_in_file_order(root)) {
    if (e.key == "name" || e.key == "description") {
      const auto* s = e.value->as_string();
      if (s == nullptr || (e.key == "name" && s->get().empty())) {
        throw UsageError(fmt::format("{}:{}: key '{}' must be a {}string, not {}", path, e.line, e.key,
                                     e.key == "name" ? "non-empty " : "",
                                     s == nullptr ? type_phrase(*e.value) : "an empty string"));
      }
      (e.key == "name" ? suite.name : suite.description) = s->get();
      has_name = has_name || e.key == "name";
    } else if (e.key == "defaults") {
      defaults = e.value->as_table();
      if (defaults == nullptr) {
        throw UsageError(fmt::format("{}:{}: key 'defaults' must be a table, written [defaults], not {}", path,
                                     e.line, type_phrase(*e.value)));
      }
    } else if (e.key == "run") {
      runs = e.value->as_array();
      const bool all_tables = runs != nullptr && runs->is_array_of_tables();
      if (!all_tables) {
        throw UsageError(fmt::format("{}:{}: key 'run' must be an array of tables, written [[run]], not {}", path,
                                     e.line, type_phrase(*e.value)));
      }
    } else {
      throw UsageError(fmt::format("{}:{}: unknown key '{}' at the top level; accepted: name, description, "
                                   "[defaults], [[run]]",
                                   path, e.line, e.key));
    }
  }
  if (!has_name) {
    throw UsageError(fmt::format("{}: missing key 'name' at the top level (a string naming the suite)", path));
  }
  if (runs == nullptr || runs->empty()) {
    throw UsageError(fmt::format("{}: no [[run]] table; a suite needs at least one", path));
  }

  // The defaults are checked once, against a scratch run, so that a bad one is reported at its
  // own line even when no run uses it.
  std::vector<Entry> default_entries;
  if (defaults != nullptr) {
    default_entries = entries_in_file_order(*defaults);
    check_run_keys(path, default_entries, true);
    RunOptions scratch;
    for (const Entry& e : default_entries) apply_key(scratch, path, e);
  }

  for (const toml::node& node : *runs) {
    const toml::table& table = *node.as_table();
    SuiteRun run;
    run.line = line_of(table.source());
    const std::vector<Entry> entries = entries_in_file_order(table);
    check_run_keys(path, entries, false);
    const auto workload = std::find_if(entries.begin(), entries.end(), [](const Entry& e) { return e.key == "workload"; });
    if (workload == entries.end()) {
      throw UsageError(fmt::format("{}:{}: [[run]] has no key 'workload'; each run names one of: lock, semaphore, "
                                   "rw, pingpong, queue, pairs",
                                   path, run.line));
    }
    apply_key(run.options, path, *workload);
    for (const Entry& e : default_entries) {
      if (applies_to(e.key, run.options.workload)) apply_key(run.options, path, e);
    }
    for (const Entry& e : entries) apply_key(run.options, path, e);
    suite.runs.push_back(std::move(run));
  }
  return suite;
}

PlanOutcome plan_suite(const Suite& suite, const Registry& registry) {
  PlanOutcome all;
  std::map<std::string, int> run_line_of_config;  // configuration name -> line of its [[run]]
  for (const SuiteRun& run : suite.runs) {
    const std::string where = fmt::format("{}:{}: ", suite.path, run.line);
    PlanOutcome one;
    try {
      one = build_run_plan(run.options, registry);
    } catch (const UsageError& e) {
      throw UsageError(where + e.what());
    }
    for (const std::string& note : one.notes) all.notes.push_back(where + note);
    for (const RunSpec& spec : one.plan.configs) {
      const std::string name = config_name(spec);
      const auto [earlier, inserted] = run_line_of_config.emplace(name, run.line);
      if (!inserted) {
        throw UsageError(fmt::format("{}configuration '{}' is also made by the [[run]] at line {}; each "
                                     "configuration may appear once (results are matched by name)",
                                     where, name, earlier->second));
      }
      all.plan.configs.push_back(spec);
    }
  }
  return all;
}

}  // namespace contend::cli

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
// The keys of [defaults] and [[run]] are the knobs of the workload table
// (workloads/model/knobs.hpp), named as `contend run`'s long options without the dashes (note
// `primitive`, singular, as on the command line), and `workload`; the options about output (out,
// format, plugin) belong to the `contend suite` command line. Lists are TOML arrays or the
// command line's comma strings; durations are strings ("120ms"); numbers are integers; flags
// (outside-scale) are booleans; workload, mode, wait and pin are their names.
//
// A run's options are the table's defaults, then [defaults], then the run's own keys, read into
// the same RunOptions the command line fills. [defaults] are shared by runs of different
// workloads, so a default is applied to a run only when the table says its knob applies to the
// run's workload (permits to semaphore runs, producers to queue runs, workers to all but queue
// runs, ...) and skipped otherwise. The same key written in a [[run]] whose workload it does not
// apply to is refused, exactly as `contend run` refuses the option, because there it can only be
// a mistake.
//
// What is checked when (every error is one line, "FILE:LINE: ...", and exit 2 before anything
// runs or is written):
// - load_suite(), with the line of the key: TOML syntax (with the column too), unknown keys,
//   value types, and every value against the knob's range (the checks `contend run` makes
//   while parsing its options).
// - plan_suite(), with the line of the [[run]]: everything build_run_plan() checks (primitive
//   names, worker lists, options that do not apply to the workload, ...), and that no two runs
//   make the same configuration: a configuration's name is what `compare` matches results on,
//   so it must be unique within a plan.
#include "cli/suite.hpp"

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

#include "cli/baselines.hpp"
#include "cli/choice.hpp"
#include "cli/knob_values.hpp"
#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "cli/plugins.hpp"
#include "cli/execute.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {

void setup_suite(Command& app, SuiteOptions& o) {
  Command cmd = app.subcommand("suite", "Run a named set of configurations read from a TOML suite file");
  cmd.option("file", o.file, "The suite file (TOML; see README.md, \"contend suite\")").required().type_name("FILE.toml");
  cmd.option("-o,--out", o.out_dir, "Write results.csv, results.json and .hgrm files to this directory");
  cmd.option("--save-baseline", o.save_baseline,
             "Also keep the results as baseline NAME (./contend-baselines/NAME, or under $CONTEND_BASELINE_DIR), "
             "for 'contend compare --baseline NAME'")
      .type_name("NAME");
  add_choice<OutputFormat>(cmd, "--format", o.format,
                           {{"table", OutputFormat::table},
                            {"csv", OutputFormat::csv},
                            {"json", OutputFormat::json},
                            {"markdown", OutputFormat::markdown}},
                           "What to print on stdout: table, csv, json or markdown");
  cmd.option("--plugin", o.plugins, kPluginHelp).one_value_each().type_name("PATH");
  cmd.footer(
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
      "All runs form one plan: repetitions are interleaved across every configuration of the suite.\n"
      "Exit code: as `contend run`'s: 0 every configuration ok, 1 one failed, 2 bad input (a suite\n"
      "file's mistake names its line), 130 interrupted.\n\n"
      "Examples:\n"
      "  contend suite suites/quick.toml                    # the default demo, about a minute on 2 cores\n"
      "  contend suite suites/quick.toml -o results/        # also write results.csv, results.json, .hgrm\n"
      "  contend suite suites/full.toml --format markdown\n"
      "  contend suite my.toml --plugin ./libmylock.so      # a suite that names a plugin's primitives");
}

int run_suite(const SuiteOptions& o) {
  const Suite suite = load_suite(o.file);
  const Registry registry = registry_with_plugins(o.plugins);
  return execute_and_report(plan_suite(suite, registry), registry, output_dirs(o.out_dir, o.save_baseline), o.format,
                            o.command_line);
}

namespace {

// The keys of [defaults] and [[run]], in the table's order: `workload` (not in [defaults]), then
// every knob of `contend run`.
std::string accepted_keys(bool with_workload) {
  std::string names = with_workload ? "workload" : "";
  for (const Knob& k : knobs()) {
    if (k.stress_only) continue;
    if (!names.empty()) names += ", ";
    names += k.name;
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

// Reads the value of one key as its knob's kind and reports "FILE:LINE: key 'K' must be ACCEPTS,
// not WHAT"; values are then checked as the command line checks them, under the label
// "FILE:LINE: key 'K'".
class KeyReader {
 public:
  KeyReader(const std::string& path, const Entry& entry)
      : path_(path), entry_(entry), label_(fmt::format("{}:{}: key '{}'", path, entry.line, entry.key)) {}

  [[noreturn]] void fail(std::string_view accepts, std::string_view what) const {
    throw UsageError(fmt::format("{}:{}: key '{}' must be {}, not {}", path_, entry_.line, entry_.key, accepts, what));
  }

  std::vector<KnobValue> values(const Knob& k) const {
    switch (k.kind) {
      case KnobKind::names: return parse_knob_text(k, label_, name_list());
      case KnobKind::count:
        if (k.sweep) return parse_knob_text(k, label_, integer_list());
        return {integer(k)};
      case KnobKind::duration: {
        const toml::value<std::string>* v = entry_.value->as_string();
        if (v == nullptr) fail("a duration string like \"500ms\" or \"2s\"", type_phrase(*entry_.value));
        return parse_knob_text(k, label_, v->get());
      }
      case KnobKind::flag: {
        const toml::value<bool>* v = entry_.value->as_boolean();
        if (v == nullptr) fail("a boolean (true or false)", type_phrase(*entry_.value));
        return {std::int64_t{v->get()}};
      }
      case KnobKind::choice:
        // A choice that sweeps (long-transaction) takes an array of them, as names do.
        if (k.sweep) return parse_knob_text(k, label_, name_list());
        return {std::int64_t{choice(k.choices)}};
      case KnobKind::fraction: {
        const std::optional<double> v = entry_.value->value<double>();
        if (!v) fail("a number like 0.8", type_phrase(*entry_.value));
        return parse_knob_text(k, label_, fmt::format("{}", *v));
      }
    }
    return {};
  }

  // The index of the name among `names`.
  std::int64_t choice(const std::vector<std::string_view>& names) const {
    std::string accepts;
    for (std::size_t i = 0; i < names.size(); ++i) {
      accepts += fmt::format("{}\"{}\"", i == 0 ? "" : (i + 1 == names.size() ? " or " : ", "), names[i]);
    }
    const toml::value<std::string>* v = entry_.value->as_string();
    if (v == nullptr) fail(accepts, type_phrase(*entry_.value));
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == v->get()) return static_cast<std::int64_t>(i);
    }
    fail(accepts, fmt::format("\"{}\"", v->get()));
  }

 private:
  KnobValue integer(const Knob& k) const {
    const std::string accepts = accepted_values(k);
    const toml::value<std::int64_t>* v = entry_.value->as_integer();
    if (v == nullptr) fail(accepts, type_phrase(*entry_.value));
    const KnobValue value = v->get();
    try {
      check_knob_value(k, label_, value);
    } catch (const UsageError&) {
      fail(accepts, std::to_string(v->get()));
    }
    return value;
  }

  // Counts as the command line's comma string, so they are checked as the command line's are.
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

  // Names as the command line's comma string: the plan looks them up in the registry.
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

  const std::string& path_;
  const Entry& entry_;
  std::string label_;
};

std::vector<std::string_view> workload_names() {
  std::vector<std::string_view> names;
  for (const WorkloadInfo& w : workloads()) names.push_back(w.name);
  return names;
}

// Sets the option of one key, exactly as the command line's option would.
void apply_key(RunOptions& o, const std::string& path, const Entry& e) {
  const KeyReader read(path, e);
  if (e.key == "workload") {
    o.workload = workloads()[static_cast<std::size_t>(read.choice(workload_names()))].workload;
    return;
  }
  const Knob& k = *find_knob(e.key);  // check_run_keys refused any other key
  o.knobs.set(k.id, read.values(k));
}

// Refuses unknown keys (and `workload` in [defaults]) and two keys that exclude each other (ops
// and duration), as the command line refuses --ops with --duration.
void check_run_keys(const std::string& path, const std::vector<Entry>& entries, bool is_defaults) {
  const std::string_view where = is_defaults ? "[defaults]" : "[[run]]";
  for (const Entry& e : entries) {
    if (is_defaults && e.key == "workload") {
      throw UsageError(fmt::format("{}:{}: key 'workload' is not allowed in [defaults]: each [[run]] names its own",
                                   path, e.line));
    }
    const Knob* k = find_knob(e.key);
    if (e.key != "workload" && (k == nullptr || k->stress_only)) {
      throw UsageError(fmt::format("{}:{}: unknown key '{}' in {}; accepted: {}", path, e.line, e.key, where,
                                   accepted_keys(!is_defaults)));
    }
    if (k == nullptr || !k->excludes) continue;
    for (const Entry& other : entries) {
      if (other.key != knob(*k->excludes).name || other.line < e.line) continue;
      throw UsageError(fmt::format("{}:{}: keys '{}' and '{}' exclude each other in one table: a run is bounded by "
                                   "an operation count or by time",
                                   path, other.line, e.key, other.key));
    }
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
      std::string names;
      for (std::string_view name : workload_names()) names += (names.empty() ? "" : ", ") + std::string(name);
      throw UsageError(fmt::format("{}:{}: [[run]] has no key 'workload'; each run names one of: {}", path, run.line,
                                   names));
    }
    apply_key(run.options, path, *workload);
    for (const Entry& e : default_entries) {
      if (applies(*find_knob(e.key), run.options.workload)) apply_key(run.options, path, e);
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
    for (const std::string& server : one.plan.servers) {
      if (std::find(all.plan.servers.begin(), all.plan.servers.end(), server) == all.plan.servers.end()) {
        all.plan.servers.push_back(server);
      }
    }
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

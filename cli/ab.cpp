// `contend ab SUITE.toml`: the noise-robust gate. Two variants — two primitives, or one
// primitive name from two plugin libraries — run over the suite's configurations on this
// machine in one invocation, their repetitions interleaved A B B A A B ..., then judged with
// compare's rules (reports/compare.hpp).
//
// Why interleave: on a shared runner the machine drifts (a neighbour arrives, the host throttles)
// over seconds to minutes. Two separate runs compared later put that drift between A and B;
// alternating single repetitions spreads it over both, and alternating the order within each
// round (ABBA) cancels a linear drift within a round too.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/plugins.hpp"
#include "cli/execute.hpp"
#include "cli/suggest.hpp"
#include "cli/suite.hpp"
#include "cli/usage_error.hpp"
#include "reports/compare.hpp"
#include "reports/output_files.hpp"
#include "workloads/executor.hpp"

namespace contend::cli {

namespace {

// A variant: the primitive's name and the registry that resolves it (built-ins, --plugin, and
// its own --a-plugin or --b-plugin libraries).
struct Variant {
  std::string letter;  // "A" or "B"
  std::string primitive;
  std::vector<std::string> plugins;
  Registry registry;
  std::string label;  // "A: ttas (old.so)"
};

Variant make_variant(std::string letter, const std::string& primitive, const std::vector<std::string>& common,
                     const std::vector<std::string>& own) {
  Variant v;
  v.letter = std::move(letter);
  v.primitive = primitive;
  v.plugins = common;
  v.plugins.insert(v.plugins.end(), own.begin(), own.end());
  v.registry = registry_with_plugins(v.plugins);
  const RegistryEntry* entry = v.registry.find(primitive);
  if (entry == nullptr) {
    std::vector<std::string> names;
    for (const RegistryEntry& e : v.registry.entries()) names.push_back(e.info.name);
    throw UsageError(fmt::format("--{}: no primitive named '{}'{}{}; 'contend list{}' shows them",
                                 v.letter == "A" ? "a" : "b", primitive,
                                 own.empty() ? "" : fmt::format(" in {}", fmt::join(own, ", ")),
                                 suggestion(primitive, names), own.empty() ? "" : " --plugin FILE"));
  }
  v.label = fmt::format("{}: {}", v.letter, primitive);
  if (!own.empty()) {
    std::vector<std::string> files;
    for (const std::string& p : own) files.push_back(std::filesystem::path(p).filename().string());
    v.label += fmt::format(" ({})", fmt::join(files, ", "));
  }
  return v;
}

// The suite's runs that take this family, with the variant's primitive, planned.
// A primitive that cannot live in shared memory runs a "both" run on threads only and skips a
// "processes" run, as `contend run --mode both` does with such a primitive among others; the
// other variant's configurations it does not run are then missing on its side.
PlanOutcome plan_variant(const Suite& suite, const Variant& v, int repetitions) {
  const PrimitiveInfo& info = v.registry.find(v.primitive)->info;
  const Family family = info.family;
  Suite selected = suite;
  selected.runs.clear();
  std::vector<std::string> notes;
  for (const SuiteRun& run : suite.runs) {
    if (family_of(run.options.workload) != family) continue;
    SuiteRun copy = run;
    KnobSettings& knobs = copy.options.knobs;
    knobs.set(KnobId::primitive, {v.primitive});
    if (repetitions > 0) knobs.set(KnobId::repetitions, {std::int64_t{repetitions}});
    const std::int64_t mode =
        knobs.given(KnobId::mode) ? as_integer(knobs.values(KnobId::mode).front()) : static_cast<std::int64_t>(Mode::threads);
    if (!info.process_shared && mode != static_cast<std::int64_t>(Mode::threads)) {
      if (mode == static_cast<std::int64_t>(Mode::processes)) {
        notes.push_back(fmt::format("{}:{}: {} is not process-shared: this run (processes only) is skipped",
                                    suite.path, run.line, v.primitive));
        continue;
      }
      knobs.set(KnobId::mode, {static_cast<std::int64_t>(Mode::threads)});
      notes.push_back(fmt::format("{}:{}: {} is not process-shared: measured on threads only", suite.path,
                                  run.line, v.primitive));
    }
    selected.runs.push_back(std::move(copy));
  }
  if (selected.runs.empty() && !notes.empty()) {
    throw UsageError(fmt::format("{}: every [[run]] of the {} family runs processes only, and {} is not "
                                 "process-shared",
                                 suite.path, to_string(family), v.primitive));
  }
  if (selected.runs.empty()) {
    std::vector<std::string> workloads;
    for (const SuiteRun& run : suite.runs) workloads.emplace_back(to_string(run.options.workload));
    throw UsageError(fmt::format("{}: no [[run]] measures a {} (the family of {}); its runs measure: {}", suite.path,
                                 to_string(family), v.primitive, fmt::join(workloads, ", ")));
  }
  PlanOutcome outcome = plan_suite(selected, v.registry);
  outcome.notes.insert(outcome.notes.begin(), notes.begin(), notes.end());
  return outcome;
}

// The name both sides of a pair are matched and shown under.
std::string pair_name(RunSpec spec, const std::string& a, const std::string& b) {
  spec.primitive = a == b ? a : fmt::format("{}-vs-{}", a, b);
  return config_name(spec);
}


// Refuses (exit 2) a repetition count with which no configuration could be judged: the 95%
// interval needs 4 a side, and Holm's correction over `configurations` needs the smallest
// possible Mann-Whitney p times their number below alpha.
void check_repetitions(int repetitions, bool given, std::size_t configurations, double alpha) {
  const std::size_t needed = repetitions_needed(alpha, configurations);
  if (needed != 0 && static_cast<std::size_t>(repetitions) >= needed) return;
  const std::string flag = given ? fmt::format("-r {}", repetitions) : fmt::format("-r (default {})", repetitions);
  if (needed == 0) {
    throw UsageError(fmt::format("{}: no repetition count up to 1000 can reach --alpha {} over {} configurations; "
                                 "raise --alpha or run fewer configurations",
                                 flag, alpha, configurations));
  }
  throw UsageError(fmt::format("{}: {} repetitions per variant cannot reach a verdict over {} configuration{} at "
                               "--alpha {} (the 95% interval needs 4, and the smallest p of {} against {}, times {}, "
                               "is {:.3g}); use -r {} or more",
                               flag, repetitions, configurations, configurations == 1 ? "" : "s", alpha, repetitions,
                               repetitions, configurations,
                               mann_whitney_min_p(static_cast<std::size_t>(repetitions),
                                                  static_cast<std::size_t>(repetitions)) *
                                   static_cast<double>(configurations),
                               needed));
}

}  // namespace

void setup_ab(Command& app, AbOptions& o) {
  Command cmd = app.subcommand(
      "ab", "A/B test two variants over a suite, interleaved on this machine, then judge them as compare does");
  cmd.option("SUITE", o.suite_file, "Suite file (TOML) whose runs of the variants' family give the configurations")
      .required();
  cmd.option("--a", o.a_primitive, "Variant A: a primitive name (default: -p)");
  cmd.option("--b", o.b_primitive, "Variant B: a primitive name (default: -p)");
  cmd.option("-p,--primitive", o.primitive, "The primitive both variants name, when they differ by plugin");
  cmd.option("--a-plugin", o.a_plugins, "A plugin library that only variant A loads (repeatable)");
  cmd.option("--b-plugin", o.b_plugins, "A plugin library that only variant B loads (repeatable)");
  cmd.option("--plugin", o.plugins, kPluginHelp);
  cmd.option("-r,--repetitions", o.repetitions,
             "Repetitions of each variant per configuration (default 10; the suite's own count is ignored)")
      .range(2, 1000)
      .default_text("10");
  add_verdict_options(cmd, o.verdict);
  cmd.option("-o,--out", o.out_dir, "Also write each variant's results (DIR/a, DIR/b) and the verdicts (DIR/ab.json)");
  cmd.footer(
      "Only the suite's runs whose workload takes the variants' family are used (a lock: the lock runs),\n"
      "with their primitive list replaced by the variant; a configuration only one variant can run (processes,\n"
      "for a primitive that is not process-shared) is not compared, with a note. -r must be enough for a\n"
      "verdict: at least 4 for an interval, and more with many configurations (ab names how many).\n"
      "The gate, as compare's: 0 pass, 3 B regressed against A, 1 a configuration could not run,\n"
      "4 inconclusive (noisy or missing; see --allow-noisy, --allow-missing), 2 bad input.\n\n"
      "Examples:\n"
      "  contend ab suites/quick.toml --a std-mutex --b pthread-mutex\n"
      "  contend ab suites/quick.toml -p my-lock --a-plugin build-main/libmylock.so --b-plugin build-pr/libmylock.so\n"
      "  contend ab suites/quick.toml --a ttas --b ttas -r 10       # an A/A run: how noisy is this machine?");
}

int run_ab(const AbOptions& o) {
  const std::string a_name = !o.a_primitive.empty() ? o.a_primitive : o.primitive;
  const std::string b_name = !o.b_primitive.empty() ? o.b_primitive : o.primitive;
  if (a_name.empty() || b_name.empty()) {
    throw UsageError(
        "ab needs two variants: --a NAME --b NAME, or -p NAME with --a-plugin OLD.so --b-plugin NEW.so");
  }
  const CompareSettings settings = verdict_settings(o.verdict);
  const Suite suite = load_suite(o.suite_file);
  const Variant a = make_variant("A", a_name, o.plugins, o.a_plugins);
  const Variant b = make_variant("B", b_name, o.plugins, o.b_plugins);
  if (a.registry.find(a_name)->info.family != b.registry.find(b_name)->info.family) {
    throw UsageError(fmt::format("--a {} is a {} and --b {} is a {}: A and B must be of one family", a_name,
                                 to_string(a.registry.find(a_name)->info.family), b_name,
                                 to_string(b.registry.find(b_name)->info.family)));
  }
  const int repetitions = o.repetitions > 0 ? o.repetitions : 10;
  const PlanOutcome plan_a = plan_variant(suite, a, repetitions);
  const PlanOutcome plan_b = plan_variant(suite, b, repetitions);
  if (!o.out_dir.empty()) prepare_out_dir(o.out_dir);
  for (const std::string& note : plan_a.notes) std::cerr << "note: A: " << note << '\n';
  for (const std::string& note : plan_b.notes) std::cerr << "note: B: " << note << '\n';
  if (a_name == b_name && o.a_plugins == o.b_plugins) {
    std::cerr << "note: A and B are the same variant: an A/A run, so any 'regressed' or 'improved' is a false alarm\n";
  }

  // Pair the configurations by their spec with the primitive set aside: a configuration one
  // variant cannot run (e.g. processes, for a threads-only primitive) is missing on that side.
  struct Pair {
    std::string name;
    const RunSpec* a = nullptr;
    const RunSpec* b = nullptr;
  };
  std::vector<Pair> pairs;
  for (const RunSpec& spec : plan_a.plan.configs) pairs.push_back({pair_name(spec, a_name, b_name), &spec, nullptr});
  for (const RunSpec& spec : plan_b.plan.configs) {
    const std::string name = pair_name(spec, a_name, b_name);
    auto it = std::find_if(pairs.begin(), pairs.end(), [&](const Pair& p) { return p.name == name; });
    if (it != pairs.end()) it->b = &spec;
    else pairs.push_back({name, nullptr, &spec});
  }
  // A configuration only one variant can run is known before anything runs: it is not compared
  // (a note says so), rather than measured on one side and left unjudged.
  std::erase_if(pairs, [&](const Pair& p) {
    if (p.a != nullptr && p.b != nullptr) return false;
    std::cerr << fmt::format("note: not compared: {}: only {} can run it ({} is not process-shared)\n", p.name,
                             p.a != nullptr ? "A" : "B", p.a != nullptr ? b_name : a_name);
    return true;
  });
  if (pairs.empty()) {
    throw UsageError(fmt::format("{}: no configuration of its {} runs can be run by both {} and {}", suite.path,
                                 to_string(a.registry.find(a_name)->info.family), a_name, b_name));
  }
  check_repetitions(repetitions, o.repetitions > 0, pairs.size(), settings.alpha);
  std::vector<AbPair> schedule;
  std::vector<RunSpec> a_specs;
  for (const Pair& p : pairs) {
    schedule.push_back({*p.a, *p.b});
    a_specs.push_back(*p.a);
  }
  if (const std::string line = estimate_line(estimate(a_specs, 2)); !line.empty()) {
    std::cerr << "contend: " << line << " (A and B); Ctrl-C stops and judges what was measured\n";
  }
  const AbResults ran = execute_ab(schedule, repetitions, a.registry, b.registry, calibrate(), o.command_line,
                                   progress_printer());
  const Results& results_a = ran.a;
  const Results& results_b = ran.b;
  const bool interrupted = !results_a.complete;

  // Compare under the pair names.
  auto input_of = [&](const Results& r, const Variant& v) {
    ComparisonInput in = comparison_input(r, settings.metric, v.label);
    for (SampleSet& set : in.configs) {
      for (const Pair& p : pairs) {
        const RunSpec* spec = &v == &a ? p.a : p.b;
        if (spec != nullptr && config_name(*spec) == set.name) set.name = p.name;
      }
    }
    in.description = fmt::format("{} repetitions per configuration, interleaved with {}", repetitions,
                                 &v == &a ? "B" : "A");
    return in;
  };
  const Comparison comparison = compare(input_of(results_a, a), input_of(results_b, b), settings);

  // The verdicts first: a failure to write the files must not lose minutes of measuring.
  const int verdict_code = print_comparison(comparison, o.verdict.format);
  if (!o.out_dir.empty()) {
    write_results_dir(std::filesystem::path(o.out_dir) / "a", results_a);
    write_results_dir(std::filesystem::path(o.out_dir) / "b", results_b);
    write_file_atomically(std::filesystem::path(o.out_dir) / "ab.json", to_compare_json(comparison));
  }
  if (interrupted) {
    std::cerr << "contend: interrupted; the verdicts cover the repetitions that ran\n";
    return exit_code_for(results_a);
  }
  if (verdict_code != kExitOk) return verdict_code;
  return std::max(exit_code_for(results_a), exit_code_for(results_b));
}

}  // namespace contend::cli

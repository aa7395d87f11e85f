// `contend stress <workload>`: run every property check that applies to the chosen primitives
// and report pass, violation, hang, crashed or error per configuration, with the command that
// reproduces it. `contend stress --self-test` runs the planted bugs and passes only if each is
// caught with the right verdict, and the correct primitives beside them pass.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <random>

#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "cli/plugins.hpp"
#include "cli/usage_error.hpp"
#include "reports/csv.hpp"
#include "reports/json.hpp"
#include "reports/output_files.hpp"
#include "reports/stress_report.hpp"
#include "workloads/model/check_names.hpp"
#include "workloads/executor.hpp"

namespace contend::cli {

void setup_stress(CLI::App& app, StressOptions& o) {
  auto* cmd = app.add_subcommand(
      "stress", "Hunt for bugs: check mutual exclusion, lost updates, permits, queue deliveries, progress and "
                "starvation of locks, semaphores, reader-writer locks or queues");
  // Stress's own defaults: long enough to find rare interleavings, every operation timed, and a
  // worker count that oversubscribes a small machine.
  o.run.duration = "1s";
  o.run.warmup = "0";
  o.run.repetitions = 1;
  o.run.sample_every = 1;
  o.run.workers = kDefaultStressWorkers;
  o.run.producers = "2";
  o.run.consumers = "2";
  add_run_options(*cmd, o.run, /*workload_required=*/false);
  cmd->get_option("workload")->description(
      "What to check: lock, semaphore, rw (reader-writer locks) or queue (producers and consumers); pingpong "
      "and pairs check their own deliveries in `contend run`");
  cmd->get_option("--workers")
      ->description(fmt::format("Worker counts, comma-separated (default: {}; more workers than cores widens race "
                                "windows)",
                                kDefaultStressWorkers));
  cmd->get_option("--seed")->description(
      "Seed of the perturbation, sampling and read/write choices (default: a random one, printed in every "
      "reproduce line)");
  cmd->get_option("--producers")->default_str("2");
  cmd->get_option("--consumers")->default_str("2");
  cmd->add_option("--stall", o.stall,
                  "No progress by any worker for this long ends a configuration as `hang`, e.g. 2s, 500ms")
      ->capture_default_str();
  cmd->add_flag("--perturb", o.perturb,
                "Random short delays and yields (seeded) before acquiring, inside and after releasing, to widen "
                "race windows");
  cmd->add_flag("--self-test", o.self_test,
                "Run the planted bugs (broken-*) and correct primitives: passes only if every bug is caught with "
                "the right verdict and no correct primitive is flagged");
  cmd->footer(
      "Workloads: lock, semaphore, rw, queue. Every configuration runs in its own child process under a\n"
      "watchdog: a hang or a crash becomes its verdict. Exit code 0 when everything passed, 1 otherwise.\n\n"
      "Examples:\n"
      "  contend stress lock                                # every lock, 2 and 8 workers, 1 s each\n"
      "  contend stress lock -p ttas,mcs -w 2,4,16 --perturb -d 5s\n"
      "  contend stress semaphore -p posix-sem --permits 3 --mode both\n"
      "  contend stress queue -p ring --producers 1,4 --consumers 1,4 --capacity 4\n"
      "  contend stress lock -p broken-tas-race            # a planted bug: a violation, with a reproduce line\n"
      "  contend stress lock --plugin ./libmylock.so -p my-lock --perturb\n"
      "  contend stress --self-test");
}

namespace {

// The command that runs `spec` again: every knob that is not the stress default, and the seed.
std::string reproduce_line(const RunSpec& spec) {
  std::string line = fmt::format("contend stress {} -p {} --mode {}", to_string(spec.workload), spec.primitive,
                                 to_string(spec.mode));
  if (spec.workload == Workload::queue) {
    line += fmt::format(" --producers {} --consumers {} --capacity {} --wait {}", spec.producers,
                        spec.workers - spec.producers, spec.capacity, to_string(spec.wait));
    if (spec.consume_ns != 0) line += fmt::format(" --consume-ns {}", spec.consume_ns);
    if (spec.rate != 0) line += fmt::format(" --rate {}", spec.rate);
  } else {
    line += fmt::format(" -w {}", spec.workers);
  }
  line += spec.operations > 0 ? fmt::format(" --ops {}", spec.operations)
                              : fmt::format(" -d {}", format_duration(spec.duration_ns));
  if (spec.warmup_ns != 0) line += fmt::format(" --warmup {}", format_duration(spec.warmup_ns));
  if (spec.cs_ns != 0) line += fmt::format(" --cs-ns {}", spec.cs_ns);
  if (spec.outside_ns != 0) line += fmt::format(" --outside-ns {}{}", spec.outside_ns, spec.outside_scales ? " --outside-scale" : "");
  if (spec.cs_lines != 1 && (spec.workload == Workload::lock || spec.workload == Workload::rw)) {
    line += fmt::format(" --cs-lines {}", spec.cs_lines);
  }
  if (spec.workload == Workload::semaphore) line += fmt::format(" --permits {}", spec.permits);
  if (spec.workload == Workload::rw) line += fmt::format(" --read-percent {}", spec.read_percent);
  if (spec.pin != Pinning::none) line += fmt::format(" --pin {}", to_string(spec.pin));
  if (spec.sample_every != 1) line += fmt::format(" --sample {}", spec.sample_every);
  if (spec.perturb) line += " --perturb";
  if (spec.stall_ns != 2'000'000'000) line += fmt::format(" --stall {}", format_duration(spec.stall_ns));
  if (spec.timeout_ns != 0) line += fmt::format(" --timeout {}", format_duration(spec.timeout_ns));
  line += fmt::format(" --seed {}", spec.seed);
  return line;
}

ProgressCallback stress_progress() {
  if (!isatty(STDERR_FILENO)) return {};
  return [](const Progress& p) {
    if (p.spec == nullptr) {
      std::cerr << "\r\033[K" << std::flush;
      return;
    }
    std::cerr << fmt::format("\r\033[K[{}/{}] stress {}", p.done + 1, p.total, config_name(*p.spec)) << std::flush;
  };
}

std::uint64_t random_seed() {
  std::random_device device;
  return device() % 1'000'000'000u + 1;  // short enough to type back
}

// A planted bug (or a correct primitive) and what stress must say of it.
struct SelfTestCase {
  RunSpec spec;
  Status expected;
  std::vector<CheckId> must_fail;  // checks that must report a violation (empty: none may)
};

std::vector<SelfTestCase> self_test_cases(std::uint64_t seed) {
  RunSpec base;
  base.stress = true;
  base.duration_ns = 500'000'000;
  base.warmup_ns = 0;
  base.repetitions = 1;
  base.sample_every = 1;
  base.seed = seed;
  base.stall_ns = 1'000'000'000;
  auto make = [&](Workload workload, const char* primitive, int workers, Mode mode = Mode::threads) {
    RunSpec s = base;
    s.workload = workload;
    s.primitive = primitive;
    s.workers = workers;
    s.mode = mode;
    return s;
  };
  auto queue = [&](const char* primitive, int producers, int consumers) {
    RunSpec s = make(Workload::queue, primitive, producers + consumers);
    s.producers = producers;
    s.capacity = 64;
    return s;
  };
  auto semaphore = [&](const char* primitive, int workers, Mode mode = Mode::threads) {
    RunSpec s = make(Workload::semaphore, primitive, workers, mode);
    s.permits = 2;
    return s;
  };
  // 200 ns inside: overlapping critical sections see each other's writes even in the
  // transparent windows.
  auto with_cs = [](RunSpec s, std::uint64_t cs_ns) {
    s.cs_ns = cs_ns;
    return s;
  };
  // --perturb: yields inside the critical section, so a worker that holds the primitive is often
  // descheduled there and the overlap a try_lock or reader bug allows happens even on a loaded
  // machine.
  auto perturbed = [](RunSpec s) {
    s.perturb = true;
    return s;
  };
  using C = CheckId;
  return {
      // Planted bugs: each must be caught by the check named.
      {with_cs(make(Workload::lock, "broken-tas-race", 4), 200), Status::violation,
       {C::exclusion_strong, C::exclusion_transparent, C::lost_updates}},
      {with_cs(make(Workload::lock, "broken-tas-race", 4, Mode::processes), 200), Status::violation,
       {C::exclusion_strong, C::lost_updates}},
      {perturbed(with_cs(make(Workload::lock, "broken-trylock", 4), 200)), Status::violation,
       {C::try_lock_exclusion}},
      {make(Workload::lock, "broken-starve", 4), Status::violation, {C::starvation}},
      {make(Workload::lock, "broken-lost-wakeup", 4), Status::hang, {C::progress}},
      {make(Workload::lock, "broken-hang", 2), Status::hang, {C::progress}},
      {make(Workload::lock, "broken-crash", 2), Status::crashed, {}},
      {make(Workload::lock, "broken-crash", 2, Mode::processes), Status::crashed, {}},
      {with_cs(semaphore("broken-sem-race", 4), 200), Status::violation, {C::semaphore_holders}},
      {semaphore("broken-sem-leak", 4), Status::violation, {C::permits_conserved}},
      {perturbed(with_cs(make(Workload::rw, "broken-rw-reader", 4), 200)), Status::violation, {C::rw_exclusion}},
      {queue("broken-queue", 2, 2), Status::violation, {C::queue_lost, C::queue_duplicated}},
      {queue("broken-queue-order", 1, 1), Status::violation, {C::queue_order}},
      {queue("broken-queue-invent", 2, 2), Status::violation, {C::queue_invented}},
      // Correct primitives beside them: any verdict but pass is a false positive.
      {make(Workload::lock, "ttas", 4), Status::ok, {}},
      {make(Workload::lock, "std-mutex", 8), Status::ok, {}},
      {make(Workload::lock, "pthread-mutex", 4, Mode::processes), Status::ok, {}},
      {semaphore("posix-sem", 4), Status::ok, {}},
      {make(Workload::rw, "pthread-rwlock-reader", 4), Status::ok, {}},
      {queue("ring", 2, 2), Status::ok, {}},
  };
}

// What went wrong with a case's verdict, or empty when stress said what it should.
std::string self_test_mismatch(const SelfTestCase& test, const ConfigResult& result) {
  if (result.status() != test.expected) {
    return fmt::format("expected {}, got {}", to_string(test.expected), result.status_text());
  }
  for (CheckId id : test.must_fail) {
    bool failed = false;
    for (const Repetition& r : result.repetitions) {
      for (const CheckResult& c : r.checks) failed = failed || (c.name == check_name(id) && !c.passed());
    }
    if (!failed) return fmt::format("the check \"{}\" did not report it ({})", check_name(id), result.status_text());
  }
  return {};
}

int run_self_test(const StressOptions& o) {
  const Registry registry = Registry::builtin();
  const std::uint64_t seed = o.seed_given ? o.run.seed : random_seed();
  const std::vector<SelfTestCase> cases = self_test_cases(seed);
  RunPlan plan;
  plan.command_line = o.run.command_line;
  for (const SelfTestCase& c : cases) plan.configs.push_back(c.spec);
  const Calibrations calibrations = calibrate();
  Results results = execute_plan(plan, registry, calibrations, stress_progress());
  if (!results.complete) {
    std::cerr << "contend: self-test interrupted\n";
    return 128 + (interrupt_signal() != 0 ? interrupt_signal() : 2);
  }
  int failures = 0;
  std::cout << fmt::format("stress self-test, seed {}\n", seed);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const SelfTestCase& test = cases[i];
    ConfigResult& result = results.configs[i];
    result.reproduce = reproduce_line(result.spec);
    const std::string mismatch = self_test_mismatch(test, result);
    const bool planted = test.expected != Status::ok;
    std::cout << fmt::format("{:<8} {:<58} {}\n", mismatch.empty() ? (planted ? "caught" : "clean") : "FAILED",
                             result.name(), mismatch.empty() ? result.status_text() : mismatch);
    if (!mismatch.empty()) {
      ++failures;
      std::cout << fmt::format("         reproduce: {}\n", result.reproduce);
    }
  }
  const auto planted = static_cast<std::size_t>(
      std::count_if(cases.begin(), cases.end(), [](const SelfTestCase& c) { return c.expected != Status::ok; }));
  if (failures == 0) {
    std::cout << fmt::format("self-test passed: {} planted bugs caught with the right verdict, {} correct primitives "
                             "passed\n",
                             planted, cases.size() - planted);
    return kExitOk;
  }
  std::cout << fmt::format("self-test FAILED: {} of {} cases\n", failures, cases.size());
  return kExitFailed;
}

}  // namespace

int run_stress(CLI::App& command, StressOptions& o) {
  note_given_options(command, o.run);
  o.seed_given = command.count("--seed") > 0;
  if (o.self_test) {
    if (command.count("workload") > 0 || !o.run.plugins.empty()) {
      throw UsageError("--self-test runs its own plan of built-in primitives; give it no workload and no --plugin "
                       "(e.g. 'contend stress --self-test')");
    }
    return run_self_test(o);
  }
  if (command.count("workload") == 0) {
    throw UsageError("stress: which workload? expected one of lock, semaphore, rw, queue (or --self-test)");
  }
  if (o.run.workload == Workload::pingpong || o.run.workload == Workload::pairs) {
    throw UsageError(fmt::format("stress: the {} workload has no stress checks; expected lock, semaphore, rw or "
                                 "queue (`contend run {}` checks its own deliveries)",
                                 to_string(o.run.workload), to_string(o.run.workload)));
  }
  const std::int64_t stall_ns = parse_duration_ns("--stall", o.stall);
  if (stall_ns < 10'000'000) {
    throw UsageError(fmt::format("--stall: '{}' is too short; expected at least 10ms", o.stall));
  }
  if (!o.seed_given) o.run.seed = random_seed();

  const Registry registry = registry_with_plugins(o.run.plugins);
  PlanOutcome outcome = build_run_plan(o.run, registry);
  // `all` means every primitive that claims what stress checks: the baselines that are not
  // locks (nolock, race, atomic-add) fail by design, so they run only when named.
  if (o.run.primitives == "all") {
    std::vector<RunSpec> kept;
    std::vector<std::string> left_out;
    for (const RunSpec& spec : outcome.plan.configs) {
      const RegistryEntry& e = *registry.find(spec.primitive);
      if (e.info.baseline) {
        if (std::find(left_out.begin(), left_out.end(), spec.primitive) == left_out.end()) {
          left_out.push_back(spec.primitive);
        }
        continue;
      }
      kept.push_back(spec);
    }
    if (!left_out.empty()) {
      std::string names;
      for (const std::string& n : left_out) names += (names.empty() ? "" : ", ") + n;
      outcome.notes.push_back(fmt::format("{}: baselines without exclusion, left out of 'all' (name them to "
                                          "stress them)",
                                          names));
    }
    outcome.plan.configs = std::move(kept);
  }
  for (RunSpec& spec : outcome.plan.configs) {
    spec.stress = true;
    spec.perturb = o.perturb;
    spec.stall_ns = stall_ns;
  }
  if (!o.run.out_dir.empty()) prepare_out_dir(o.run.out_dir);
  for (const std::string& note : outcome.notes) std::cerr << "note: " << note << '\n';
  outcome.plan.command_line = o.run.command_line;
  std::cerr << fmt::format("stress: {} configuration(s), seed {}\n", outcome.plan.configs.size(), o.run.seed);

  const Calibrations calibrations = calibrate();
  Results results = execute_plan(outcome.plan, registry, calibrations, stress_progress());
  for (ConfigResult& c : results.configs) {
    if (c.status() != Status::ok) {
      c.reproduce = reproduce_line(c.spec);
      for (const std::string& plugin : o.run.plugins) c.reproduce += fmt::format(" --plugin {}", plugin);
    }
  }

  if (!o.run.out_dir.empty()) write_results_dir(o.run.out_dir, results);
  switch (o.run.format) {
    case OutputFormat::table: std::cout << to_stress_table(results); break;
    case OutputFormat::markdown: std::cout << to_stress_markdown(results); break;
    case OutputFormat::json: std::cout << to_json(results); break;
    case OutputFormat::csv: std::cout << to_csv(results); break;
  }
  std::cout << std::flush;
  if (!results.complete) {
    std::cerr << "contend: interrupted; wrote what was checked (marked incomplete)\n";
    return 128 + (interrupt_signal() != 0 ? interrupt_signal() : 2);
  }
  for (const ConfigResult& c : results.configs) {
    if (c.status() != Status::ok) return kExitFailed;
  }
  return kExitOk;
}

}  // namespace contend::cli

// Unit tests of suite files (cli/suite.hpp): a good file becomes the RunOptions and the plan the
// same command line would give, and every kind of error is one line naming the file, the line
// and the key. Fixtures are in tests/suites/; their line numbers are part of the expectations.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli/knob_values.hpp"
#include "cli/run_options.hpp"
#include "cli/suite.hpp"
#include "cli/usage_error.hpp"
#include "tests/usage_error_of.hpp"

namespace contend::cli {
namespace {

namespace fs = std::filesystem;

std::string fixture(const std::string& name) { return std::string(CONTEND_SOURCE_DIR) + "/tests/suites/" + name; }

std::string load_error(const std::string& path) {
  return usage_error_of([&] { load_suite(path); });
}

std::string plan_error(const std::string& path) {
  return usage_error_of([&] { plan_suite(load_suite(path), Registry::builtin()); });
}

// A suite file written for one test, in a directory removed afterwards.
class TempSuite {
 public:
  explicit TempSuite(const std::string& text) {
    static int counter = 0;
    path_ = fs::temp_directory_path() / fmt::format("contend-suite-gtest-{}-{}.toml", getpid(), counter++);
    std::ofstream(path_) << text;
  }
  ~TempSuite() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

std::vector<std::string> config_names(const PlanOutcome& outcome) {
  std::vector<std::string> names;
  for (const RunSpec& spec : outcome.plan.configs) names.push_back(config_name(spec));
  return names;
}

// An option's values as the command line would write them, or "(not given)": a knob not given
// takes the workload table's default when the plan is built.
std::string given(const RunOptions& o, std::string_view name) {
  const Knob& k = *find_knob(name);
  return o.knobs.given(k.id) ? knob_list_text(k, o.knobs.values(k.id)) : "(not given)";
}

TEST(LoadSuite, ReadsEveryFormOfValueOverDefaults) {
  const Suite suite = load_suite(fixture("good.toml"));
  EXPECT_EQ(suite.path, fixture("good.toml"));
  EXPECT_EQ(suite.name, "good");
  EXPECT_EQ(suite.description, "every form of value");
  ASSERT_EQ(suite.runs.size(), 3u);

  const SuiteRun& lock = suite.runs[0];
  EXPECT_EQ(lock.line, 14);
  EXPECT_EQ(lock.options.workload, Workload::lock);
  EXPECT_EQ(given(lock.options, "primitive"), "std-mutex,ttas");
  EXPECT_EQ(given(lock.options, "workers"), "1,2");
  EXPECT_EQ(given(lock.options, "duration"), "20ms");
  EXPECT_EQ(given(lock.options, "warmup"), "5ms");
  EXPECT_EQ(given(lock.options, "repetitions"), "2");
  EXPECT_EQ(given(lock.options, "mode"), "threads");
  EXPECT_EQ(given(lock.options, "cs-ns"), "50");
  EXPECT_EQ(given(lock.options, "outside-ns"), "100");
  EXPECT_EQ(given(lock.options, "outside-scale"), "true");
  // Defaults for other workloads are skipped.
  EXPECT_EQ(given(lock.options, "permits"), "(not given)");
  EXPECT_EQ(given(lock.options, "capacity"), "(not given)");

  const SuiteRun& semaphore = suite.runs[1];
  EXPECT_EQ(semaphore.line, 21);
  EXPECT_EQ(semaphore.options.workload, Workload::semaphore);
  EXPECT_EQ(given(semaphore.options, "primitive"), "posix-sem");
  EXPECT_EQ(given(semaphore.options, "workers"), "2");
  EXPECT_EQ(given(semaphore.options, "permits"), "3");
  EXPECT_EQ(given(semaphore.options, "sample"), "0");
  EXPECT_EQ(given(semaphore.options, "cs-ns"), "50");

  const SuiteRun& queue = suite.runs[2];
  EXPECT_EQ(queue.line, 27);
  EXPECT_EQ(queue.options.workload, Workload::queue);
  EXPECT_EQ(given(queue.options, "producers"), "1,2");
  EXPECT_EQ(given(queue.options, "consumers"), "1");
  EXPECT_EQ(given(queue.options, "wait"), "yield");
  EXPECT_EQ(given(queue.options, "capacity"), "64");
  EXPECT_EQ(given(queue.options, "cs-ns"), "(not given)");
  EXPECT_EQ(given(queue.options, "workers"), "(not given)");
  EXPECT_EQ(given(queue.options, "duration"), "30ms");
  EXPECT_EQ(given(queue.options, "seed"), "7");
}

TEST(PlanSuite, ConcatenatesTheRunsInFileOrder) {
  const PlanOutcome outcome = plan_suite(load_suite(fixture("good.toml")), Registry::builtin());
  EXPECT_EQ(config_names(outcome), (std::vector<std::string>{
                                       "lock/std-mutex/threads/workers:1/cs:50ns/outside:100nsxworkers",
                                       "lock/std-mutex/threads/workers:2/cs:50ns/outside:100nsxworkers",
                                       "lock/ttas/threads/workers:1/cs:50ns/outside:100nsxworkers",
                                       "lock/ttas/threads/workers:2/cs:50ns/outside:100nsxworkers",
                                       "semaphore/posix-sem/threads/workers:2/permits:3/cs:50ns",
                                       "queue/ring/threads/producers:1/consumers:1/capacity:64/wait:yield",
                                       "queue/ring/threads/producers:2/consumers:1/capacity:64/wait:yield",
                                   }));
  EXPECT_EQ(outcome.plan.configs[0].duration_ns, 20'000'000);
  EXPECT_EQ(outcome.plan.configs[0].repetitions, 2);
  EXPECT_EQ(outcome.plan.configs[4].sample_every, 0u);
  EXPECT_EQ(outcome.plan.configs[6].duration_ns, 30'000'000);
  EXPECT_EQ(outcome.plan.configs[6].seed, 7u);
}

// What a suite run expands to is what the same `contend run` command line expands to.
TEST(PlanSuite, MatchesTheCommandLine) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"workload = \"lock\"\nprimitive = [\"ttas\", \"ticket\"]\nworkers = [1, 4]\nmode = \"both\"\n"
       "duration = \"30ms\"\ncs-ns = 20\ncs-lines = 2\npin = \"spread\"\nsample = 4\ntimeout = \"5s\"\n",
       {"lock", "-p", "ttas,ticket", "-w", "1,4", "--mode", "both", "-d", "30ms", "--cs-ns", "20", "--cs-lines",
        "2", "--pin", "spread", "--sample", "4", "--timeout", "5s"}},
      {"workload = \"queue\"\nprimitive = \"ring,moodycamel\"\nproducers = [1, 2]\nconsumers = 2\n"
       "capacity = 256\nwait = \"yield\"\nconsume-ns = 30\nrate = [1000, 2000]\nops = 50000\n",
       {"queue", "-p", "ring,moodycamel", "--producers", "1,2", "--consumers", "2", "--capacity", "256", "--wait",
        "yield", "--consume-ns", "30", "--rate", "1000,2000", "--ops", "50000"}},
      {"workload = \"rw\"\nread-percent = 70\nrepetitions = 3\nwarmup = \"0\"\nseed = 9\n",
       {"rw", "--read-percent", "70", "-r", "3", "--warmup", "0", "--seed", "9"}},
      // A choice that sweeps, as an array (on would need a PostgreSQL table: see e2e_postgres_test).
      {"workload = \"jobs\"\nlong-transaction = [\"off\"]\n", {"jobs", "--long-transaction", "off"}},
  };
  const Registry registry = Registry::builtin();
  for (const auto& [table, args] : cases) {
    const TempSuite file("name = \"cli\"\n[[run]]\n" + table);
    const PlanOutcome from_suite = plan_suite(load_suite(file.path()), registry);

    CommandLine command_line("test", "contend");
    Command app = command_line.root();
    RunOptions cli_options;
    add_workload_option(app, [&cli_options](Workload w) { cli_options.workload = w; }, "");
    add_run_options(app, cli_options);
    command_line.parse(args);
    const PlanOutcome from_cli = build_run_plan(cli_options, registry);

    EXPECT_EQ(from_suite.plan.configs, from_cli.plan.configs) << table;
    ASSERT_EQ(from_suite.notes.size(), from_cli.notes.size()) << table;
    for (std::size_t i = 0; i < from_cli.notes.size(); ++i) {
      EXPECT_EQ(from_suite.notes[i], file.path() + ":2: " + from_cli.notes[i]);
    }
  }
}

// The keys that apply to some workloads only, with a valid value each, and the workloads they
// apply to: in a [[run]] of another workload they are refused (by build_run_plan, as on the
// command line); in [defaults] they are skipped for those runs. This pins down that the workload
// table's rule, which both read, is the one users are told.
struct WorkloadKey {
  std::string toml;
  std::vector<Workload> applies_to;
};
const std::map<std::string, WorkloadKey>& workload_keys() {
  using enum Workload;
  static const std::map<std::string, WorkloadKey> keys = {
      {"workers", {"workers = 2", {lock, semaphore, rw, pingpong, pairs, trylock, lease, keyed, deadlock, jobs, tasks}}},
      {"cs-ns", {"cs-ns = 10", {lock, semaphore, rw, trylock, keyed, deadlock, jobs, tasks}}},
      {"outside-ns", {"outside-ns = 10", {lock, semaphore, rw, pairs, trylock, keyed, deadlock, jobs, tasks}}},
      {"outside-scale",
       {"outside-scale = true\noutside-ns = 10", {lock, semaphore, rw, pairs, trylock, keyed, deadlock, tasks}}},
      {"cs-lines", {"cs-lines = 2", {lock, rw, trylock}}},
      {"permits", {"permits = 1", {semaphore, tasks}}},
      {"read-percent", {"read-percent = 50", {rw}}},
      {"producers", {"producers = 1", {queue}}},
      {"consumers", {"consumers = 1", {queue}}},
      {"consume-ns", {"consume-ns = 10", {queue}}},
      {"rate", {"rate = 1000", {lock, queue}}},
      {"capacity", {"capacity = 64", {queue, pairs, tasks}}},
      {"wait", {"wait = \"yield\"", {queue, pairs}}},
      {"ttl", {"ttl = \"5ms\"", {lease}}},
      {"wait-timeout", {"wait-timeout = \"2s\"", {lease}}},
      {"retry-interval", {"retry-interval = \"1ms\"", {lock, lease}}},
      {"hold", {"hold = \"exp:50us\"", {lease}}},
      {"fencing", {"fencing = \"off\"", {lease}}},
      {"renew", {"renew = \"on\"", {lease}}},
      {"keys", {"keys = 8", {keyed}}},
      {"zipf", {"zipf = 0.5", {keyed}}},
      {"per-key", {"per-key = 3", {keyed}}},
      {"on-busy", {"on-busy = \"fail\"", {keyed}}},
      {"locks", {"locks = 4", {deadlock}}},
      {"take", {"take = 3", {deadlock}}},
      {"order", {"order = \"random\"", {deadlock}}},
      {"on-conflict", {"on-conflict = \"timeout:5ms\"", {deadlock}}},
      {"jobs", {"jobs = 1000", {jobs}}},
      {"claim", {"claim = \"nowait\"", {jobs}}},
      {"batch", {"batch = 8", {jobs}}},
      {"lease", {"lease = \"20ms\"", {jobs}}},
      {"long-transaction", {"long-transaction = \"off\"", {jobs}}},
      // The isolation workload's own: it runs only on a server (pg-counters), so it is not among
      // kAllWorkloads below, and these are checked to be refused everywhere else.
      {"rows", {"rows = 8", {}}},
      {"level", {"level = \"serializable\"", {}}},
      {"update", {"update = \"atomic\"", {}}},
      {"lock-timeout", {"lock-timeout = \"5ms\"", {}}},
      {"prefetch", {"prefetch = 10", {queue}}},
      {"autoack", {"autoack = \"on\"", {queue}}},
      {"confirm", {"confirm = 0", {queue}}},
      {"persistent", {"persistent = \"on\"", {queue}}},
      {"pattern", {"pattern = \"semaphore\"", {tasks}}},
      {"cancel", {"cancel = 0.5", {tasks}}},
  };
  return keys;
}
constexpr Workload kAllWorkloads[] = {Workload::lock,     Workload::semaphore, Workload::rw,
                                      Workload::pingpong, Workload::queue,     Workload::pairs,
                                      Workload::trylock,  Workload::lease,     Workload::keyed,
                                      Workload::deadlock, Workload::jobs,      Workload::tasks};

TEST(PlanSuite, RunKeysThatDoNotApplyAreRefusedLikeTheCommandLine) {
  const Registry registry = Registry::builtin();
  for (const auto& [key, k] : workload_keys()) {
    for (Workload w : kAllWorkloads) {
      const TempSuite file(fmt::format("name = \"k\"\n[[run]]\nworkload = \"{}\"\n{}\n", to_string(w), k.toml));
      const std::string error = usage_error_of([&] { plan_suite(load_suite(file.path()), registry); });
      const bool applies = std::find(k.applies_to.begin(), k.applies_to.end(), w) != k.applies_to.end();
      if (applies) {
        EXPECT_EQ(error, "(no error)") << key << " in " << to_string(w);
      } else {
        EXPECT_EQ(error.rfind(file.path() + ":2: --", 0), 0u) << key << " in " << to_string(w) << ": " << error;
      }
    }
  }
}

TEST(PlanSuite, DefaultsApplyOnlyWhereTheyApply) {
  std::string text = "name = \"defaults\"\n[defaults]\n";
  for (const auto& [key, k] : workload_keys()) {
    if (key != "outside-scale") text += k.toml + "\n";  // its entry repeats outside-ns
  }
  text += "outside-scale = true\n";
  for (Workload w : kAllWorkloads) text += fmt::format("[[run]]\nworkload = \"{}\"\n", to_string(w));
  const TempSuite file(text);
  const Suite suite = load_suite(file.path());
  ASSERT_EQ(suite.runs.size(), std::size(kAllWorkloads));
  for (const SuiteRun& run : suite.runs) {
    const Workload w = run.options.workload;
    const RunOptions& o = run.options;
    for (const auto& [key, k] : workload_keys()) {
      const bool applies = std::find(k.applies_to.begin(), k.applies_to.end(), w) != k.applies_to.end();
      EXPECT_EQ(o.knobs.given(find_knob(key)->id), applies) << key << " in " << to_string(w);
    }
  }
  const PlanOutcome outcome = plan_suite(suite, Registry::builtin());
  ASSERT_FALSE(outcome.plan.configs.empty());
  for (const RunSpec& spec : outcome.plan.configs) {
    switch (spec.workload) {
      case Workload::lock:
      case Workload::trylock: EXPECT_EQ(spec.cs_lines, 2u); break;
      case Workload::semaphore: EXPECT_EQ(spec.permits, 1u); break;
      case Workload::rw: EXPECT_EQ(spec.read_percent, 50u); break;
      case Workload::queue: EXPECT_EQ(spec.rate, 1000u); break;
      case Workload::pairs: EXPECT_EQ(spec.capacity, 64u); break;
      case Workload::pingpong: break;
      case Workload::lease:
        EXPECT_EQ(spec.ttl_ns, 5'000'000);
        EXPECT_EQ(spec.hold, (HoldTime{true, 50'000}));
        EXPECT_FALSE(spec.fencing);
        break;
      case Workload::keyed:
        EXPECT_EQ(spec.keys, 8u);
        EXPECT_EQ(spec.zipf_millionths, 500'000);
        EXPECT_EQ(spec.per_key, 3u);
        EXPECT_TRUE(spec.fail_when_busy);
        break;
      case Workload::deadlock:
        EXPECT_EQ(spec.locks, 4u);
        EXPECT_EQ(spec.take, 3u);
        EXPECT_TRUE(spec.random_order);
        EXPECT_EQ(spec.on_conflict, (OnConflict{ConflictKind::timeout, 5'000'000}));
        break;
      case Workload::jobs:
        EXPECT_EQ(spec.jobs, 1000u);
        EXPECT_EQ(spec.claim, ClaimMode::nowait);
        EXPECT_EQ(spec.batch, 8u);
        EXPECT_EQ(spec.job_lease_ns, 20'000'000);
        break;
      case Workload::tasks:
        EXPECT_EQ(spec.pattern, TaskPattern::semaphore);
        EXPECT_EQ(spec.cancel_millionths, 500'000u);
        EXPECT_EQ(spec.permits, 1u);
        EXPECT_EQ(spec.capacity, 64u);
        break;
      case Workload::isolation: ADD_FAILURE() << "isolation is not among kAllWorkloads"; break;
    }
    if (spec.workload != Workload::queue) {
      EXPECT_EQ(spec.workers, 2);
    }
  }
}

TEST(LoadSuite, SyntaxErrorNamesLineAndColumn) {
  const std::string path = fixture("syntax_error.toml");
  EXPECT_EQ(load_error(path), path + ":5:15: Error while parsing decimal integer: expected digit, saw 'm'");
}

TEST(LoadSuite, UnknownKeyNamesItsLineAndTheAcceptedKeys) {
  const std::string path = fixture("unknown_key.toml");
  EXPECT_EQ(load_error(path),
            path + ":5: unknown key 'workrs' in [[run]]; accepted: workload, primitive, workers, mode, duration, ops, "
                   "warmup, repetitions, cs-ns, outside-ns, outside-scale, cs-lines, permits, read-percent, "
                   "producers, consumers, capacity, wait, consume-ns, rate, ttl, wait-timeout, retry-interval, hold, "
                   "fencing, renew, keys, zipf, per-key, on-busy, locks, take, order, on-conflict, jobs, claim, batch, lease, long-transaction, rows, level, update, lock-timeout, prefetch, autoack, confirm, persistent, pattern, cancel, pin, "
                   "sample, seed, timeout");
}

TEST(LoadSuite, WrongTypeSaysWhatTheKeyAccepts) {
  const std::string path = fixture("wrong_type.toml");
  EXPECT_EQ(load_error(path), path + ":5: key 'workers' must be an integer, an array of integers or a string like "
                                     "\"1,2,4\", not a boolean");
}

TEST(LoadSuite, MissingNameAndMissingWorkload) {
  EXPECT_EQ(load_error(fixture("missing_name.toml")),
            fixture("missing_name.toml") + ": missing key 'name' at the top level (a string naming the suite)");
  EXPECT_EQ(load_error(fixture("missing_workload.toml")),
            fixture("missing_workload.toml") +
                ":7: [[run]] has no key 'workload'; each run names one of: lock, semaphore, rw, pingpong, queue, "
                "pairs, trylock, lease, keyed, deadlock, jobs, tasks, isolation");
}

TEST(LoadSuite, MissingFileIsOneLine) {
  const std::string path = fixture("no-such-suite.toml");
  EXPECT_EQ(load_error(path), path + ": cannot read the suite file: No such file or directory");
  EXPECT_EQ(load_error(fixture("")), fixture("") + ": cannot read the suite file: it is a directory");
}

TEST(PlanSuite, ValueThatBuildRunPlanRejectsNamesTheRunsLine) {
  const std::string path = fixture("bad_value.toml");
  EXPECT_EQ(load_error(path), "(no error)") << "a primitive's name is checked against the registry, later";
  const std::string error = plan_error(path);
  EXPECT_EQ(error.rfind(path + ":10: --primitive: unknown primitive 'no-such-lock'; lock primitives are: ", 0), 0u)
      << error;
  EXPECT_EQ(plan_error(fixture("not_applicable.toml")),
            fixture("not_applicable.toml") + ":3: --permits applies to the semaphore and tasks workloads only, not lock");
}

TEST(PlanSuite, TheSameConfigurationFromTwoRunsNamesBothLines) {
  const std::string path = fixture("duplicate_config.toml");
  EXPECT_EQ(plan_error(path), path + ":9: configuration 'lock/ticket/threads/workers:2' is also made by the "
                                     "[[run]] at line 3; each configuration may appear once (results are matched "
                                     "by name)");
}

// Errors found in files written by the test: each names the line of the key.
TEST(LoadSuite, EveryOtherErrorNamesItsLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"name = \"x\"\n[defaults]\nworkload = \"lock\"\n[[run]]\nworkload = \"lock\"\n",
       ":3: key 'workload' is not allowed in [defaults]: each [[run]] names its own"},
      {"name = \"x\"\n[defaults]\nprimitives = \"ttas\"\n[[run]]\nworkload = \"lock\"\n",
       ":3: unknown key 'primitives' in [defaults]; accepted: primitive, workers, mode, duration, ops, warmup, "
       "repetitions, cs-ns, outside-ns, outside-scale, cs-lines, permits, read-percent, producers, consumers, "
       "capacity, wait, consume-ns, rate, ttl, wait-timeout, retry-interval, hold, fencing, renew, keys, zipf, per-key, "
       "on-busy, locks, take, order, on-conflict, jobs, claim, batch, lease, long-transaction, rows, level, update, lock-timeout, prefetch, autoack, confirm, persistent, pattern, cancel, pin, sample, seed, timeout"},
      {"name = \"x\"\n[[run]]\nworkload = \"lock\"\nops = 1000\nduration = \"1s\"\n",
       ":5: keys 'ops' and 'duration' exclude each other in one table: a run is bounded by an operation count or "
       "by time"},
      {"name = \"x\"\n[[run]]\nworkload = \"lock\"\ncs-lines = 100\n",
       ":4: key 'cs-lines' must be an integer from 1 to 64, not 100"},
      {"name = \"x\"\n[[run]]\nworkload = \"lock\"\ncs-ns = 1.5\n",
       ":4: key 'cs-ns' must be an integer from 0 to 1000000000, not a floating-point number"},
      {"name = \"x\"\n[[run]]\nworkload = \"lock\"\nmode = \"fast\"\n",
       ":4: key 'mode' must be \"threads\", \"processes\" or \"both\", not \"fast\""},
      {"name = \"x\"\n[[run]]\nworkload = \"locks\"\n",
       ":3: key 'workload' must be \"lock\", \"semaphore\", \"rw\", \"pingpong\", \"queue\", \"pairs\", "
       "\"trylock\", \"lease\", \"keyed\", \"deadlock\", \"jobs\", \"tasks\" or \"isolation\", not "
       "\"locks\""},
      {"name = \"x\"\n[[run]]\nworkload = \"lock\"\nworkers = [1, \"2\"]\n",
       ":4: key 'workers' must be an integer, an array of integers or a string like \"1,2,4\", not an array "
       "holding a string"},
      {"name = \"x\"\n[[run]]\nworkload = \"lock\"\nprimitive = []\n",
       ":4: key 'primitive' must be a string (names separated by commas, or \"all\") or an array of strings, not "
       "an empty array"},
      {"name = \"x\"\n[[run]]\nworkload = \"lock\"\noutside-scale = 1\n",
       ":4: key 'outside-scale' must be a boolean (true or false), not an integer"},
      {"name = \"x\"\n[defaults]\nwarmup = 100\n[[run]]\nworkload = \"lock\"\n",
       ":3: key 'warmup' must be a duration string like \"500ms\" or \"2s\", not an integer"},
      {"name = \"x\"\n[defaults]\nduration = \"fast\"\n[[run]]\nworkload = \"lock\"\n",
       ":3: key 'duration': 'fast' is not a duration; expected a number with a unit "},
      {"name = \"x\"\nlabel = \"y\"\n[[run]]\nworkload = \"lock\"\n",
       ":2: unknown key 'label' at the top level; accepted: name, description, [defaults], [[run]]"},
      {"name = 3\n[[run]]\nworkload = \"lock\"\n", ":1: key 'name' must be a non-empty string, not an integer"},
      {"name = \"x\"\n[run]\nworkload = \"lock\"\n",
       ":2: key 'run' must be an array of tables, written [[run]], not a table"},
  };
  for (const auto& [text, expected] : cases) {
    const TempSuite file(text);
    const std::string error = load_error(file.path());
    EXPECT_EQ(error.substr(0, file.path().size() + expected.size()), file.path() + expected) << text;
  }
  const TempSuite no_runs("name = \"x\"\n");
  EXPECT_EQ(load_error(no_runs.path()), no_runs.path() + ": no [[run]] table; a suite needs at least one");
}

}  // namespace
}  // namespace contend::cli

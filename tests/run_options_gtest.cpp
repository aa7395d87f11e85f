// Unit tests of option parsing and plan building: every bad value names its option and what it
// accepts; good options expand into the configurations a user expects.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "cli/parse.hpp"
#include "cli/run_options.hpp"
#include "cli/usage_error.hpp"
#include "tests/usage_error_of.hpp"

namespace contend::cli {
namespace {

TEST(ParseDuration, AcceptsUnits) {
  EXPECT_EQ(parse_duration_ns("--duration", "500ms"), 500'000'000);
  EXPECT_EQ(parse_duration_ns("--duration", "2s"), 2'000'000'000);
  EXPECT_EQ(parse_duration_ns("--duration", "1.5s"), 1'500'000'000);
  EXPECT_EQ(parse_duration_ns("--duration", "250us"), 250'000);
  EXPECT_EQ(parse_duration_ns("--duration", "100ns"), 100);
  EXPECT_EQ(parse_duration_ns("--duration", "1m"), 60'000'000'000);
  EXPECT_EQ(parse_duration_ns("--warmup", "0"), 0);
}

TEST(ParseDuration, RejectsWithTheOptionNameAndTheForm) {
  for (const char* bad : {"", "5", "-5s", "fast", "5 s", "5sec", "1.2.3s", "ms", "25h"}) {
    const std::string msg = usage_error_of([&] { parse_duration_ns("--duration", bad); });
    EXPECT_EQ(msg.rfind("--duration: ", 0), 0u) << bad << " -> " << msg;
  }
  EXPECT_NE(usage_error_of([] { parse_duration_ns("--duration", "fast"); }).find("e.g. 500ms or 2s"),
            std::string::npos);
}

TEST(ParseIntList, AcceptsAndRejects) {
  EXPECT_EQ(parse_int_list("--workers", "1,2,4", 1, 512), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(parse_int_list("--workers", "8", 1, 512), (std::vector<int>{8}));
  for (const char* bad : {"", "0", "1,,2", "1,x", "513", "-1", "2,2", "1.5", "1,"}) {
    const std::string msg = usage_error_of([&] { parse_int_list("--workers", bad, 1, 512); });
    EXPECT_EQ(msg.rfind("--workers: ", 0), 0u) << bad << " -> " << msg;
  }
}

TEST(BuildPlan, DefaultsExpandAllVisibleLocksOnThreads) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  const PlanOutcome out = build_run_plan(o, registry);
  // Every visible lock x workers 1,2,4; planted bugs and locks kept on a server are not in "all".
  const auto visible = registry.visible(Family::lock, false);
  const auto locks = static_cast<std::size_t>(
      std::count_if(visible.begin(), visible.end(), [](const RegistryEntry* e) { return e->info.backend.empty(); }));
  ASSERT_GE(locks, 4u);
  ASSERT_EQ(out.plan.configs.size(), 3 * locks);
  for (const RunSpec& s : out.plan.configs) {
    EXPECT_EQ(s.mode, Mode::threads);
    EXPECT_EQ(s.duration_ns, 500'000'000);
    EXPECT_EQ(s.repetitions, 5);
    EXPECT_EQ(s.sample_every, 16u);
    EXPECT_EQ(s.primitive.rfind("broken", 0), std::string::npos);
  }
}

TEST(BuildPlan, BothModesSkipPrivatePrimitivesOnProcessesWithANote) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  set_option(o, "mode", "both");
  set_option(o, "workers", "2");
  const PlanOutcome out = build_run_plan(o, registry);
  std::size_t locks = 0;
  std::size_t shared = 0;
  for (const RegistryEntry* e : registry.visible(Family::lock, false)) {
    if (!e->info.backend.empty()) continue;  // kept on a server: never in "all"
    ++locks;
    if (e->info.process_shared) ++shared;
  }
  EXPECT_EQ(out.plan.configs.size(), locks + shared);
  ASSERT_EQ(out.notes.size(), locks - shared);
  EXPECT_NE(out.notes[0].find("std-mutex"), std::string::npos);
}

TEST(BuildPlan, NamedPrivatePrimitiveWithBothModesRunsOnThreadsWithANote) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  set_option(o, "primitive", "std-mutex,pthread-mutex");
  set_option(o, "mode", "both");
  set_option(o, "workers", "2");
  const PlanOutcome out = build_run_plan(o, registry);
  ASSERT_EQ(out.plan.configs.size(), 3u);  // std-mutex on threads; pthread-mutex on both
  EXPECT_EQ(out.plan.configs[0].primitive, "std-mutex");
  EXPECT_EQ(out.plan.configs[0].mode, Mode::threads);
  ASSERT_EQ(out.notes.size(), 1u);
  EXPECT_NE(out.notes[0].find("std-mutex is not process-shared"), std::string::npos) << out.notes[0];
}

TEST(BuildPlan, BothModesWithOnlyPrivatePrimitivesIsRefused) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  set_option(o, "primitive", "std-mutex,mcs");
  set_option(o, "mode", "both");
  const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_NE(msg.find("--mode both"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pthread-mutex"), std::string::npos) << "names the process-shared alternatives: " << msg;
}

TEST(BuildPlan, ExplicitPrivatePrimitiveOnProcessesIsRefusedWithAlternatives) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  set_option(o, "primitive", "std-mutex");
  set_option(o, "mode", "processes");
  const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_NE(msg.find("std-mutex"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pthread-mutex"), std::string::npos) << "names the process-shared alternatives: " << msg;
}

TEST(BuildPlan, OptionsThatDoNotApplyAreRefused) {
  const Registry registry = Registry::builtin();
  RunOptions lock;
  set_option(lock, "permits", "2");
  EXPECT_NE(usage_error_of([&] { build_run_plan(lock, registry); }).find("--permits"), std::string::npos);
  RunOptions sem;
  sem.workload = Workload::semaphore;
  set_option(sem, "cs-lines", "1");
  EXPECT_NE(usage_error_of([&] { build_run_plan(sem, registry); }).find("--cs-lines"), std::string::npos);
}

TEST(BuildPlan, PingpongDefaultsToOnePairOfWorkers) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::pingpong;
  const PlanOutcome out = build_run_plan(o, registry);
  EXPECT_EQ(out.plan.configs.size(), registry.visible(Family::pingpong, false).size());
  for (const RunSpec& s : out.plan.configs) EXPECT_EQ(s.workers, 2) << s.primitive;
  set_option(o, "workers", "2,4,8");
  EXPECT_EQ(build_run_plan(o, registry).plan.configs.size(), 3 * out.plan.configs.size());
}

TEST(BuildPlan, PingpongRefusesAnOddWorkerCount) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::pingpong;
  for (const char* odd : {"1", "3", "2,3,4"}) {
    set_option(o, "workers", odd);
    const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
    EXPECT_EQ(msg.rfind("--workers: ", 0), 0u) << odd << " -> " << msg;
    EXPECT_NE(msg.find("even"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST(BuildPlan, PingpongRefusesTheWorkAndPermitOptions) {
  const Registry registry = Registry::builtin();
  // The option as given, with a valid value.
  const std::pair<std::string_view, const char*> inapplicable[] = {
      {"cs-ns=10", "--cs-ns"},       {"outside-ns=10", "--outside-ns"}, {"outside-scale=true", "--outside-scale"},
      {"cs-lines=2", "--cs-lines"}, {"permits=2", "--permits"},        {"read-percent=50", "--read-percent"},
  };
  for (const auto& [given, option] : inapplicable) {
    RunOptions o;
    o.workload = Workload::pingpong;
    set_option(o, given.substr(0, given.find('=')), given.substr(given.find('=') + 1));
    const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
    EXPECT_EQ(msg.rfind(std::string(option) + " applies to ", 0), 0u) << option << " -> " << msg;
    EXPECT_NE(msg.find("not pingpong"), std::string::npos) << msg;
  }
}

TEST(BuildPlan, QueuePairsEveryProducerCountWithEveryConsumerCount) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::queue;
  set_option(o, "primitive", "ring,monitor-queue");
  set_option(o, "producers", "1,2");
  set_option(o, "consumers", "1,3");
  set_option(o, "capacity", "64");
  set_option(o, "wait", "yield");
  const PlanOutcome out = build_run_plan(o, registry);
  ASSERT_EQ(out.plan.configs.size(), 2u * 4u);
  const RunSpec& s = out.plan.configs[3];
  EXPECT_EQ(s.primitive, "ring");
  EXPECT_EQ(s.producers, 2);
  EXPECT_EQ(s.workers, 5);
  EXPECT_EQ(s.capacity, 64u);
  EXPECT_EQ(s.wait, QueueWait::yield);
  EXPECT_EQ(config_name(s), "queue/ring/threads/producers:2/consumers:3/capacity:64/wait:yield");
}

TEST(BuildPlan, QueueLeavesOutOfAllWhatCannotRunAndRefusesItByName) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::queue;
  set_option(o, "producers", "1,2");
  PlanOutcome out = build_run_plan(o, registry);
  // spsc-ring runs 1p1c only; the others run both shapes.
  const auto spsc = std::count_if(out.plan.configs.begin(), out.plan.configs.end(),
                                  [](const RunSpec& s) { return s.primitive == "spsc-ring"; });
  EXPECT_EQ(spsc, 1);
  EXPECT_EQ(out.notes, std::vector<std::string>{"spsc-ring allows one producer and one consumer only: left out of "
                                                "those runs"});
  set_option(o, "primitive", "spsc-ring");
  std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_EQ(msg.rfind("--producers/--consumers: 'spsc-ring' allows one producer and one consumer only", 0), 0u)
      << msg;

  o = RunOptions{};
  o.workload = Workload::queue;
  set_option(o, "wait", "block");
  out = build_run_plan(o, registry);
  EXPECT_FALSE(out.plan.configs.empty());
  for (const RunSpec& s : out.plan.configs) {
    EXPECT_TRUE(registry.find(s.primitive)->info.blocking) << s.primitive << ": blocking queues only";
  }
  set_option(o, "primitive", "ring");
  msg = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_EQ(msg.rfind("--wait block: 'ring' has no blocking push and pop", 0), 0u) << msg;
  EXPECT_NE(msg.find("monitor-queue"), std::string::npos) << msg;
}

TEST(BuildPlan, QueueOptionsAreCheckedAndBelongToTheQueueWorkload) {
  const Registry registry = Registry::builtin();
  for (std::uint32_t bad : {0u, 1u, 3u, 1000u, (1u << 24) * 2}) {
    RunOptions o;
    o.workload = Workload::queue;
    o.knobs.set(KnobId::capacity, {std::int64_t{bad}});  // as if set by code: the plan checks it too
    const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
    EXPECT_EQ(msg.rfind("--capacity: expected a power of two from 2 to 16777216", 0), 0u) << bad << " -> " << msg;
  }
  for (const char* bad : {"0", "x", "1,1"}) {
    RunOptions o;
    o.workload = Workload::queue;
    const std::string msg = usage_error_of([&] { set_option(o, "consumers", bad); });
    EXPECT_EQ(msg.rfind("--consumers: ", 0), 0u) << bad << " -> " << msg;
  }
  {
    RunOptions o;
    o.workload = Workload::queue;
    set_option(o, "workers", "1");
    EXPECT_EQ(usage_error_of([&] { build_run_plan(o, registry); }).rfind("--workers: the queue workload counts", 0),
              0u);
    o.knobs.clear(KnobId::workers);
    set_option(o, "cs-ns", "0");
    EXPECT_EQ(usage_error_of([&] { build_run_plan(o, registry); }).rfind("--cs-ns applies to", 0), 0u);
  }
  {
    RunOptions o;
    o.workload = Workload::queue;
    set_option(o, "producers", "4");
    set_option(o, "ops", "3");
    EXPECT_EQ(usage_error_of([&] { build_run_plan(o, registry); }).rfind("--ops: 3 items are fewer than the 4 producers", 0),
              0u);
  }
  const std::pair<std::string_view, const char*> queue_only[] = {
      {"1", "--producers"},
      {"1", "--consumers"},
      {"0", "--consume-ns"},
  };
  for (Workload other : {Workload::lock, Workload::pairs}) {
    for (const auto& [given, option] : queue_only) {
      RunOptions o;
      o.workload = other;
      set_option(o, std::string_view(option).substr(2), given);
      const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
      EXPECT_EQ(msg, fmt::format("{} applies to the queue workload only, not {}", option, to_string(other)));
    }
  }
  {
    // --rate: an open loop for the queue's producers and the lock's workers; stress refuses it for
    // the lock (its checks want a closed loop).
    RunOptions o;
    o.workload = Workload::pairs;
    set_option(o, "rate", "1000");
    EXPECT_EQ(usage_error_of([&] { build_run_plan(o, registry); }), "--rate applies to the lock and queue workloads only, not pairs");
    RunOptions lock;
    lock.workload = Workload::lock;
    lock.stress = true;
    set_option(lock, "rate", "1000");
    EXPECT_EQ(usage_error_of([&] { build_run_plan(lock, registry); }).rfind("--rate: stress drives the lock workload", 0), 0u);
  }
  for (const auto& [given, option] : {std::pair{"1024", "--capacity"}, std::pair{"spin", "--wait"}}) {
    RunOptions o;
    set_option(o, std::string_view(option).substr(2), given);
    const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
    const std::string_view takers = std::string_view(option) == "--capacity" ? "queue, pairs and tasks workloads"
                                                                             : "queue and pairs workloads only";
    EXPECT_EQ(msg, fmt::format("{} applies to the {}, not lock", option, takers)) << msg;
  }
}

TEST(BuildPlan, QueueRateSweepsEveryShape) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::queue;
  set_option(o, "primitive", "ring");
  set_option(o, "consumers", "1,2");
  set_option(o, "rate", "1000,50000");
  const PlanOutcome out = build_run_plan(o, registry);
  ASSERT_EQ(out.plan.configs.size(), 4u);
  EXPECT_EQ(out.plan.configs[1].rate, 50000u);
  EXPECT_EQ(config_name(out.plan.configs[1]), "queue/ring/threads/producers:1/consumers:1/capacity:1024/wait:spin/rate:50000");
  EXPECT_EQ(usage_error_of([&] { set_option(o, "rate", "0"); }).rfind("--rate: ", 0), 0u);
}

// A choice that sweeps takes a list, each value one configuration; a value not among the choices
// is refused by name, with the ones accepted.
TEST(BuildPlan, AChoiceThatSweepsTakesAList) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::jobs;
  set_option(o, "long-transaction", "off,on");
  EXPECT_EQ(o.knobs.values(KnobId::long_transaction).size(), 2u);
  const std::string bad = usage_error_of([&] { set_option(o, "long-transaction", "off,maybe"); });
  EXPECT_EQ(bad, "--long-transaction: expected \"off\" or \"on\" (or a list of them, e.g. off,on), not 'maybe'");
  RunOptions lock;
  lock.workload = Workload::isolation;
  EXPECT_NE(usage_error_of([&] { set_option(lock, "level", "read-committed,serializable"); }).find("not '"),
            std::string::npos)
      << "a choice that does not sweep takes one value";
  RunOptions memory;
  memory.workload = Workload::jobs;
  set_option(memory, "long-transaction", "on");
  EXPECT_NE(usage_error_of([&] { build_run_plan(memory, registry); }).find("jobs-mem is a table in memory"),
            std::string::npos);
}

TEST(BuildPlan, PairsRunsWorkersThatPushAndPop) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::pairs;
  set_option(o, "workers", "1,4");
  set_option(o, "outside-ns", "50");
  set_option(o, "capacity", "16");
  PlanOutcome out = build_run_plan(o, registry);
  // Every visible queue in memory but the single-producer one, at each worker count (a broker's
  // queue, amqp-queue, runs no pairs and is never among "all").
  std::size_t queues = 0;
  for (const RegistryEntry* e : registry.visible(Family::queue, false)) queues += e->info.backend.empty() ? 1 : 0;
  EXPECT_EQ(out.plan.configs.size(), 2 * (queues - 1));
  for (const RunSpec& s : out.plan.configs) {
    EXPECT_NE(s.primitive, "spsc-ring");
    EXPECT_EQ(s.capacity, 16u);
    EXPECT_EQ(s.producers, 0);
  }
  set_option(o, "primitive", "spsc-ring");
  EXPECT_EQ(usage_error_of([&] { build_run_plan(o, registry); }).rfind("--primitive: 'spsc-ring' allows one producer", 0),
            0u);
  set_option(o, "primitive", "all");
  set_option(o, "cs-ns", "0");
  EXPECT_EQ(usage_error_of([&] { build_run_plan(o, registry); }),
            "--cs-ns applies to the lock, semaphore, rw, trylock, keyed, deadlock, jobs, tasks and isolation workloads, not "
            "pairs; the "
            "delay between a push and a pop is --outside-ns");
}

TEST(BuildPlan, UnknownAndWrongFamilyPrimitivesNameTheChoices) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  set_option(o, "primitive", "ticket-lock");
  const std::string unknown = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_NE(unknown.find("unknown primitive 'ticket-lock'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("ttas-backoff"), std::string::npos) << unknown;
  set_option(o, "primitive", "posix-sem");
  const std::string wrong = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_NE(wrong.find("is a semaphore"), std::string::npos) << wrong;
}

TEST(BuildPlan, SemaphoresThatCannotHoldThePermitsAreLeftOutOrRefused) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::semaphore;
  set_option(o, "permits", "2");
  const PlanOutcome all = build_run_plan(o, registry);
  for (const RunSpec& s : all.plan.configs) EXPECT_NE(s.primitive, "std-binary");
  bool noted = false;
  for (const auto& n : all.notes) noted = noted || n.find("std-binary holds at most 1") != std::string::npos;
  EXPECT_TRUE(noted);
  set_option(o, "primitive", "std-binary");
  EXPECT_NE(usage_error_of([&] { build_run_plan(o, registry); }).find("--permits 1"), std::string::npos);
  set_option(o, "permits", "1");
  EXPECT_EQ(build_run_plan(o, registry).plan.configs.size(), 3u);
}

TEST(BuildPlan, PlantedBugsRunByName) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  set_option(o, "primitive", "broken-hang");
  set_option(o, "workers", "1");
  EXPECT_EQ(build_run_plan(o, registry).plan.configs.size(), 1u);
}

TEST(BuildPlan, OperationCountReplacesDuration) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  set_option(o, "primitive", "nolock");
  set_option(o, "workers", "2");
  set_option(o, "ops", "1000");
  const PlanOutcome out = build_run_plan(o, registry);
  ASSERT_EQ(out.plan.configs.size(), 1u);
  EXPECT_EQ(out.plan.configs[0].operations, 1000u);
  EXPECT_EQ(out.plan.configs[0].duration_ns, 0);
}

TEST(BuildPlan, OutsideScaleNeedsOutsideWork) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  set_option(o, "outside-scale", "true");
  EXPECT_NE(usage_error_of([&] { build_run_plan(o, registry); }).find("--outside-scale"), std::string::npos);
  set_option(o, "outside-ns", "100");
  set_option(o, "workers", "4");
  set_option(o, "primitive", "nolock");
  const PlanOutcome out = build_run_plan(o, registry);
  ASSERT_EQ(out.plan.configs.size(), 1u);
  EXPECT_EQ(effective_outside_ns(out.plan.configs[0]), 400u);
  EXPECT_EQ(config_name(out.plan.configs[0]), "lock/nolock/threads/workers:4/outside:100nsxworkers");
}

TEST(ConfigName, IsStableAndNamesNonDefaultKnobs) {
  RunSpec s;
  s.primitive = "std-mutex";
  s.workers = 4;
  EXPECT_EQ(config_name(s), "lock/std-mutex/threads/workers:4");
  s.cs_ns = 100;
  s.mode = Mode::processes;
  EXPECT_EQ(config_name(s), "lock/std-mutex/processes/workers:4/cs:100ns");
  RunSpec sem;
  sem.workload = Workload::semaphore;
  sem.primitive = "posix-sem";
  sem.permits = 3;
  EXPECT_EQ(config_name(sem), "semaphore/posix-sem/threads/workers:1/permits:3");
  RunSpec pingpong;
  pingpong.workload = Workload::pingpong;
  pingpong.primitive = "futex";
  pingpong.mode = Mode::processes;
  pingpong.workers = 2;
  EXPECT_EQ(config_name(pingpong), "pingpong/futex/processes/workers:2");
}

}  // namespace
}  // namespace contend::cli

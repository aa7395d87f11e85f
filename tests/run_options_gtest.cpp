// Unit tests of option parsing and plan building: every bad value names its option and what it
// accepts; good options expand into the configurations a user expects.
#include <gtest/gtest.h>

#include "cli/parse.hpp"
#include "cli/run_options.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {
namespace {

template <class F>
std::string usage_error_of(F f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

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
  // Every visible lock x workers 1,2,4; planted bugs are not in "all".
  const std::size_t locks = registry.visible(Family::lock, false).size();
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
  o.mode = ModeChoice::both;
  o.workers = "2";
  const PlanOutcome out = build_run_plan(o, registry);
  std::size_t locks = 0;
  std::size_t shared = 0;
  for (const RegistryEntry* e : registry.visible(Family::lock, false)) {
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
  o.primitives = "std-mutex,pthread-mutex";
  o.mode = ModeChoice::both;
  o.workers = "2";
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
  o.primitives = "std-mutex,mcs";
  o.mode = ModeChoice::both;
  const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_NE(msg.find("--mode both"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pthread-mutex"), std::string::npos) << "names the process-shared alternatives: " << msg;
}

TEST(BuildPlan, ExplicitPrivatePrimitiveOnProcessesIsRefusedWithAlternatives) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.primitives = "std-mutex";
  o.mode = ModeChoice::processes;
  const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_NE(msg.find("std-mutex"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pthread-mutex"), std::string::npos) << "names the process-shared alternatives: " << msg;
}

TEST(BuildPlan, OptionsThatDoNotApplyAreRefused) {
  const Registry registry = Registry::builtin();
  RunOptions lock;
  lock.permits_given = true;
  EXPECT_NE(usage_error_of([&] { build_run_plan(lock, registry); }).find("--permits"), std::string::npos);
  RunOptions sem;
  sem.workload = Workload::semaphore;
  sem.cs_lines_given = true;
  EXPECT_NE(usage_error_of([&] { build_run_plan(sem, registry); }).find("--cs-lines"), std::string::npos);
}

TEST(BuildPlan, PingpongDefaultsToOnePairOfWorkers) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::pingpong;
  const PlanOutcome out = build_run_plan(o, registry);
  EXPECT_EQ(out.plan.configs.size(), registry.visible(Family::pingpong, false).size());
  for (const RunSpec& s : out.plan.configs) EXPECT_EQ(s.workers, 2) << s.primitive;
  o.workers = "2,4,8";
  EXPECT_EQ(build_run_plan(o, registry).plan.configs.size(), 3 * out.plan.configs.size());
}

TEST(BuildPlan, PingpongRefusesAnOddWorkerCount) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::pingpong;
  for (const char* odd : {"1", "3", "2,3,4"}) {
    o.workers = odd;
    const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
    EXPECT_EQ(msg.rfind("--workers: ", 0), 0u) << odd << " -> " << msg;
    EXPECT_NE(msg.find("even"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST(BuildPlan, PingpongRefusesTheWorkAndPermitOptions) {
  const Registry registry = Registry::builtin();
  const std::pair<bool RunOptions::*, const char*> inapplicable[] = {
      {&RunOptions::cs_ns_given, "--cs-ns"},
      {&RunOptions::outside_ns_given, "--outside-ns"},
      {&RunOptions::outside_scale, "--outside-scale"},
      {&RunOptions::cs_lines_given, "--cs-lines"},
      {&RunOptions::permits_given, "--permits"},
      {&RunOptions::read_percent_given, "--read-percent"},
  };
  for (const auto& [given, option] : inapplicable) {
    RunOptions o;
    o.workload = Workload::pingpong;
    o.*given = true;
    const std::string msg = usage_error_of([&] { build_run_plan(o, registry); });
    EXPECT_EQ(msg.rfind(std::string(option) + " applies to ", 0), 0u) << option << " -> " << msg;
    EXPECT_NE(msg.find("not pingpong"), std::string::npos) << msg;
  }
}

TEST(BuildPlan, UnknownAndWrongFamilyPrimitivesNameTheChoices) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.primitives = "ticket-lock";
  const std::string unknown = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_NE(unknown.find("unknown primitive 'ticket-lock'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("ttas-backoff"), std::string::npos) << unknown;
  o.primitives = "posix-sem";
  const std::string wrong = usage_error_of([&] { build_run_plan(o, registry); });
  EXPECT_NE(wrong.find("is a semaphore"), std::string::npos) << wrong;
}

TEST(BuildPlan, SemaphoresThatCannotHoldThePermitsAreLeftOutOrRefused) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.workload = Workload::semaphore;
  o.permits = 2;
  const PlanOutcome all = build_run_plan(o, registry);
  for (const RunSpec& s : all.plan.configs) EXPECT_NE(s.primitive, "std-binary");
  bool noted = false;
  for (const auto& n : all.notes) noted = noted || n.find("std-binary holds at most 1") != std::string::npos;
  EXPECT_TRUE(noted);
  o.primitives = "std-binary";
  EXPECT_NE(usage_error_of([&] { build_run_plan(o, registry); }).find("--permits 1"), std::string::npos);
  o.permits = 1;
  EXPECT_EQ(build_run_plan(o, registry).plan.configs.size(), 3u);
}

TEST(BuildPlan, PlantedBugsRunByName) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.primitives = "broken-hang";
  o.workers = "1";
  EXPECT_EQ(build_run_plan(o, registry).plan.configs.size(), 1u);
}

TEST(BuildPlan, OperationCountReplacesDuration) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.primitives = "nolock";
  o.workers = "2";
  o.operations = 1000;
  const PlanOutcome out = build_run_plan(o, registry);
  ASSERT_EQ(out.plan.configs.size(), 1u);
  EXPECT_EQ(out.plan.configs[0].operations, 1000u);
  EXPECT_EQ(out.plan.configs[0].duration_ns, 0);
}

TEST(BuildPlan, OutsideScaleNeedsOutsideWork) {
  const Registry registry = Registry::builtin();
  RunOptions o;
  o.outside_scale = true;
  EXPECT_NE(usage_error_of([&] { build_run_plan(o, registry); }).find("--outside-scale"), std::string::npos);
  o.outside_ns = 100;
  o.workers = "4";
  o.primitives = "nolock";
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

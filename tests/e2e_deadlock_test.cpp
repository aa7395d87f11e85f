// End-to-end: the deadlock workload as a user meets it — a lock-order inversion reported with
// its locks and workers even at one worker and when conflicts back off, a real deadlock ended
// within the confirmation time and named by its cycle (in `run` too), sorted order running a
// million operations without one, restarts and timeouts counted, and bad options refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

using nlohmann::json;
using Deadlock = NoLeftoversTest;

TEST_F(Deadlock, AnInversionIsReportedEvenAtOneWorker) {
  const RunOutput r = run_contend({"stress", "deadlock", "-p", "std-mutex", "-w", "1", "--order", "random", "-d",
                                   "200ms"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("lock order: violation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": worker 0 took "), std::string::npos) << r.out;  // the workers that took each order
  // `run` counts them as an event and measures on.
  const RunOutput run = run_contend({"run", "deadlock", "-p", "std-mutex", "-w", "1", "--order", "random", "-d",
                                     "100ms", "-r", "1", "--format", "json"},
                                    60);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json doc = json::parse(run.out);
  EXPECT_GT(doc["contend"]["configurations"][0]["repetitions"][0]["events"]["inversions"].get<std::uint64_t>(), 0u);
}

TEST_F(Deadlock, ARealDeadlockIsNamedByItsCycle) {
  const RunOutput r = run_contend({"stress", "deadlock", "-p", "std-mutex", "-w", "2", "--order", "random", "-d",
                                   "5s"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find(" deadlock "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("waits for lock"), std::string::npos) << r.out;
  EXPECT_LT(r.seconds, 4.0) << r.out;  // ended by the watch, not by the 5 s run or the stall
  // `run` has no --stall, yet ends it the same way.
  const RunOutput run = run_contend({"run", "deadlock", "-p", "std-mutex", "-w", "4", "--order", "random", "-d",
                                     "5s", "-r", "1"},
                                    60);
  EXPECT_EQ(run.exit_code, 1) << run.err << run.out;
  EXPECT_NE(run.out.find("deadlock: worker"), std::string::npos) << run.out;
  EXPECT_LT(run.seconds, 4.0) << run.out;
}

TEST_F(Deadlock, SortedOrderRunsAMillionOperationsWithoutOne) {
  const RunOutput r = run_contend({"stress", "deadlock", "-p", "std-mutex,hybrid", "-w", "4", "--take", "3", "--ops",
                                   "1000000"},
                                  120);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("2 of 2 configurations passed every check"), std::string::npos) << r.out;
}

TEST_F(Deadlock, BackingOffCountsRestartsAndTimeouts) {
  const RunOutput r = run_contend({"run", "deadlock", "-p", "ttas", "-w", "2", "--locks", "2", "--order", "random",
                                   "--on-conflict", "timeout:50us", "--cs-ns", "2000", "-d", "200ms", "-r", "1",
                                   "--format", "json"},
                                  60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  const json& events = doc["contend"]["configurations"][0]["repetitions"][0]["events"];
  EXPECT_GT(events["restarts"].get<std::uint64_t>(), 0u) << events.dump();
  EXPECT_GT(events["timeouts"].get<std::uint64_t>(), 0u) << events.dump();
  EXPECT_GT(events["time_lost_ns"].get<std::uint64_t>(), 0u) << events.dump();
}

TEST_F(Deadlock, BadOptionsAreOneLineAndExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--on-conflict", "later"}, {"--on-conflict", "timeout:"}, {"--locks", "1"},
        {"--take", "100"}, {"--order", "up"}}) {
    std::vector<std::string> full = {"run", "deadlock", "-p", "std-mutex"};
    full.insert(full.end(), args.begin(), args.end());
    const RunOutput r = run_contend(full, 20);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(args[0]), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  const RunOutput more = run_contend({"run", "deadlock", "-p", "std-mutex", "--locks", "4", "--take", "5"}, 20);
  EXPECT_EQ(more.exit_code, 2) << more.err;
  EXPECT_NE(more.err.find("--take"), std::string::npos) << more.err;
}

}  // namespace
}  // namespace contend::test

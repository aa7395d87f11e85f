// End-to-end: the tasks workload as a user meets it — coroutines and threads run every pattern
// with their checks passing (items delivered once, in order; holders within permits), cancelled
// waits are counted and lose nothing on the coroutine runtime, the planted flaws are caught (a
// cancelled waiter that loses its permit strands every task; newest-first wakes break FIFO), and
// bad options are refused in one line.
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
using Tasks = NoLeftoversTest;

TEST_F(Tasks, EveryPatternRunsOnCoroutinesAndThreadsWithItsChecksPassing) {
  for (const char* pattern : {"queue", "lock", "semaphore"}) {
    const RunOutput r = run_contend({"run", "tasks", "-p", "coro,threads", "--pattern", pattern, "-w", "4", "-d",
                                     "100ms", "--warmup", "20ms", "-r", "1", "--format", "json"},
                                    60);
    ASSERT_EQ(r.exit_code, 0) << pattern << r.err << r.out;
    const json doc = json::parse(r.out);
    const json& configs = doc["contend"]["configurations"];
    ASSERT_EQ(configs.size(), 2u) << pattern;
    for (const json& c : configs) {
      const json& rep = c["repetitions"][0];
      EXPECT_EQ(rep["status"], "ok") << pattern << ": " << rep.dump();
      std::uint64_t ops = 0;
      for (const json& w : rep["workers"]) {
        if (w.value("role", "worker") != "producer") ops += w["operations"].get<std::uint64_t>();
      }
      EXPECT_GT(ops, 0u) << pattern << ": " << rep.dump();
      // Counted where a wait can be cancelled; threads cannot, and say nothing rather than 0.
      EXPECT_EQ(rep.contains("events") && rep["events"].contains("cancellations"), c["spec"]["primitive"] == "coro")
          << rep.dump();
    }
  }
}

TEST_F(Tasks, CancelledWaitsAreCountedAndLoseNothingOnCoroutines) {
  for (const char* pattern : {"queue", "lock", "semaphore"}) {
    const RunOutput r = run_contend({"stress", "tasks", "-p", "coro", "--pattern", pattern, "-w", "8", "--capacity",
                                     "2", "--cancel", "0.2", "-d", "300ms"},
                                    60);
    EXPECT_EQ(r.exit_code, 0) << pattern << r.err << r.out;
    const auto at = r.out.find("cancelled waits ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_NE(r.out[at + 16], '0') << r.out;
  }
}

TEST_F(Tasks, APermitLostToACancelledWaiterStrandsEveryTask) {
  const RunOutput r = run_contend({"stress", "tasks", "-p", "broken-coro-cancel-loses-permit", "--pattern",
                                   "semaphore", "-w", "8"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("lost wake-up: violation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("a permit or a wake-up was lost"), std::string::npos) << r.out;
  // In `run` the check stays on: the same flaw is a violation there too.
  const RunOutput run = run_contend({"run", "tasks", "-p", "broken-coro-cancel-loses-permit", "--pattern", "lock",
                                     "-w", "8", "--cancel", "0.05", "-d", "200ms", "-r", "1"},
                                    60);
  EXPECT_EQ(run.exit_code, 1) << run.err << run.out;
  EXPECT_NE(run.out.find("lost wake-up"), std::string::npos) << run.out;
}

TEST_F(Tasks, NewestFirstWakesBreakTheFifoContract) {
  const RunOutput r =
      run_contend({"stress", "tasks", "-p", "broken-coro-newest-first", "--pattern", "lock", "-w", "8"}, 60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("FIFO wake order: violation"), std::string::npos) << r.out;
}

TEST_F(Tasks, BadOptionsAreOneLineAndExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--pattern", "barrier"}, {"--cancel", "2"}, {"--mode", "processes"},
        {"-w", "1"}, {"--cancel", "0.1", "-p", "threads"}}) {
    std::vector<std::string> full = {"run", "tasks"};
    if (std::find(args.begin(), args.end(), "-p") == args.end()) full.insert(full.end(), {"-p", "coro"});
    full.insert(full.end(), args.begin(), args.end());
    const RunOutput r = run_contend(full, 20);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace contend::test

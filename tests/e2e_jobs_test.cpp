// End-to-end: the jobs workload as a user meets it — every claim mode drains the table with every
// job done once, a claim that reads then updates is caught doing jobs twice, a claimer killed
// holding its jobs loses them without a lease and gives them back with one, and bad options are
// refused in one line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

using nlohmann::json;
using Jobs = NoLeftoversTest;

TEST_F(Jobs, EveryClaimModeDrainsTheTable) {
  for (const char* claim : {"skip", "block", "nowait"}) {
    const RunOutput r = run_contend({"run", "jobs", "-p", "jobs-mem", "-w", "4", "--jobs", "20000", "--claim", claim,
                                     "--batch", "4", "-d", "10s", "-r", "1", "--warmup", "0", "--format", "json"},
                                    60);
    ASSERT_EQ(r.exit_code, 0) << claim << r.err;
    const json doc = json::parse(r.out);
    const json& rep = doc["contend"]["configurations"][0]["repetitions"][0];
    std::uint64_t done = 0;
    for (const json& w : rep["workers"]) done += w["operations"].get<std::uint64_t>();
    EXPECT_EQ(done, 20000u) << claim << ": " << rep.dump();
    EXPECT_LT(rep["elapsed_s"].get<double>(), 9.0) << claim;  // ended by the table running dry, not the 10 s
    EXPECT_TRUE(rep["events"].contains("conflicts")) << rep.dump();
  }
}

TEST_F(Jobs, AClaimThatReadsThenUpdatesIsCaughtDoingJobsTwice) {
  const RunOutput r = run_contend({"stress", "jobs", "-p", "broken-jobs-read-then-update", "-w", "4"}, 60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("job done once: violation"), std::string::npos) << r.out;
  const RunOutput ok = run_contend({"stress", "jobs", "-p", "jobs-mem", "--mode", "both", "--claim", "block"}, 60);
  EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
}

TEST_F(Jobs, AKilledClaimersJobsAreLostWithoutALeaseAndComeBackWithOne) {
  const std::vector<std::string> base = {"stress", "jobs", "-p", "jobs-mem", "--mode", "processes", "-w", "2",
                                         "--jobs", "100000", "--fault", "kill-holder", "--fault-every", "3000"};
  const RunOutput lost = run_contend(base, 60);
  EXPECT_EQ(lost.exit_code, 1) << lost.err << lost.out;
  EXPECT_NE(lost.out.find("no job lost: violation"), std::string::npos) << lost.out;
  EXPECT_NE(lost.out.find("--lease lets such jobs come back"), std::string::npos) << lost.out;

  std::vector<std::string> leased = base;
  leased.insert(leased.end(), {"--lease", "20ms"});
  const RunOutput back = run_contend(leased, 60);
  EXPECT_EQ(back.exit_code, 0) << back.err << back.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(back.out, m, std::regex("jobs done again (\\d+)"))) << back.out;
  EXPECT_GT(std::stoll(m[1].str()), 0) << back.out;
}

TEST_F(Jobs, BadOptionsAreOneLineAndExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--claim", "later"}, {"--batch", "0"}, {"--batch", "5000"}, {"--jobs", "0"},
        {"--lease", "soon"}}) {
    std::vector<std::string> full = {"run", "jobs", "-p", "jobs-mem"};
    full.insert(full.end(), args.begin(), args.end());
    const RunOutput r = run_contend(full, 20);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(args[0]), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace contend::test

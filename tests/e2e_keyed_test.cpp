// End-to-end: the keyed workload as a user meets it — `run` over every limiter with its events,
// `stress` catching each planted limiter by its own check while the correct ones pass in both
// modes, and bad keyed options refused in one line.
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
using Keyed = NoLeftoversTest;

TEST_F(Keyed, RunMeasuresEveryLimiterAndCountsAdmissionsAndRejections) {
  const RunOutput r = run_contend({"run", "keyed", "-w", "2", "-d", "100ms", "-r", "1", "--keys", "4", "--per-key",
                                   "1", "--on-busy", "fail", "--format", "json"},
                                  60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  std::vector<std::string> seen;
  for (const json& config : doc["contend"]["configurations"]) {
    seen.push_back(config["spec"]["primitive"]);
    EXPECT_EQ(config["spec"]["on_busy"], "fail");
    const json& rep = config["repetitions"][0];
    const std::uint64_t admitted = rep["events"]["admitted"];
    const std::uint64_t rejected = rep["events"]["rejected"];
    std::uint64_t operations = 0;
    for (const json& w : rep["workers"]) operations += w["operations"].get<std::uint64_t>();
    EXPECT_EQ(admitted + rejected, operations) << rep.dump();  // a request is admitted or turned away
    EXPECT_GT(admitted, 0u);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"keyed-atomic", "keyed-map", "keyed-striped", "keyed-sem"}));
}

TEST_F(Keyed, StressCatchesEachPlantedLimiterAndPassesTheCorrectOnes) {
  const std::vector<std::vector<std::string>> planted = {
      {"broken-keyed-check-then-add", "per-key limit: violation", "--per-key", "1", "--cs-ns", "200"},
      {"broken-keyed-no-remove", "table empty when idle: violation"},
      {"broken-keyed-off-by-one", "no spurious rejection: violation", "--on-busy", "fail"},
  };
  for (const std::vector<std::string>& c : planted) {
    std::vector<std::string> args = {"stress", "keyed", "-p", c[0], "--keys", "4", "-d", "300ms"};
    args.insert(args.end(), c.begin() + 2, c.end());
    const RunOutput r = run_contend(args, 60);
    EXPECT_EQ(r.exit_code, 1) << c[0] << r.err << r.out;
    EXPECT_NE(r.out.find(c[1]), std::string::npos) << c[0] << r.out;
  }
  for (const char* on_busy : {"wait", "fail"}) {
    const RunOutput ok = run_contend(
        {"stress", "keyed", "--keys", "4", "--per-key", "2", "--mode", "both", "-w", "4", "-d", "300ms", "--on-busy", on_busy}, 120);
    EXPECT_EQ(ok.exit_code, 0) << on_busy << ok.err << ok.out;
    EXPECT_NE(ok.out.find("8 of 8 configurations passed every check"), std::string::npos) << ok.out;
  }
}

TEST_F(Keyed, BadKeyedOptionsAreOneLineAndExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--keys", "0"}, {"--zipf", "-1"}, {"--zipf", "9"}, {"--per-key", "0"},
        {"--on-busy", "queue"}}) {
    std::vector<std::string> full = {"run", "keyed", "-p", "keyed-map"};
    full.insert(full.end(), args.begin(), args.end());
    const RunOutput r = run_contend(full, 20);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(args[0]), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace contend::test

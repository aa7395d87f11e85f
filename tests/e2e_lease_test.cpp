// End-to-end: the lease workload as a user meets it — `run` with its events in every format,
// `stress` catching each planted lease, Kleppmann's paused holder with and without fencing, a
// killed holder's lease recovered at its TTL, and bad lease options refused in one line.
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
using Lease = NoLeftoversTest;

// "stale writes accepted 12" in a stress report's events line: the count, or -1 when absent.
long long event_count(const std::string& out, const std::string& label) {
  const std::regex re(label + " (\\d+)");
  std::smatch m;
  return std::regex_search(out, m, re) ? std::stoll(m[1].str()) : -1;
}

TEST_F(Lease, RunReportsEventsInTheTableJsonAndCsv) {
  const RunOutput table = run_contend({"run", "lease", "-p", "lease-mem", "-w", "2", "-d", "200ms", "-r", "1"}, 60);
  ASSERT_EQ(table.exit_code, 0) << table.err << table.out;
  EXPECT_NE(table.out.find("lease/lease-mem/threads/workers:2: overlaps "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("wait timeouts 0"), std::string::npos) << table.out;

  const RunOutput r = run_contend({"run", "lease", "-p", "lease-mem", "-w", "2", "-d", "200ms", "-r", "1", "--mode",
                                   "processes", "--hold", "exp:50us", "--ttl", "1ms", "--format", "json"},
                                  60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  const json& config = doc["contend"]["configurations"][0];
  EXPECT_EQ(config["spec"]["hold"], "exp:50us");
  EXPECT_EQ(config["spec"]["ttl_ns"], 1'000'000);
  const json& events = config["repetitions"][0]["events"];
  for (const char* name : {"overlaps", "stale_writes_accepted", "stale_writes_rejected", "wait_timeouts",
                           "late_releases", "refusals"}) {
    EXPECT_TRUE(events.contains(name)) << name << ": " << events.dump();
  }
  EXPECT_EQ(events["stale_writes_accepted"], 0) << events.dump();  // fencing is on by default

  const RunOutput csv = run_contend({"run", "lease", "-p", "lease-mem", "-w", "2", "-d", "100ms", "-r", "1",
                                     "--format", "csv"},
                                    60);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("overlaps,stale_writes_accepted,stale_writes_rejected,wait_timeouts,late_releases,refusals,"),
            std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find("ttl_s"), std::string::npos) << csv.out;
}

// Each planted lease is caught by its own check; the correct one beside them passes.
TEST_F(Lease, StressCatchesEachPlantedLease) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"broken-lease-no-token", "release by token: violation"},
      {"broken-lease-no-expiry", "lease expiry: violation"},
      {"broken-lease-fence-reuse", "fences increase: violation"},
      {"broken-lease-race", "lease exclusion: violation"},
  };
  for (const auto& [primitive, finding] : cases) {
    const RunOutput r = run_contend({"stress", "lease", "-p", primitive, "-w", "4", "-d", "500ms"}, 60);
    EXPECT_EQ(r.exit_code, 1) << primitive << r.err << r.out;
    EXPECT_NE(r.out.find(finding), std::string::npos) << primitive << r.out;
    EXPECT_NE(r.out.find("reproduce: contend stress lease -p " + primitive), std::string::npos) << r.out;
  }
  // At stress's own duration (1 s): 4 workers sharing one lease need it for 1000 leases each.
  const RunOutput ok = run_contend({"stress", "lease", "-p", "lease-mem", "--mode", "both"}, 60);
  EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
  EXPECT_NE(ok.out.find("4 of 4 configurations passed every check"), std::string::npos) << ok.out;
}

// Kleppmann's test: a holder paused past its TTL writes late. Without fencing the resource takes
// the stale write; with fencing it refuses it. Either way the overlap is counted, not a violation.
TEST_F(Lease, APausedHolderWritesStaleUnlessFenced) {
  const std::vector<std::string> base = {"stress", "lease", "-p", "lease-mem", "--mode", "processes", "-w", "2",
                                         "-d", "500ms", "--fault", "pause-holder:3ms", "--fault-every", "50"};
  std::vector<std::string> unfenced = base;
  unfenced.insert(unfenced.end(), {"--fencing", "off"});
  const RunOutput off = run_contend(unfenced, 60);
  EXPECT_EQ(off.exit_code, 0) << off.err << off.out;
  EXPECT_GT(event_count(off.out, "overlaps"), 0) << off.out;
  EXPECT_GT(event_count(off.out, "stale writes accepted"), 0) << off.out;

  const RunOutput on = run_contend(base, 60);
  EXPECT_EQ(on.exit_code, 0) << on.err << on.out;
  EXPECT_GT(event_count(on.out, "overlaps"), 0) << on.out;
  EXPECT_EQ(event_count(on.out, "stale writes accepted"), 0) << on.out;
  EXPECT_GT(event_count(on.out, "stale writes rejected"), 0) << on.out;
}

// --renew on: a holder that keeps its lease past the TTL extends it (every TTL/3), so the next
// caller no longer gets in beside it; a paused holder renews nothing, and fencing still has to
// reject its late write.
TEST_F(Lease, RenewalKeepsALongHoldExclusiveButNotAPausedOne) {
  const std::vector<std::string> base = {"run", "lease", "-p", "lease-mem", "-w", "2", "--ttl", "30ms", "--hold",
                                         "80ms", "-d", "600ms", "-r", "1"};
  const RunOutput off = run_contend(base, 60);
  ASSERT_EQ(off.exit_code, 0) << off.err << off.out;
  std::vector<std::string> renewing = base;
  renewing.insert(renewing.end(), {"--renew", "on"});
  const RunOutput on = run_contend(renewing, 60);
  ASSERT_EQ(on.exit_code, 0) << on.err << on.out;
  EXPECT_GE(event_count(off.out, "overlaps"), 3) << off.out;  // every hold outlives the TTL
  // A renewal misses only when its holder was held up for 20 ms (two thirds of the TTL).
  EXPECT_LT(event_count(on.out, "overlaps"), event_count(off.out, "overlaps")) << on.out;
  EXPECT_NE(on.out.find("renew:on"), std::string::npos) << on.out;

  const RunOutput paused =
      run_contend({"stress", "lease", "-p", "lease-mem", "--mode", "processes", "-w", "2", "-d", "500ms", "--fault",
                   "pause-holder:3ms", "--fault-every", "50", "--renew", "on"},
                  60);
  EXPECT_EQ(paused.exit_code, 0) << paused.err << paused.out;
  EXPECT_GT(event_count(paused.out, "overlaps"), 0) << paused.out;
  EXPECT_EQ(event_count(paused.out, "stale writes accepted"), 0) << paused.out;
  EXPECT_GT(event_count(paused.out, "stale writes rejected"), 0) << paused.out;
}

// A killed holder's lease comes back at its TTL: the recovery time is reported, no violation.
TEST_F(Lease, AKilledHoldersLeaseIsRecoveredAtItsTtl) {
  const RunOutput r = run_contend({"stress", "lease", "-p", "lease-mem", "--mode", "processes", "-w", "2", "-d",
                                   "500ms", "--ttl", "5ms", "--hold", "20us", "--fault", "kill-holder", "--fault-every",
                                   "300", "--format", "json"},
                                  60);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  const json doc = json::parse(r.out);
  const json& rep = doc["contend"]["configurations"][0]["repetitions"][0];
  ASSERT_TRUE(rep.contains("faults")) << r.out;
  EXPECT_GT(rep["faults"]["recovered"].get<std::uint64_t>(), 0u) << rep.dump();
  // Kill to the next grant: at least the TTL left (the kill comes right after a grant), and it
  // must come back (a waiter sleeps until the expiry, so well under a second).
  EXPECT_GE(rep["faults"]["recovery_ns"]["p50"].get<std::uint64_t>(), 4'000'000u) << rep.dump();
  EXPECT_LT(rep["faults"]["recovery_ns"]["max"].get<std::uint64_t>(), 1'000'000'000u) << rep.dump();
}

TEST_F(Lease, BadLeaseOptionsAreOneLineAndExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--hold", "exp:"}, {"--hold", "5xs"}, {"--hold", "exp:0"}, {"--fencing", "maybe"},
        {"--ttl", "1us"}, {"--retry-interval", "soon"}}) {
    std::vector<std::string> full = {"run", "lease", "-p", "lease-mem"};
    full.insert(full.end(), args.begin(), args.end());
    const RunOutput r = run_contend(full, 20);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(args[0]), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // A TTL the progress watchdog would not wait out is refused before anything runs.
  const RunOutput long_ttl = run_contend({"stress", "lease", "-p", "lease-mem", "--ttl", "3s"}, 20);
  EXPECT_EQ(long_ttl.exit_code, 2) << long_ttl.err;
  EXPECT_NE(long_ttl.err.find("--ttl 3s is not below --stall 2s"), std::string::npos) << long_ttl.err;
  // A lease knob on another workload names the one it belongs to.
  const RunOutput r = run_contend({"run", "lock", "-p", "ticket", "--ttl", "5ms"}, 20);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("lease"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace contend::test

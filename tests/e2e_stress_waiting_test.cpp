// End-to-end: what `contend stress` finds beyond exclusion — bounded waiting (overtakes, the
// fairness gates, a FIFO lock held to its own bound), lost wake-ups while others progress, a
// worker stalled while the others go on, and a hang that keeps the checks' evidence — and the
// self-test that plants one bug per check. Its tests run alone (SERIAL): whether a barging lock
// overtakes its queue depends on its workers running at once, which a busy machine prevents.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

using nlohmann::json;
using StressWaiting = NoLeftoversTest;

const json& first_config(const json& doc) { return doc["contend"]["configurations"][0]; }

TEST_F(StressWaiting, SelfTestCatchesEveryPlantedBug) {
  const RunOutput r = run_contend({"stress", "--self-test"}, 120);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("self-test passed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAILED"), std::string::npos) << r.out;
}

// Overtakes are counted per timed acquisition and reported in JSON and CSV, by `run` too.
TEST_F(StressWaiting, OvertakesAreReportedByRunInJsonAndCsv) {
  const RunOutput r = run_contend({"run", "lock", "-p", "ticket", "-w", "2", "-d", "100ms", "-r", "1", "--warmup", "0",
                                   "--format", "json"},
                                  60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  const json& rep = first_config(doc)["repetitions"][0];
  ASSERT_TRUE(rep.contains("overtakes")) << r.out;
  EXPECT_GT(rep["overtakes"]["samples"].get<std::uint64_t>(), 0u);
  EXPECT_GE(rep["overtakes"]["max"].get<std::uint64_t>(), rep["overtakes"]["p99.9"].get<std::uint64_t>());

  const RunOutput csv = run_contend({"run", "lock", "-p", "ticket", "-w", "2", "-d", "100ms", "-r", "1", "--warmup",
                                     "0", "--format", "csv"},
                                    60);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find(",overtakes_p99_9,overtakes_max"), std::string::npos) << csv.out;
}

// A gate a correct but unfair lock cannot meet is `unfair`, exit 1, with the bound in the detail.
TEST_F(StressWaiting, GatesMakeUnfairnessAVerdict) {
  const RunOutput r = run_contend({"stress", "lock", "-p", "ttas", "-w", "2", "-d", "300ms", "--max-wait", "1us",
                                   "--min-fairness", "1"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find(" unfair "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--max-wait"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--min-fairness 1"), std::string::npos) << r.out;
  // The reproduce line carries the gates.
  EXPECT_NE(r.out.find("--max-wait 1us"), std::string::npos) << r.out;
}

TEST_F(StressWaiting, BadGateValuesAreOneLineAndExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--min-fairness", "1.5"}, {"--min-fairness", "fair"}, {"--max-overtakes", "0"},
        {"--max-wait", "soon"}}) {
    std::vector<std::string> full = {"stress", "lock", "-p", "ttas"};
    full.insert(full.end(), args.begin(), args.end());
    const RunOutput r = run_contend(full, 20);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(args[0]), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

// A waiter left asleep while the lock is free is `lost wakeup`, named, within the run.
TEST_F(StressWaiting, LostWakeupNamesTheWorkerAndTheLocksState) {
  // The binary under test may be a TSan build, where the watch is off and says so.
  const RunOutput probe = run_contend({"stress", "lock", "-p", "ttas", "-w", "2", "-d", "100ms", "--format", "json"}, 30);
  if (probe.out.find("not checked: under ThreadSanitizer") != std::string::npos) {
    GTEST_SKIP() << "the lost wake-up watch is off under ThreadSanitizer";
  }
  const RunOutput r = run_contend({"stress", "lock", "-p", "broken-lost-wakeup", "-w", "4", "-d", "2s", "--format",
                                   "json"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = json::parse(r.out);
  const json& config = first_config(doc);
  EXPECT_EQ(config["status"], "hang");
  bool found = false;
  for (const json& c : config["repetitions"][0]["checks"]) {
    if (c["name"] != "lost wake-up") continue;
    found = true;
    EXPECT_EQ(c["verdict"], "violation");
    EXPECT_NE(c["note"].get<std::string>().find("while the lock was free"), std::string::npos) << c;
  }
  EXPECT_TRUE(found) << r.out;
  EXPECT_LT(r.seconds, 10.0);
}

// Stress's long-hold windows (workloads/run_control.hpp, RunControl::long_holds): a lock with a
// short critical section gets them, their time and operations are in the JSON and left out of
// the throughput, and the table says so; a critical section of 2 µs or more gets none.
TEST_F(StressWaiting, LongHoldWindowsAreLeftOutOfTheFiguresAndSaidSo) {
  const RunOutput r = run_contend({"stress", "lock", "-p", "std-mutex", "-w", "4", "-d", "1s", "--format", "json"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const json doc = json::parse(r.out);
  const json& rep = first_config(doc)["repetitions"][0];
  ASSERT_TRUE(rep.contains("long_hold_s")) << rep.dump();
  std::uint64_t operations = 0;
  for (const json& w : rep["workers"]) operations += w["operations"].get<std::uint64_t>();
  // Four windows (before the quiet periods at 200, 400, 600 and 800 ms) of 50 ms and 10 ms each.
  EXPECT_GT(rep["long_hold_s"].get<double>(), 0.1) << rep.dump();
  EXPECT_LT(rep["long_hold_s"].get<double>(), 0.5 * rep["elapsed_s"].get<double>()) << rep.dump();
  EXPECT_GT(rep["long_hold_operations"].get<std::uint64_t>(), 0u) << rep.dump();
  EXPECT_LT(rep["long_hold_operations"].get<std::uint64_t>(), operations) << rep.dump();

  const RunOutput table = run_contend({"stress", "lock", "-p", "std-mutex", "-w", "2", "-d", "500ms"}, 60);
  EXPECT_EQ(table.exit_code, 0) << table.err << table.out;
  EXPECT_NE(table.out.find("long holds: a lock whose critical section is under 2 µs"), std::string::npos)
      << table.out;

  const RunOutput longer = run_contend(
      {"stress", "lock", "-p", "std-mutex", "-w", "2", "-d", "500ms", "--cs-ns", "2000", "--format", "json"}, 60);
  ASSERT_EQ(longer.exit_code, 0) << longer.err << longer.out;
  const json longer_doc = json::parse(longer.out);
  EXPECT_FALSE(first_config(longer_doc)["repetitions"][0].contains("long_hold_s")) << longer.out;
}

// The handoff checks of `stress pingpong`: a message read before it was written is a sequence
// violation; a receiver left asleep with its message sent is a lost wake-up naming the pair; a
// correct channel passes. Serial: the early-turn race needs both ends on a core at once.
TEST_F(StressWaiting, HandoffChecksCatchSequenceAndLostSignal) {
  // Both bugs need the two ends running at once, which a busy host makes rare (beside two CPU
  // hogs, 1 s of early-turn was too few handoffs to judge in 2 of 12 runs), so the runs are long;
  // a lost wake-up ends its run when caught (beside the hogs, after 0.1 to 5.5 s).
  const RunOutput early = run_contend(
      {"stress", "pingpong", "-p", "broken-handoff-early-turn", "-w", "2", "-d", "3s", "--format", "json"}, 60);
  EXPECT_EQ(early.exit_code, 1) << early.err;
  const json doc = json::parse(early.out);
  EXPECT_EQ(first_config(doc)["status"], "violation") << early.out;

  const RunOutput correct = run_contend({"stress", "pingpong", "-p", "futex,cv", "-w", "2", "-d", "300ms"}, 60);
  EXPECT_EQ(correct.exit_code, 0) << correct.err << correct.out;
  EXPECT_NE(correct.out.find("2 of 2 configurations passed every check"), std::string::npos) << correct.out;

  const RunOutput probe = run_contend({"stress", "lock", "-p", "ttas", "-w", "2", "-d", "100ms", "--format", "json"}, 30);
  if (probe.out.find("not checked: under ThreadSanitizer") != std::string::npos) {
    GTEST_SKIP() << "the lost wake-up watch is off under ThreadSanitizer";
  }
  const RunOutput lost = run_contend({"stress", "pingpong", "-p", "broken-handoff-lost-wake", "-w", "2", "-d", "20s"}, 60);
  EXPECT_EQ(lost.exit_code, 1) << lost.err << lost.out;
  EXPECT_NE(lost.out.find("lost wakeup"), std::string::npos) << lost.out;
  EXPECT_NE(lost.out.find("both ends of pair 0 (workers 0 and 1) slept"), std::string::npos) << lost.out;
}

// One worker stuck while the others go on is a verdict at --stall, not at the end of the run.
TEST_F(StressWaiting, AStalledWorkerIsAVerdictAtOnce) {
  const RunOutput r = run_contend({"stress", "lock", "-p", "broken-starve", "-w", "4", "-d", "30s", "--stall",
                                   "500ms"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find(" starved "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("made no progress for 0.5 s while the others went on"), std::string::npos) << r.out;
  EXPECT_LT(r.seconds, 15.0) << r.out;
}

// A lock that breaks exclusion and then hangs: the verdict keeps the exclusion failures.
TEST_F(StressWaiting, AHangKeepsTheChecksThatFailedBeforeIt) {
  const RunOutput r = run_contend({"stress", "lock", "-p", "broken-race-hang", "-w", "4", "--cs-ns", "200", "-d",
                                   "2s", "--stall", "500ms"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("before it ended, mutual exclusion"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("first: worker"), std::string::npos) << r.out;
}

// A plugin's process_shared claim is stressed on processes too, without --mode: one whose
// pthread mutex is private to a process strands a waiter there, and is caught.
TEST_F(StressWaiting, APluginsProcessSharedClaimIsCheckedByDefault) {
  const RunOutput r = run_contend({"stress", "lock", "--plugin", CONTEND_UNSHARED_PLUGIN, "--plugin",
                                   CONTEND_EXAMPLE_PLUGIN, "-p", "unshared-mutex,example-ttas", "-w", "2,4", "-d",
                                   "500ms", "--format", "json"},
                                  90);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = json::parse(r.out);
  std::map<std::string, std::string> status;
  for (const json& c : doc["contend"]["configurations"]) status[c["name"]] = c["status"];
  EXPECT_EQ(status.size(), 8u) << r.out;  // 2 primitives x 2 worker counts x 2 modes
  EXPECT_EQ(status["lock/example-ttas/processes/workers:2"], "ok") << r.out;
  EXPECT_EQ(status["lock/unshared-mutex/threads/workers:2"], "ok") << r.out;
  EXPECT_NE(status["lock/unshared-mutex/processes/workers:4"], "ok") << r.out;
  EXPECT_NE(r.err.find("unshared-mutex says it is process-shared: stressed on threads and on processes"),
            std::string::npos)
      << r.err;
}

// --fault kill-holder: a robust mutex recovers (kill to next entry reported); a plain lock is a
// hang that says the holder died and the lock was never released, within --stall.
TEST_F(StressWaiting, KilledHoldersAreRecoveredByARobustMutexAndHangAnyOther) {
  const RunOutput robust = run_contend({"stress", "lock", "-p", "pthread-robust-pshared", "--mode", "processes", "-w",
                                        "2", "-d", "500ms", "--fault", "kill-holder", "--fault-every", "2000",
                                        "--format", "json"},
                                       60);
  EXPECT_EQ(robust.exit_code, 0) << robust.err << robust.out;
  const json doc = json::parse(robust.out);
  const json& rep = first_config(doc)["repetitions"][0];
  ASSERT_TRUE(rep.contains("faults")) << robust.out;
  EXPECT_GT(rep["faults"]["injected"].get<int>(), 0);
  EXPECT_GT(rep["faults"]["recovered"].get<int>(), 0);
  EXPECT_GT(rep["faults"]["recovery_ns"]["p50"].get<std::uint64_t>(), 0u);

  const RunOutput plain = run_contend({"stress", "lock", "-p", "ticket", "--mode", "processes", "-w", "2", "-d", "5s",
                                       "--stall", "500ms", "--fault", "kill-holder", "--fault-every", "2000"},
                                      60);
  EXPECT_EQ(plain.exit_code, 1) << plain.err << plain.out;
  EXPECT_NE(plain.out.find("holder died, lock never released"), std::string::npos) << plain.out;
  EXPECT_LT(plain.seconds, 4.0) << plain.out;
}

// A run bounded by --ops replaces its killed workers too, and each replacement does what was left
// of its worker's share (the first version let the first kill end that share).
TEST_F(StressWaiting, KilledHoldersAreReplacedInARunBoundedByOperations) {
  const RunOutput r = run_contend({"stress", "lock", "-p", "pthread-robust-pshared", "--mode", "processes", "-w", "2",
                                   "--ops", "20000", "--fault", "kill-holder", "--fault-every", "1000"},
                                  60);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("no violation in 20000 operations"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("20 holders killed, 20 recovered"), std::string::npos) << r.out;
}

TEST_F(StressWaiting, PausedHoldersAreContinued) {
  const RunOutput r = run_contend({"stress", "lock", "-p", "ticket", "--mode", "processes", "-w", "2", "-d", "500ms",
                                   "--fault", "pause-holder:10ms", "--fault-every", "5000"},
                                  60);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("holders paused"), std::string::npos) << r.out;
}

// --fault reaches the semaphore and rw workloads. A dead holder of a reader-writer lock keeps
// writers out for ever: a hang that names it. A semaphore's dead holders take their permits with
// them: with 2 kills (each worker once, at its 1500th acquisition of 2000) and 3 permits the run
// ends, and "permits conserved" finds 1 and says why. Paused holders of both are continued.
TEST_F(StressWaiting, FaultsReachSemaphoresAndRwLocks) {
  const RunOutput rw = run_contend({"stress", "rw", "-p", "pthread-rwlock-reader", "--mode", "processes", "-w", "2",
                                    "-d", "1s", "--stall", "500ms", "--fault", "kill-holder", "--fault-every", "500"},
                                   60);
  EXPECT_EQ(rw.exit_code, 1) << rw.err << rw.out;
  EXPECT_NE(rw.out.find("holder died, rw lock never released"), std::string::npos) << rw.out;

  const RunOutput sem = run_contend({"stress", "semaphore", "-p", "posix-sem", "--permits", "3", "--mode",
                                     "processes", "-w", "2", "--ops", "4000", "--fault", "kill-holder", "--fault-every",
                                     "1500", "--format", "json"},
                                    60);
  EXPECT_EQ(sem.exit_code, 1) << sem.err << sem.out;
  const json doc = json::parse(sem.out);
  const json& config = doc["contend"]["configurations"][0];
  EXPECT_EQ(config["status"], "violation") << sem.out;
  bool found = false;
  for (const json& c : config["repetitions"][0]["checks"]) {
    if (c["name"] != "permits conserved") continue;
    found = true;
    EXPECT_EQ(c["violations"], 2) << c.dump();
    EXPECT_NE(c.value("note", "").find("only 1 of 3 permits could be taken after the run; 2 holders killed by --fault "
                                       "kill-holder took their permits with them"),
              std::string::npos)
        << c.dump();
  }
  EXPECT_TRUE(found) << sem.out;

  for (const char* workload : {"rw", "semaphore"}) {
    const RunOutput paused = run_contend({"stress", workload, "-p", workload == std::string("rw") ? "pthread-rwlock-reader" : "posix-sem",
                                          "--mode", "processes", "-w", "2", "-d", "500ms", "--fault", "pause-holder:5ms",
                                          "--fault-every", "5000"},
                                         60);
    EXPECT_EQ(paused.exit_code, 0) << workload << paused.err << paused.out;
    EXPECT_NE(paused.out.find("holders paused"), std::string::npos) << paused.out;
  }
}

TEST_F(StressWaiting, BadFaultOptionsAreOneLineAndExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"stress", "lock", "-p", "ticket", "--fault", "kill-holder"},
        {"stress", "lock", "-p", "ticket", "--mode", "processes", "--fault", "explode"},
        {"stress", "lock", "-p", "ticket", "--mode", "processes", "--fault", "pause-holder:soon"},
        {"stress", "lock", "-p", "ticket", "--mode", "processes", "--fault-every", "10"},
        {"run", "lock", "-p", "ticket", "--mode", "processes", "--fault", "kill-holder"}}) {
    const RunOutput r = run_contend(args, 20);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--fault"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace contend::test

// --perturb's preemption inside calls (workloads/preemption.hpp): the timer lands while the thread
// runs, each landing single-steps the instructions after it where that is available, and a SIGTRAP
// that is not one of its steps still gets the default action.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "workloads/busy_work.hpp"
#include "workloads/preemption.hpp"

namespace contend {
namespace {

constexpr std::uint64_t kSeed = 12345;

// Runs on the CPU until the calling thread's timer has landed `landings` times, or `limit` passed.
// usleep(0) between bursts is where ThreadSanitizer delivers the signals it deferred.
PreemptionCounts spin_until_landed(std::uint64_t landings, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (preemption_counts().landings < landings && std::chrono::steady_clock::now() < deadline) {
    busy_iterations(10'000);
    usleep(0);
  }
  return preemption_counts();
}

TEST(Preemption, TimerLandsOnARunningThreadAndStepsUpToFourInstructionsAfterEachLanding) {
  PreemptionCounts counts;
  {
    const PreemptionTimer timer(true, kSeed, WorkCalibration{});
    counts = spin_until_landed(50, std::chrono::seconds(10));
  }
  EXPECT_GE(counts.landings, 50U) << "the timer should land every 20 to 200 µs of CPU time (250 a second at worst)";
  if (preemption_steps_instructions()) {
    EXPECT_GE(counts.stepped_instructions, counts.landings);
    EXPECT_LE(counts.stepped_instructions, 4 * counts.landings);
  } else {
    EXPECT_EQ(counts.stepped_instructions, 0U);
  }
}

TEST(Preemption, NothingLandsWhenOff) {
  PreemptionCounts counts{1, 1};
  std::thread fresh([&] {  // a thread of its own: the counts are per thread
    const PreemptionTimer timer(false, kSeed, WorkCalibration{});
    busy_iterations(10'000'000);
    counts = preemption_counts();
  });
  fresh.join();
  EXPECT_EQ(counts.landings, 0U);
  EXPECT_EQ(counts.stepped_instructions, 0U);
}

TEST(Preemption, AForeignSigtrapStillEndsTheProcess) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    const PreemptionTimer timer(true, kSeed, WorkCalibration{});
    spin_until_landed(5, std::chrono::seconds(10));  // the handlers are installed and have run
    raise(SIGTRAP);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGTRAP);
}

}  // namespace
}  // namespace contend

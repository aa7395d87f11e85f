#include "workloads/preemption.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "workloads/busy_work.hpp"

namespace contend {
namespace {

constexpr std::int64_t kMinIntervalNs = 20'000;
constexpr std::int64_t kMaxIntervalNs = 200'000;
constexpr std::uint64_t kMinSpinNs = 500;
constexpr std::uint64_t kMaxSpinNs = 5'000;

// The interrupted thread's own state: the handler touches nothing else (async-signal-safe).
struct ThreadState {
  timer_t timer{};
  std::uint64_t random = 0;
  std::uint64_t min_spin = 0;
  std::uint64_t max_spin = 0;
  bool armed = false;
};
thread_local ThreadState t_state;

std::uint64_t next_random() {
  std::uint64_t& s = t_state.random;
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return s * 0x2545F4914F6CDD1DULL;
}

void arm_next() {
  const auto ns = kMinIntervalNs + static_cast<std::int64_t>(next_random() % (kMaxIntervalNs - kMinIntervalNs));
  itimerspec when{};
  when.it_value.tv_nsec = ns;
  timer_settime(t_state.timer, 0, &when, nullptr);
}

int preemption_signal() { return SIGRTMIN + 4; }

void on_preemption(int) {
  if (!t_state.armed) return;
  const int saved_errno = errno;
  const std::uint64_t span = t_state.max_spin - t_state.min_spin + 1;
  busy_iterations(t_state.min_spin + next_random() % span);
  arm_next();
  errno = saved_errno;
}

void install_handler() {
  struct sigaction action {};
  action.sa_handler = on_preemption;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(preemption_signal(), &action, nullptr);
}

}  // namespace

PreemptionTimer::PreemptionTimer(bool on, std::uint64_t seed, const WorkCalibration& work) {
  if (!on) return;
  install_handler();  // the same handler every time: idempotent across a process's workers
  sigevent event{};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = preemption_signal();
  event._sigev_un._tid = gettid();
  if (timer_create(CLOCK_THREAD_CPUTIME_ID, &event, &timer_) != 0) return;  // then no preemption
  t_state.timer = timer_;
  t_state.random = seed | 1;
  t_state.min_spin = work_iterations(work, kMinSpinNs);
  t_state.max_spin = work_iterations(work, kMaxSpinNs);
  t_state.armed = true;
  armed_ = true;
  arm_next();
}

PreemptionTimer::~PreemptionTimer() {
  if (!armed_) return;
  t_state.armed = false;
  timer_delete(timer_);
}

}  // namespace contend

#include "workloads/preemption.hpp"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ucontext.h>

#include <cerrno>
#include <cstring>

#include "primitives/sanitizers.hpp"
#include "workloads/busy_work.hpp"

// Stepping after a landing needs x86's trap flag. Under ThreadSanitizer it is left out: a trap is
// a synchronous signal, which its runtime hands to the handler at once, inside its own code.
#if defined(__x86_64__) && !defined(CONTEND_THREAD_SANITIZER)
#define CONTEND_STEP_AFTER_PREEMPTION 1
#else
#define CONTEND_STEP_AFTER_PREEMPTION 0
#endif

namespace contend {
namespace {

constexpr std::int64_t kMinIntervalNs = 20'000;
constexpr std::int64_t kMaxIntervalNs = 200'000;
constexpr std::uint64_t kMinSpinNs = 500;
constexpr std::uint64_t kMaxSpinNs = 5'000;
// Instructions single-stepped after each landing (preemption.hpp says why 4).
[[maybe_unused]] constexpr int kSteppedInstructions = 4;

// The interrupted thread's own state: the handler touches nothing else (async-signal-safe).
struct ThreadState {
  int perf_fd = -1;  // the task-clock event, or -1: the CPU-time timer below
  timer_t timer{};
  std::uint64_t random = 0;
  std::uint64_t min_spin = 0;
  std::uint64_t max_spin = 0;
  int steps_left = 0;  // instructions still to step after a landing
  std::uint64_t landings = 0;
  std::uint64_t stepped = 0;
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
  if (t_state.perf_fd >= 0) {
    auto period = static_cast<std::uint64_t>(ns);
    ioctl(t_state.perf_fd, PERF_EVENT_IOC_PERIOD, &period);
    ioctl(t_state.perf_fd, PERF_EVENT_IOC_REFRESH, 1);  // one more overflow, then one more signal
    return;
  }
  itimerspec when{};
  when.it_value.tv_nsec = ns;
  timer_settime(t_state.timer, 0, &when, nullptr);
}

// The calling thread's task-clock as a software perf event (an hrtimer that runs only while the
// thread does), signalling this thread at each overflow; -1 when the kernel refuses it
// (perf_event_paranoid 3, a seccomp filter, no perf events).
int open_task_clock(int signal) {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_SOFTWARE;
  attr.size = sizeof(attr);
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.sample_period = static_cast<std::uint64_t>(kMaxIntervalNs);
  attr.disabled = 1;
  attr.exclude_kernel = 1;  // allowed at perf_event_paranoid 2, Debian's default
  attr.exclude_hv = 1;
  attr.wakeup_events = 1;
  const int fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return -1;
  f_owner_ex owner{F_OWNER_TID, static_cast<pid_t>(gettid())};
  if (fcntl(fd, F_SETFL, O_ASYNC) != 0 || fcntl(fd, F_SETSIG, signal) != 0 || fcntl(fd, F_SETOWN_EX, &owner) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int preemption_signal() { return SIGRTMIN + 4; }

#if CONTEND_STEP_AFTER_PREEMPTION
constexpr greg_t kTrapFlag = 0x100;  // EFLAGS.TF: a debug trap after every instruction

// The trap after each stepped instruction: count it, and clear the trap flag after the last.
// A SIGTRAP that is not one of ours (a breakpoint instruction in a primitive, a kill -TRAP) gets
// the default action, as if this handler were not there.
void on_step(int signal, siginfo_t* info, void* context) {
  auto& flags = static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_EFL];
  if (info->si_code != TRAP_TRACE && (flags & kTrapFlag) == 0) {
    ::signal(signal, SIG_DFL);
    raise(signal);  // blocked until this handler returns, then delivered with the default action
    return;
  }
  ++t_state.stepped;
  if (t_state.steps_left > 0) --t_state.steps_left;
  if (t_state.steps_left == 0) flags &= ~kTrapFlag;
}
#endif

void on_preemption(int, siginfo_t*, void* context) {
  if (!t_state.armed) return;
  const int saved_errno = errno;
  const std::uint64_t span = t_state.max_spin - t_state.min_spin + 1;
  busy_iterations(t_state.min_spin + next_random() % span);
  ++t_state.landings;
#if CONTEND_STEP_AFTER_PREEMPTION
  static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_EFL] |= kTrapFlag;  // set again by sigreturn
  t_state.steps_left = kSteppedInstructions;
#else
  (void)context;
#endif
  arm_next();
  errno = saved_errno;
}

void install_handlers() {
  struct sigaction action {};
  action.sa_sigaction = on_preemption;
  action.sa_flags = SA_RESTART | SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaction(preemption_signal(), &action, nullptr);
#if CONTEND_STEP_AFTER_PREEMPTION
  struct sigaction step {};
  step.sa_sigaction = on_step;
  step.sa_flags = SA_RESTART | SA_SIGINFO;
  sigemptyset(&step.sa_mask);
  sigaddset(&step.sa_mask, preemption_signal());  // a landing waits until this handler is done
  sigaction(SIGTRAP, &step, nullptr);
#endif
}

}  // namespace

bool preemption_steps_instructions() { return CONTEND_STEP_AFTER_PREEMPTION != 0; }

PreemptionCounts preemption_counts() { return {t_state.landings, t_state.stepped}; }

PreemptionTimer::PreemptionTimer(bool on, std::uint64_t seed, const WorkCalibration& work) {
  if (!on) return;
#if defined(CONTEND_THREAD_SANITIZER)
  // ThreadSanitizer drops a signal that reaches a thread before its runtime has made the thread's
  // signal context, which its first blocking call does; the timer's first signal lost, it would
  // never be armed again (seen: a thread's timer silent for 10 s). A blocking call first.
  usleep(0);
#endif
  install_handlers();  // the same handlers every time: idempotent across a process's workers
  perf_fd_ = open_task_clock(preemption_signal());
  if (perf_fd_ < 0) {
    sigevent event{};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = preemption_signal();
    event._sigev_un._tid = gettid();
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &event, &timer_) != 0) return;  // then no preemption
  }
  t_state.perf_fd = perf_fd_;
  t_state.timer = timer_;
  t_state.random = seed | 1;
  t_state.landings = 0;
  t_state.stepped = 0;
  t_state.min_spin = work_iterations(work, kMinSpinNs);
  t_state.max_spin = work_iterations(work, kMaxSpinNs);
  t_state.armed = true;
  armed_ = true;
  arm_next();
}

PreemptionTimer::~PreemptionTimer() {
  if (!armed_) return;
  t_state.armed = false;
  if (perf_fd_ >= 0) {
    ioctl(perf_fd_, PERF_EVENT_IOC_DISABLE, 0);
    close(perf_fd_);  // a signal already raised finds the thread unarmed
    t_state.perf_fd = -1;
  } else {
    timer_delete(timer_);
  }
}

}  // namespace contend

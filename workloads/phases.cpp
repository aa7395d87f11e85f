// The repetition child's side of the engine (engine.hpp): releasing the phases on time — with
// stress's quiet periods — and, in process mode, watching the worker processes: continuing the
// ones --fault paused, replacing the ones it killed, and reaping them all at the end, the first
// abnormal death recorded for the supervisor.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "primitives/backends/backend_settings.hpp"
#include "workloads/engine.hpp"

namespace contend {
namespace {

// Sleeps until `deadline_ns` on the monotonic clock, waking every few ms to run `check`, which
// returns false to stop waiting early.
template <class Check>
bool sleep_until(std::int64_t deadline_ns, Check check) {
  while (true) {
    const std::int64_t now = monotonic_ns();
    if (now >= deadline_ns) return true;
    if (!check()) return false;
    detail::sleep_ns(std::min<std::int64_t>(deadline_ns - now, 2'000'000));
  }
}

template <class Done, class Check>
bool wait_for(Done done, Check check) {
  while (!done()) {
    if (!check()) return false;
    detail::sleep_ns(200'000);
  }
  return true;
}

// Stress's quiet periods (RunControl::quiet): twice the wake-up watch's limit, so a sleeper
// stranded as one begins is caught within it; one in twenty of the run, so they cost little
// and seldom hand the lock to a worker a barging lock was starving.
constexpr std::int64_t kQuietNs = 10'000'000;
// A semaphore's holders take their permits this long before the quiet period (RunControl::holding).
constexpr std::int64_t kCrowdNs = 5'000'000;
constexpr std::int64_t kQuietEveryNs = 200'000'000;

// --fault in process mode: continues the workers whose pause is over, and (while the phases run,
// with `respawn`) forks a replacement for each worker the fault killed, reaping the dead one.
void tend_faults(RepetitionContext& ctx, std::vector<pid_t>& worker_pids, const detail::Respawn& respawn) {
  const Fault& fault = ctx.spec.fault;
  if (fault.kind == FaultKind::none) return;
  const std::int64_t now = monotonic_ns();
  for (std::size_t w = 0; w < worker_pids.size(); ++w) {
    WorkerSlot& slot = ctx.slots[w];
    const pid_t pid = worker_pids[w];
    if (pid <= 0) continue;
    if (fault.kind == FaultKind::pause_holder) {
      // Sent again at every poll until the worker clears its mark: a SIGCONT that came before its
      // SIGSTOP took effect would otherwise leave it stopped for good.
      const std::int64_t since = slot.paused_since_ns.load(std::memory_order_acquire);
      if (since != 0 && now - since >= fault.pause_ns) kill(pid, SIGCONT);
      continue;
    }
    if (!respawn || ctx.control.stop.is_raised() || slot.killed_by_fault.load(std::memory_order_relaxed) == 0) continue;
    // It marked itself just before raising SIGKILL: its death is a moment away, so wait for it
    // (reaping it here, before the liveness check below can take it for a crash).
    siginfo_t info{};
    while (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED) != 0 && errno == EINTR) {
    }
    slot.killed_by_fault.store(0, std::memory_order_relaxed);  // before the replacement exists
    worker_pids[w] = respawn(static_cast<int>(w));
  }
}

}  // namespace

namespace detail {

void drive_phases(RepetitionContext& ctx, std::vector<pid_t>& worker_pids, const Respawn& respawn) {
  RunControl& ctl = ctx.control;
  // In process mode a worker can die at any phase; notice it here rather than waiting forever
  // at a barrier it will never reach.
  auto workers_alive = [&] {
    tend_faults(ctx, worker_pids, respawn);
    for (std::size_t w = 0; w < worker_pids.size(); ++w) {
      if (worker_pids[w] <= 0) continue;
      siginfo_t info{};
      if (waitid(P_PID, static_cast<id_t>(worker_pids[w]), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) {
        continue;
      }
      // One --fault killed after tend_faults looked: replaced at its next look, not a death.
      if (ctx.slots[w].killed_by_fault.load(std::memory_order_relaxed) != 0 && respawn) continue;
      return false;
    }
    return true;
  };
  if (!wait_for([&] { return ctl.ready_barrier.generation() != 0; }, workers_alive)) return;
  if (ctx.spec.warmup_ns > 0 &&
      !sleep_until(ctl.warmup_start_ns + ctx.spec.warmup_ns, workers_alive)) {
    return;
  }
  ctl.warmup_over.raise();
  if (!wait_for([&] { return ctl.start_barrier.generation() != 0; }, workers_alive)) return;
  // A run bounded by an operation count ends when each worker has done its share; only a
  // timed run is ended by the stop flag. Under --fault kill-holder the killed are still replaced
  // until then, so that a replacement does what is left of its worker's share (without this, the
  // first kill ended that worker's share and the rest of the run went on without it).
  if (ctx.spec.operations > 0) {
    if (ctx.spec.fault.kind == FaultKind::kill_holder && respawn) {
      auto all_ended = [&] {
        tend_faults(ctx, worker_pids, respawn);
        for (std::size_t w = 0; w < worker_pids.size(); ++w) {
          if (worker_pids[w] <= 0) continue;
          siginfo_t info{};
          const bool exited = waitid(P_PID, static_cast<id_t>(worker_pids[w]), &info,
                                     WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
          if (!exited || ctx.slots[w].killed_by_fault.load(std::memory_order_relaxed) != 0) return false;
        }
        return true;
      };
      while (!all_ended()) sleep_ns(200'000);
    }
    return;
  }
  const std::int64_t end = ctl.start_ns + ctx.spec.duration_ns;
  if (ctx.spec.stress && ctl.holders_allowed != 0) {
    // Quiet periods for the lost wake-up watch: kQuietNs of every kQuietEveryNs, the first after
    // one period, none that would run past the end.
    const std::int64_t quiet_ns = std::min(kQuietNs, ctx.spec.stall_ns > 0 ? ctx.spec.stall_ns / 8 : kQuietNs);
    // A semaphore of several permits: the first workers inside hold all permits but one from a
    // little before the period to its end (RunControl::holding).
    const bool holds = ctl.holders_allowed >= 2;
    // A lock with a short critical section: long holds from a little before the period to its
    // end (RunControl::long_holds).
    const bool long_holds = ctl.holders_allowed == 1 && ctx.spec.cs_ns < kLongHoldCsNs;
    const std::int64_t long_hold_ns =
        std::min(kLongHoldWindowNs, ctx.spec.stall_ns > 0 ? ctx.spec.stall_ns / 4 : kLongHoldWindowNs);
    const std::int64_t before_ns = holds ? kCrowdNs : long_holds ? long_hold_ns : 0;
    // Lets the holders go (on every way out of here: a holder left holding would hang the run).
    const auto end_holding = [&ctl] {
      ctl.quiet_holds.store(0, std::memory_order_relaxed);
      ctl.holding.raised.store(0, std::memory_order_relaxed);
      futex::wake(ctl.holding.raised, INT_MAX, Sharing::process_shared);
    };
    std::int64_t long_holds_since = 0;
    const auto end_long_holds = [&ctl, &long_holds_since] {
      ctl.long_holds.close();
      futex::wake(ctl.long_holds.count, INT_MAX, Sharing::process_shared);
      ctl.long_hold_ns += monotonic_ns() - long_holds_since;
    };
    for (std::int64_t next = ctl.start_ns + kQuietEveryNs; next + quiet_ns < end; next += kQuietEveryNs) {
      if (before_ns > 0) {
        if (!sleep_until(next - before_ns, workers_alive)) return;
        if (holds) {
          ctl.quiet_holds.store(static_cast<std::int32_t>(ctl.holders_allowed) - 1, std::memory_order_relaxed);
          ctl.holding.raise();
        }
        if (long_holds) {
          long_holds_since = monotonic_ns();
          ctl.long_holds.open();
        }
      }
      if (!sleep_until(next, workers_alive)) {
        if (holds) end_holding();
        if (long_holds) end_long_holds();
        return;
      }
      ctl.quiet.raise();
      const bool alive = sleep_until(next + quiet_ns, workers_alive);
      // The holds end with the quiet period, not at its start: the operations that finish as it
      // begins are held long too, so that the last releases find their waiters asleep.
      if (long_holds) end_long_holds();
      ctl.quiet.raised.store(0, std::memory_order_relaxed);
      futex::wake(ctl.quiet.raised, INT_MAX, Sharing::process_shared);
      if (holds) end_holding();
      if (!alive) return;
    }
  }
  if (!sleep_until(end, workers_alive)) return;
  ctl.stop.raise();
}

void reap_workers(RepetitionContext& ctx, std::vector<pid_t>& worker_pids) {
  RunControl& ctl = ctx.control;
  auto remaining = static_cast<std::size_t>(std::count_if(worker_pids.begin(), worker_pids.end(), [](pid_t p) { return p > 0; }));
  // With --fault a worker may be stopped for its pause: poll, so it is continued.
  const bool poll = ctx.spec.fault.kind != FaultKind::none;
  while (remaining > 0) {
    int status = 0;
    if (poll) tend_faults(ctx, worker_pids, {});
    const pid_t pid = waitpid(-1, &status, poll ? WNOHANG : 0);
    if (pid == 0) {
      sleep_ns(200'000);
      continue;
    }
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const auto it = std::find(worker_pids.begin(), worker_pids.end(), pid);
    if (it == worker_pids.end()) continue;
    --remaining;
    const WorkerSlot& slot = ctx.slots[it - worker_pids.begin()];
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && slot.killed_by_fault.load(std::memory_order_relaxed) != 0) {
      // --fault kill-holder's own doing, not a crash; too late to replace it. Its figures are what
      // it had published: the operations it finished.
      WorkerSlot& killed = ctx.slots[it - worker_pids.begin()];
      killed.operations = killed.progress.load(std::memory_order_relaxed);
      killed.end_ns = ctl.last_kill_ns;
      killed.phase.store(WorkerPhase::done, std::memory_order_release);
      continue;
    }
    const bool abnormal = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
    if (!abnormal) continue;
    if (WIFSIGNALED(status) && ctl.crash_signal == 0) ctl.crash_signal = WTERMSIG(status);
    if (WIFEXITED(status) && ctl.error[0] == '\0') {
      const std::string_view lost = server_lost_message(WEXITSTATUS(status));
      copy_error(ctl, !lost.empty() ? std::string(lost)
                                    : fmt::format("worker process exited with status {}", WEXITSTATUS(status)));
    }
    // The others may wait forever on a lock the dead worker held: end them now.
    for (pid_t other : worker_pids) {
      if (other > 0) kill(other, SIGKILL);
    }
  }
}

}  // namespace detail

}  // namespace contend

#include "primitives/backends/backend_settings.hpp"
#include "workloads/engine.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <csignal>
#include <cstring>
#include <ctime>
#include <exception>
#include <optional>
#include <string>

#include "workloads/model/knobs.hpp"
#include "workloads/deadlock_watch.hpp"
#include "workloads/stress_verdict.hpp"
#include "workloads/wake_watch.hpp"

namespace contend {
namespace {

// Makes this process die with its parent: a repetition child or worker must never outlive the
// process that is responsible for reaping it. Returns false when the parent is already gone.
bool die_with_parent(pid_t expected_parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  return getppid() == expected_parent;
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

}  // namespace

namespace detail {

void sleep_ns(std::int64_t ns) {
  if (ns <= 0) return;
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  nanosleep(&ts, nullptr);
}

void copy_error(RunControl& ctl, const std::string& message) {
  const std::size_t n = std::min(message.size(), sizeof(ctl.error) - 1);
  std::memcpy(ctl.error, message.data(), n);
  ctl.error[n] = '\0';
}

std::uint64_t operations_quota(const RunSpec& spec, int worker) {
  if (spec.operations == 0) return UINT64_MAX;
  // A queue's --ops counts items: its producers share them; its consumers take what comes.
  const bool queue = workload_info(spec.workload).producers_and_consumers;
  if (queue && worker >= spec.producers) return UINT64_MAX;
  const auto n = static_cast<std::uint64_t>(queue ? spec.producers : spec.workers);
  return spec.operations / n + (static_cast<std::uint64_t>(worker) < spec.operations % n ? 1 : 0);
}

pid_t fork_worker_process() {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(errno)));
  if (pid == 0 && !die_with_parent(parent)) _exit(1);
  return pid;
}

void exit_worker_process() { _exit(0); }

}  // namespace detail

namespace {

std::size_t engine_bytes(const RunSpec& spec) {
  return sizeof(RunControl) + alignof(RunControl) +
         static_cast<std::size_t>(spec.workers) * sizeof(WorkerSlot) + alignof(WorkerSlot);
}

// Everything the repetition child does. Never returns.
[[noreturn]] void repetition_child(const RunSpec& spec, RunControl& ctl, WorkerSlot* slots,
                                   SharedArena& arena, const RepetitionBody& body,
                                   const Calibrations& calibrations, pid_t supervisor) {
  // Its own process group, so the watchdog can end it and every worker it forked at once, and
  // so a terminal's Ctrl-C reaches only the supervisor, which decides what to do.
  setpgid(0, 0);
  if (!die_with_parent(supervisor)) _exit(1);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  // A sanitizer runtime catches these to print a report and then exit(1), which would turn a
  // crash in the measured primitive into an "error"; the verdict must name the signal, so the
  // repetition (and every worker it forks) dies of it as in a plain build.
  for (int fatal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) signal(fatal, SIG_DFL);
  try {
    RepetitionContext ctx{spec, ctl, slots, arena, calibrations};
    body(ctx);
  } catch (const std::exception& e) {
    detail::copy_error(ctl, e.what());
    _exit(3);
  }
  _exit(0);
}

// --fault: how many were injected, and the recoveries after kills.
void note_faults(Repetition& rep, const RunControl& ctl) {
  rep.faults_injected = ctl.faults_injected.load(std::memory_order_relaxed);
  const std::uint32_t n = std::min(ctl.recoveries.load(std::memory_order_relaxed), RunControl::kMaxRecoveries);
  Histogram recovery;
  for (std::uint32_t i = 0; i < n; ++i) recovery.record(static_cast<std::uint64_t>(std::max<std::int64_t>(ctl.recovery_ns[i], 1)));
  rep.recovery = LatencySummary::of(recovery);
}

// A finding of the supervisor's watches (a starved worker, a lost wake-up) as a failed check.
CheckResult watchdog_finding(CheckId id, int worker, const WorkerSlot* slots, const RunControl& ctl, std::int64_t now,
                             const std::string& report) {
  CheckResult c;
  c.name = std::string(check_name(id));
  c.violations = 1;
  c.first_worker = worker;
  c.first_operation = slots[worker].progress.load(std::memory_order_relaxed);
  c.first_s = ctl.start_ns != 0 ? static_cast<double>(now - ctl.start_ns) / 1e9 : 0.0;
  c.note = report;
  return c;
}

RepetitionOutcome collect(const RunSpec& spec, int index, const RunControl& ctl, const WorkerSlot* slots) {
  RepetitionOutcome out;
  Repetition& rep = out.repetition;
  rep.index = index;
  std::int64_t last_end = ctl.start_ns;
  for (int w = 0; w < spec.workers; ++w) {
    const WorkerSlot& s = slots[w];
    WorkerResult r;
    r.operations = s.operations;
    r.write_operations = s.write_operations;
    r.role = s.role;
    r.failed_attempts = s.failed_attempts;
    r.pinned_cpu = s.pinned_cpu;
    r.cpu_first = s.cpu_first;
    r.cpu_last = s.cpu_last;
    r.cpu_user_s = static_cast<double>(s.cpu_user_ns) / 1e9;
    r.cpu_system_s = static_cast<double>(s.cpu_system_ns) / 1e9;
    r.voluntary_switches = s.voluntary_switches;
    r.involuntary_switches = s.involuntary_switches;
    rep.workers.push_back(r);
    last_end = std::max(last_end, s.end_ns);
    rep.long_hold_operations += std::min(s.long_hold_operations, s.operations);
    s.latency.add_to(out.latency);
    s.write_latency.add_to(out.write_latency);
    s.overtakes.add_to(out.overtakes);
  }
  rep.overtakes = LatencySummary::of(out.overtakes);
  rep.elapsed_s = static_cast<double>(last_end - ctl.start_ns) / 1e9;
  rep.long_hold_s = std::min(static_cast<double>(ctl.long_hold_ns) / 1e9, rep.elapsed_s);
  note_faults(rep, ctl);
  rep.lost_updates = ctl.lost_updates;
  rep.checked_updates = ctl.checked_updates;
  rep.reordered_items = ctl.reordered_items;
  for (std::size_t e = 0; e < kEventCount; ++e) {
    if ((ctl.events_counted >> e & 1) == 0) continue;
    const auto id = static_cast<EventId>(e);
    rep.events.push_back({std::string(event_name(id)), ctl.events[id]});
  }
  return out;
}

}  // namespace

RepetitionOutcome run_repetition(const RunSpec& spec, int index, std::size_t workload_bytes,
                                 const RepetitionBody& body, bool provides_exclusion,
                                 const Calibrations& calibrations) {
  // Orphaned workers of a crashed child are re-parented to us, so we can reap them.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  SharedArena arena(engine_bytes(spec) + workload_bytes + 4096);
  auto* ctl = arena.make<RunControl>(static_cast<std::uint32_t>(spec.workers));
  auto* slots = static_cast<WorkerSlot*>(
      arena.allocate(sizeof(WorkerSlot) * static_cast<std::size_t>(spec.workers), alignof(WorkerSlot)));
  for (int w = 0; w < spec.workers; ++w) new (&slots[w]) WorkerSlot();

  std::fflush(nullptr);  // the child must not inherit and flush our buffered output
  const pid_t supervisor = getpid();
  const pid_t child = fork();
  if (child < 0) {
    RepetitionOutcome out;
    out.repetition.index = index;
    out.repetition.status = Status::error;
    out.repetition.status_detail = fmt::format("fork failed: {}", std::strerror(errno));
    return out;
  }
  if (child == 0) repetition_child(spec, *ctl, slots, arena, body, calibrations, supervisor);
  setpgid(child, child);  // also here, so a kill of the group cannot race the child's own call

  const std::int64_t deadline = monotonic_ns() + effective_timeout_ns(spec);
  StallWatch stall(spec, slots, monotonic_ns());
  WakeWatch wake(spec, *ctl, slots);
  DeadlockWatch deadlock(spec, *ctl);
  std::string hang_report;
  std::optional<CheckResult> found;  // what the watchdog found, when it ended the repetition for it
  Status ended_by = Status::ok;
  while (true) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child) {
      break;
    }
    if (interrupt_requested()) {
      ended_by = Status::interrupted;
      break;
    }
    const std::int64_t now = monotonic_ns();
    if (now >= deadline) {
      ended_by = Status::timeout;
      break;
    }
    // Before the stall watch: a deadlock also stalls its workers, and is the better name for it.
    if (deadlock.deadlocked(now)) {
      ended_by = Status::hang;
      hang_report = "deadlock: " + deadlock.report();
      found = watchdog_finding(CheckId::deadlock, deadlock.first_worker(), slots, *ctl, now, deadlock.report());
      break;
    }
    if (stall.stalled(now)) {
      hang_report = stall.report();  // before the kill: the workers' last state
      ended_by = Status::hang;
      if (stall.stalled_worker() < 0) break;
      // One worker stuck while the others went on: starved, said at once.
      found = watchdog_finding(CheckId::starvation, stall.stalled_worker(), slots, *ctl, now, hang_report);
      break;
    }
    if (wake.stranded(now)) {
      ended_by = Status::hang;
      hang_report = wake.report();
      found = watchdog_finding(CheckId::lost_wakeup, wake.stranded_worker(), slots, *ctl, now, hang_report);
      break;
    }
    detail::sleep_ns(1'000'000);
  }
  // The child is a zombie or still running, so its process group id cannot have been reused:
  // kill whatever is left in the group (workers of a crashed child), then reap.
  kill(-child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }

  RepetitionOutcome out;
  Repetition& rep = out.repetition;
  if (ended_by == Status::ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 && ctl->crash_signal == 0) {
    out = collect(spec, index, *ctl, slots);
    if (ctl->error[0] != '\0') {
      rep.status = Status::error;
      rep.status_detail = ctl->error;
    } else if (ctl->violation[0] != '\0') {
      rep.status = Status::violation;
      rep.status_detail = ctl->violation;
    } else if (rep.lost_updates > 0 && provides_exclusion) {
      rep.status = Status::violation;
      rep.status_detail = fmt::format("lost {} of {} updates of a shared counter (warmup included)",
                                      rep.lost_updates, rep.checked_updates);
    }
    if (spec.stress && rep.status != Status::error) {
      // A stress verdict names every check that failed; lost updates are a failure even for a
      // primitive that does not claim exclusion, since stress asks whether it holds.
      Histogram waits = out.latency;  // every timed acquisition: reads and writes of the rw workload
      waits.merge(out.write_latency);
      collect_checks(rep, *ctl, spec, waits, out.overtakes);
      std::string failed;
      for (const CheckResult& c : rep.checks) {
        if (c.passed()) continue;
        failed += fmt::format("{}{}: {} of {}", failed.empty() ? "" : "; ", c.name, c.violations, c.checked);
      }
      rep.status = failed.empty() ? Status::ok : Status::violation;
      rep.status_detail = failed;
    }
    return out;
  }
  rep.index = index;
  rep.status = ended_by;
  note_faults(rep, *ctl);
  if (ended_by == Status::hang) {
    rep.status_detail = hang_report;
    // A hang after --fault killed a holder that nobody got past: say what it was.
    if (spec.fault.kind == FaultKind::kill_holder && ctl->fault_pending_ns.load() != 0) {
      const bool rw = spec.workload == Workload::rw;
      rep.status_detail = fmt::format("holder died, {} never released: worker {} was killed inside its critical "
                                      "section by --fault kill-holder at {:.6f} s, and no {} entered after; {}",
                                      rw                                       ? "rw lock"
                                      : spec.workload == Workload::semaphore ? "semaphore"
                                                                               : "lock",
                                      ctl->last_killed_worker.load(),
                                      static_cast<double>(ctl->last_kill_ns - ctl->start_ns) / 1e9,
                                      rw ? "writer" : "worker", hang_report);
    }
    if (found) {
      rep.checks.push_back(*found);
    } else {
      CheckResult progress;
      progress.name = std::string(check_name(CheckId::progress));
      progress.violations = 1;
      progress.note = hang_report;
      rep.checks.push_back(progress);
    }
  } else if (ended_by == Status::timeout) {
    rep.status_detail = fmt::format("no end after {}", seconds_text(effective_timeout_ns(spec)));
  } else if (ended_by == Status::interrupted) {
    rep.status_detail = signal_name(interrupt_signal());
  } else if (WIFSIGNALED(status)) {
    rep.status = Status::crashed;
    rep.status_detail = signal_name(WTERMSIG(status));
  } else if (ctl->crash_signal != 0) {
    rep.status = Status::crashed;
    rep.status_detail = fmt::format("{} in a worker process", signal_name(ctl->crash_signal));
  } else {
    rep.status = Status::error;
    const std::string_view lost = server_lost_message(WEXITSTATUS(status));
    rep.status_detail = ctl->error[0] != '\0' ? std::string(ctl->error)
                        : !lost.empty()       ? std::string(lost)
                                              : fmt::format("child exited with status {}", WEXITSTATUS(status));
  }
  // The verdict keeps its evidence: what the checks had already caught when it ended.
  if (spec.stress && rep.status != Status::interrupted && rep.status != Status::error) {
    for (CheckResult& c : checks_failed_before_end(*ctl, spec.workers)) {
      rep.status_detail += fmt::format("; before it ended, {}: {} violation{}, first by worker {} at {:.6f} s", c.name,
                                       c.violations, c.violations == 1 ? "" : "s", c.first_worker, c.first_s);
      rep.checks.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace contend

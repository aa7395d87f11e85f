#pragma once
// `contend stress`: what the checking loops of every family share (lock_stress.hpp,
// semaphore_stress.hpp, rw_stress.hpp, pingpong_stress.hpp): the settings, the perturbation, the exclusion words and
// the tallies. The loops check properties instead of measuring.
//
// Every loop runs the family's operations as fast as the schedule allows and checks, on every
// operation, what the primitive promises; every worker counts into its own CheckTallies, merged
// after the run (workloads/checks.hpp). All loops publish progress and where the worker is
// (waiting, inside, outside) to its own slot on every operation, for the progress watchdog.
//
// Locks (and the exclusive side of reader-writer locks):
//  - strong mutual exclusion: an atomic occupancy counter, incremented after acquiring and
//    decremented before releasing, must be 0 on entry;
//  - transparent mutual exclusion: a plain owner word (relaxed loads and stores, which compile
//    to plain moves) must be 0 on entry and still ours just before leaving. It adds no fence
//    and no read-modify-write to the critical section, so it cannot hide a lock whose own
//    ordering is too weak — which the strong check's locked instruction could.
//  The two alternate in windows of about kCheckWindowNs (a power of two of clock ticks), chosen
//  on entry from the clock every worker reads (an invariant TSC is the same on every core), so
//  overlapping critical sections almost always run the same check and see each other.
//  - lost updates: a plain shared counter, read on entry and written back (+1) on exit, must
//    equal the critical sections;
//  - try_lock while held: one acquisition in four goes through try_lock (when the lock has it);
//    such an acquisition that finds someone inside is a try_lock violation.
// Semaphores: an atomic holder count must stay within the permits; after the run exactly
// `permits` try_acquire calls succeed (when the semaphore has try_acquire).
// Reader-writer locks: one atomic word counts readers (low half) and writers (high half): a
// writer must find it 0, a reader must find no writer; the transparent owner word as for locks.
//
// --perturb adds seeded random delays (up to 2 µs of busy work) and yields before acquiring,
// inside, and after releasing, to widen race windows (and, in every workload, a timer that
// interrupts workers inside their calls: workloads/preemption.hpp).
//
// Between operations a worker also sits out stress's quiet periods (RunControl::quiet, for the
// lost wake-up watch: workloads/wake_watch.hpp; a semaphore's first holders in a quiet period sit
// it out inside: RunControl::holding),
// and inside its critical section it may be
// struck by --fault (killed or stopped there: workloads/model/fault.hpp).
#include <fmt/format.h>
#include <sched.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"
#include "workloads/acquire_loop.hpp"
#include "workloads/busy_work.hpp"
#include "workloads/checks.hpp"
#include "workloads/clock.hpp"
#include "workloads/construct.hpp"
#include "workloads/engine.hpp"
#include "workloads/lock_workload.hpp"
#include "workloads/rw_workload.hpp"
#include "workloads/sampler.hpp"
#include "workloads/semaphore_workload.hpp"

namespace contend {

inline constexpr std::uint64_t kCheckWindowNs = 4'000'000;
// --fault without --fault-every: each measured acquisition strikes with probability 1 in this.
inline constexpr std::uint64_t kRandomFaultOdds = 10'000;

// The checkers' shared words, each alone on its cache line.
struct ExclusionWords {
  alignas(kCacheLineSize) std::atomic<std::uint64_t> occupancy{0};  // strong check; rw: readers + writers << 32
  alignas(kCacheLineSize) std::atomic<std::uint64_t> owner{0};      // transparent check: 0 or worker + 1
};
inline constexpr std::uint64_t kWriterUnit = std::uint64_t{1} << 32;

// A small seeded generator (xorshift64*), one per worker.
class StressRandom {
 public:
  explicit StressRandom(std::uint64_t seed) : state_(seed | 1) {}
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }

 private:
  std::uint64_t state_;
};

// --perturb: at each point, with probability 1/64 a sched_yield, else with 1/8 a random busy
// delay of up to 2 µs. Does nothing when off.
class Perturber {
 public:
  Perturber(bool on, std::uint64_t seed, const WorkCalibration& work)
      : on_(on), random_(seed), max_iterations_(work_iterations(work, 2000) + 1) {}

  void point() {
    if (!on_) return;
    const std::uint64_t r = random_.next();
    if ((r & 63) == 0) {
      sched_yield();
    } else if ((r & 7) == 0) {
      busy_iterations((r >> 8) % max_iterations_);
    }
  }

 private:
  bool on_;
  StressRandom random_;
  std::uint64_t max_iterations_;
};

inline void note_violation(CheckTally& tally, int worker, std::uint64_t operation) {
  if (tally.violations++ == 0) {
    tally.first_operation = operation;
    tally.first_ns = monotonic_ns();
    tally.first_worker = worker;
  }
}

// What every stress loop shares: the measuring loops' settings, and --perturb with the
// calibration its delays are drawn in.
struct StressSettings : LoopSettings {
  bool perturb;
  WorkCalibration work;
  StopFlag* quiet;
  RunControl* control;
  Fault fault;
  std::uint64_t fault_every;
  std::uint64_t long_hold_iterations;  // kLongHoldCsNs of busy work (RunControl::long_holds)

  unsigned window_shift;  // a check window is 2^window_shift clock ticks, the power of two nearest below kCheckWindowNs

  explicit StressSettings(const RepetitionContext& ctx)
      : LoopSettings(ctx),
        perturb(ctx.spec.perturb),
        work(ctx.calibrations.work),
        quiet(&ctx.control.quiet),
        control(&ctx.control),
        fault(ctx.spec.fault),
        fault_every(ctx.spec.fault_every),
        long_hold_iterations(work_iterations(ctx.calibrations.work, kLongHoldCsNs)),
        window_shift(static_cast<unsigned>(std::bit_width(std::max<std::uint64_t>(
                         2, static_cast<std::uint64_t>(static_cast<double>(kCheckWindowNs) * clock.ticks_per_ns())))) -
                     1) {}

  // True in the windows where the strong check runs, false in the transparent ones: an unfenced
  // clock read and a shift, so choosing costs a few nanoseconds on every operation.
  bool strong_window_now() const { return ((clock.now_unfenced() >> window_shift) & 1) == 0; }
};

// A worker's per-operation bookkeeping: timing of the wait, progress, activity.
class StressWorker {
 public:
  StressWorker(const StressSettings& s, int worker, WorkerSlot& slot, CheckTallies& tallies)
      : s_(s),
        worker_(worker),
        slot_(slot),
        tallies_(tallies),
        sampler_(s.sample_every, worker_seed(s.seed, worker)),
        random_(worker_seed(s.seed ^ 0x6a09e667f3bcc909ULL, worker)),
        perturb_(s.perturb, worker_seed(s.seed ^ 0xbb67ae8584caa73bULL, worker), s.work),
        fault_random_(worker_seed(s.seed ^ 0x3c6ef372fe94f82bULL, worker) + slot.inherited_operations),
        inherited_(slot.inherited_operations),
        first_index_(slot.warmup_operations + slot.inherited_operations) {}

  // Before acquiring: returns the clock value the wait starts at when this wait is timed
  // (`sample`), else 0 — the fenced clock read costs as much as a fast lock's whole operation.
  std::uint64_t begin_wait(bool sample) {
    perturb_.point();
    slot_.activity.store(WorkerActivity::waiting, std::memory_order_relaxed);
    if (sample) window_at_wait_ = s_.control->long_holds.now();
    return sample ? s_.clock.now() : 0;
  }
  // A handoff's sender: the perturbation before its send, and (when `sample`) the clock value a
  // timed round trip starts at; it is not waiting until its send has returned (waiting()).
  std::uint64_t begin_send(bool sample) {
    perturb_.point();
    if (sample) window_at_wait_ = s_.control->long_holds.now();
    return sample ? s_.clock.now() : 0;
  }
  // False when a long-hold window (RunControl::long_holds) touched the sampled wait that
  // begin_wait or begin_send began: its time describes the window, not the configuration, and
  // is not recorded.
  bool wait_outside_windows() const {
    const std::uint32_t now = s_.control->long_holds.now();
    return now == window_at_wait_ && (now & 1) == 0;
  }
  void waiting() { slot_.activity.store(WorkerActivity::waiting, std::memory_order_relaxed); }
  void perturb() { perturb_.point(); }
  // `recovers`: this entry shows that a holder --fault killed no longer blocks the primitive (a
  // reader's entry does not: a dead reader still keeps writers out).
  // Inside from the moment the acquire returned (what the lost wake-up watch assumes): the wait's
  // end is read first, then the activity stored, and only then the latency recorded — a first
  // record can fault a page of the recorder in, and the holder must not look like a waiter then.
  void end_wait(std::uint64_t t0, bool sample, bool recovers = true) {
    const std::uint64_t t1 = sample ? s_.clock.now() : 0;
    slot_.activity.store(WorkerActivity::inside, std::memory_order_relaxed);
    if (sample && wait_outside_windows()) slot_.latency.record(s_.clock.to_ns(t1 - t0));
    if (recovers && (s_.fault.kind == FaultKind::kill_holder || s_.fault.kind == FaultKind::terminate_holder)) {
      note_recovery();
    }
  }
  // --fault: true when this acquisition is the one to strike (in the measured window, not after
  // the stop). Called inside the critical section, after the entry checks.
  bool fault_due(const StopFlag& stop) {
    if (s_.fault.kind == FaultKind::none) return false;
    if (slot_.phase.load(std::memory_order_relaxed) != WorkerPhase::measuring || stop.is_raised()) return false;
    ++acquisitions_;
    return s_.fault_every != 0 ? acquisitions_ % s_.fault_every == 0 : fault_random_.next() % kRandomFaultOdds == 0;
  }
  // Kills this worker process holding the primitive (never returns), or stops it and returns
  // once the repetition's child continues it after the pause, or (terminate-holder) calls
  // `end_session`, which has the server end the session the primitive is held in, and returns: the
  // holder goes on inside as if it still held it. The plan allows terminate-holder only for
  // primitives kept in a server session (SessionBound), whose loops pass their end_session.
  template <class EndSession>
  void strike(EndSession&& end_session) {
    RunControl& ctl = *s_.control;
    ctl.faults_injected.fetch_add(1, std::memory_order_relaxed);
    if (s_.fault.kind == FaultKind::terminate_holder) {
      // Recovery is then the time from asking the server to the next entry (anyone's).
      std::int64_t none = 0;
      ctl.fault_pending_ns.compare_exchange_strong(none, monotonic_ns(), std::memory_order_release);
      end_session();
      return;
    }
    if (s_.fault.kind == FaultKind::kill_holder) {
      slot_.killed_by_fault.store(1, std::memory_order_relaxed);
      ctl.last_killed_worker.store(worker_, std::memory_order_relaxed);
      ctl.last_kill_ns = monotonic_ns();
      std::int64_t none = 0;
      ctl.fault_pending_ns.compare_exchange_strong(none, ctl.last_kill_ns, std::memory_order_release);
      raise(SIGKILL);
    }
    slot_.paused_since_ns.store(monotonic_ns(), std::memory_order_release);
    raise(SIGSTOP);
    slot_.paused_since_ns.store(0, std::memory_order_relaxed);
  }
  void strike() {
    strike([] {});
  }
  void inside_work() {
    // A semaphore's first holders before and in a quiet period sit it out here, holding their
    // permits (RunControl::holding).
    if (s_.control->holding.is_raised() && take_quiet_hold()) {
      while (s_.control->holding.is_raised()) futex::wait(s_.control->holding.raised, 1, Sharing::process_shared);
    }
    // A long-hold window (RunControl::long_holds): longer, so that the waiters are asleep when
    // it ends; counted, to be left out of the throughput.
    if (s_.control->long_holds.is_open()) {
      busy_iterations(s_.long_hold_iterations);
      ++slot_.long_hold_operations;
    }
    perturb_.point();
    if (s_.inside_iterations != 0) busy_iterations(s_.inside_iterations);
    perturb_.point();
  }
  void released(std::uint64_t ops) {
    slot_.activity.store(WorkerActivity::outside, std::memory_order_relaxed);
    perturb_.point();
    if (s_.outside_iterations != 0) busy_iterations(s_.outside_iterations);
    slot_.progress.store(inherited_ + ops, std::memory_order_relaxed);
    // A long-hold window: all but two workers sit it out, so that a sleeper a forgotten wake
    // strands is not rescued by the next of many contenders (RunControl::long_holds).
    if (worker_ >= kLongHoldWorkers) sit_out_long_holds();
    // A quiet period: sit it out asleep, so that nobody rescues a stranded waiter.
    sit_out_quiet();
  }
  void sit_out_long_holds() {
    for (std::uint32_t count = s_.control->long_holds.now(); (count & 1) != 0; count = s_.control->long_holds.now()) {
      futex::wait(s_.control->long_holds.count, count, Sharing::process_shared);
    }
  }
  bool take_quiet_hold() {
    std::atomic<std::int32_t>& holds = s_.control->quiet_holds;
    std::int32_t left = holds.load(std::memory_order_relaxed);
    while (left > 0 && !holds.compare_exchange_weak(left, left - 1, std::memory_order_relaxed)) {
    }
    return left > 0;
  }
  void sit_out_quiet() {
    while (s_.quiet->is_raised()) futex::wait(s_.quiet->raised, 1, Sharing::process_shared);
  }
  void violation(CheckId id, std::uint64_t ops) { note_violation(tallies_[id], worker_, first_index_ + ops); }
  void checked(CheckId id) { ++tallies_[id].checked; }
  // Bounded waiting: acquisitions by others between this one's arrival and its entry.
  void overtaken(std::uint64_t arrival_count, std::uint64_t entry_count) {
    // A broken lock lets two in at once, and their counts can cross: that is the exclusion
    // checks' finding, not a negative overtake.
    slot_.overtakes.record(entry_count >= arrival_count ? entry_count - arrival_count : 0);
  }
  bool should_sample() { return sampler_.should_sample(); }
  std::uint64_t random() { return random_.next(); }
  const StressSettings& settings() const { return s_; }

  // The first entry after a kill is the recovery: kill to entry, into the control block. (A loop
  // whose recovery is not an acquisition calls it itself: a broker queue's first redelivery.)
  void note_recovery() {
    RunControl& ctl = *s_.control;
    std::int64_t killed = ctl.fault_pending_ns.load(std::memory_order_acquire);
    if (killed == 0 || !ctl.fault_pending_ns.compare_exchange_strong(killed, 0, std::memory_order_acq_rel)) return;
    const std::uint32_t i = ctl.recoveries.fetch_add(1, std::memory_order_relaxed);
    if (i < RunControl::kMaxRecoveries) ctl.recovery_ns[i] = monotonic_ns() - killed;
  }

 private:

  const StressSettings& s_;
  const int worker_;
  WorkerSlot& slot_;
  CheckTallies& tallies_;
  Sampler sampler_;
  StressRandom random_;
  Perturber perturb_;
  StressRandom fault_random_;
  std::uint64_t acquisitions_ = 0;   // --fault-every counts these
  const std::uint64_t inherited_;    // operations of the killed processes this one replaces
  std::uint32_t window_at_wait_ = 0;  // RunControl::long_holds when the sampled wait began
  const std::uint64_t first_index_;  // operations this worker did before this phase (warmup, predecessors)
};

// Spins on a try-operation until it succeeds, yielding now and then so that with more workers
// than cores the holder gets to run.
template <class Try>
void spin_on_try(Try attempt) {
  for (std::uint32_t tries = 1; !attempt(); ++tries) {
    if ((tries & 63) == 0) {
      sched_yield();
    } else {
      cpu_relax();
    }
  }
}

namespace detail {

inline std::size_t stress_extra_bytes(const RunSpec& spec) {
  return sizeof(ExclusionWords) + alignof(ExclusionWords) +
         sizeof(CheckTallies) * static_cast<std::size_t>(spec.workers) + alignof(CheckTallies);
}

// The workers' tallies, in the arena, where the supervisor finds them too (RunControl).
inline CheckTallies* make_tallies(RepetitionContext& ctx) {
  const int workers = ctx.spec.workers;
  auto* tallies = static_cast<CheckTallies*>(
      ctx.arena.allocate(sizeof(CheckTallies) * static_cast<std::size_t>(workers), alignof(CheckTallies)));
  for (int w = 0; w < workers; ++w) new (&tallies[w]) CheckTallies();
  ctx.control.worker_tallies = tallies;
  return tallies;
}

inline void mark_applies(CheckTallies* tallies, int workers, std::initializer_list<CheckId> ids) {
  for (int w = 0; w < workers; ++w) {
    for (CheckId id : ids) tallies[w][id].applies = 1;
  }
}

inline void set_note(CheckTally& tally, std::string_view note) {
  const std::size_t n = std::min(note.size(), sizeof(tally.note) - 1);
  std::copy_n(note.data(), n, tally.note);
  tally.note[n] = '\0';
}

// Sums the workers' counts of the events `ids` into the control block and marks them counted (the
// result lists only events its workload counts).
template <std::size_t N>
void merge_events(RepetitionContext& ctx, const EventCounts* per_worker, const EventId (&ids)[N]) {
  for (EventId e : ids) {
    for (int w = 0; w < ctx.spec.workers; ++w) ctx.control.events[e] += per_worker[w][e];
    ctx.control.events_counted |= 1U << static_cast<std::uint32_t>(e);
  }
}

// Merges the workers' tallies into the control block.
inline void merge_tallies(RepetitionContext& ctx, const CheckTallies* tallies) {
  for (int w = 0; w < ctx.spec.workers; ++w) {
    for (std::size_t c = 0; c < kCheckCount; ++c) merge_tally(ctx.control.checks.by_check[c], tallies[w].by_check[c]);
  }
}

// `contend run` of a workload whose checks stay on (lease): the first failed check of the merged
// tallies becomes the repetition's violation ("lease exclusion: 3 of 5120 checked, first by
// worker 1"); `contend stress` judges every check instead (stress_verdict.cpp).
inline void report_failed_checks(RepetitionContext& ctx) {
  for (std::size_t c = 0; c < kCheckCount; ++c) {
    const CheckTally& t = ctx.control.checks.by_check[c];
    if (t.violations == 0) continue;
    const std::string text = fmt::format("{}: {} of {} checked, first by worker {}", check_name(static_cast<CheckId>(c)),
                                         t.violations, t.checked, t.first_worker);
    const std::size_t n = std::min(text.size(), sizeof(ctx.control.violation) - 1);
    std::copy_n(text.data(), n, ctx.control.violation);
    ctx.control.violation[n] = '\0';
    return;
  }
}

// The lost-updates check over the shared lines, as the lock workload runs it, as a tally.
inline void lost_updates_tally(RepetitionContext& ctx, const SharedLine* lines, std::uint64_t expected) {
  check_shared_lines(lines, ctx.spec.cs_lines, expected, ctx.control);
  CheckTally& t = ctx.control.checks[CheckId::lost_updates];
  t.applies = 1;
  t.checked = expected;
  t.violations = ctx.control.lost_updates;
}

}  // namespace detail

}  // namespace contend

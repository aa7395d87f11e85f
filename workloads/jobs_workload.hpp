#pragma once
// The jobs workload (`contend run jobs`, `contend stress jobs`): a table of --jobs jobs
// (primitives/primitive.hpp, JobTable) that workers claim in batches of --batch (--claim skip:
// SKIP LOCKED; block: FOR UPDATE; nowait: NOWAIT, retried), work on for --cs-ns each and
// complete (each as it is done, or, for a table that has complete_all, the claim's together), until every job is done or --duration runs out — a job queue kept in a database
// table (graphile-worker, Que, Oban). With --lease D a claim runs out after D, so the jobs of a
// worker that died come back (and may be done twice).
//
// Checks (a counter per job, in the arena), on in `run` and `stress`:
//   job done once  a job is worked on at most once; with --lease a job worked on again after its
//                  claim ran out is a duplicate (an event), as at-least-once delivery allows;
//   no job lost    after the run, no job is left claimed with no lease to free it (a claimer
//                  --fault killed holding it, without --lease, has lost it for ever).
// Events: duplicates, late completions (complete() refused: the claim had run out), NOWAIT
// conflicts, and claims that found nothing to take while jobs were left; for a table in a
// database, the dead rows a VACUUM after the run could not remove (--long-transaction).
#include "workloads/stress_common.hpp"

namespace contend {

struct JobsShared {
  std::atomic<std::uint32_t>* worked;  // per job: how many times a worker began its work
  EventCounts* events;                 // per worker
  CheckTallies* tallies;               // per worker
};

template <JobTable T>
class JobsLoop {
 public:
  JobsLoop(T& table, const JobsShared& shared, const RepetitionContext& ctx)
      : table_(table),
        shared_(shared),
        batch_(ctx.spec.batch),
        mode_(ctx.spec.claim),
        lease_(ctx.spec.job_lease_ns),
        settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, shared_.tallies[worker]);
    EventCounts warmup_events;  // warmup's are dropped, as its operations are
    EventCounts& events = &stop == &settings_.control->stop ? shared_.events[worker] : warmup_events;
    const std::uint64_t token_base = static_cast<std::uint64_t>(static_cast<std::uint32_t>(slot.tid)) << 32;
    std::uint64_t sequence = slot.warmup_operations + slot.inherited_operations;
    std::uint32_t ids[1024];
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool sample = kSample && w.should_sample();
      const std::uint64_t t0 = w.begin_wait(sample);
      const std::uint64_t token = token_base | (++sequence & 0xffffffffULL);
      const auto batch = static_cast<std::uint32_t>(std::min<std::uint64_t>(batch_, quota - ops));
      const int claimed = table_.claim(token, batch, mode_, lease_, ids);
      w.end_wait(t0, sample, false);
      if (claimed <= 0) {
        if (claimed < 0) {
          ++events[EventId::conflicts];
        } else if (lease_ == 0 || table_.remaining() == 0) {
          // Nothing left to claim: without a lease the jobs still claimed are their claimers' to
          // finish (or lost with them); with one, they come back when it runs out — wait for
          // that unless every job is done.
          w.released(ops);
          break;
        } else {
          ++events[EventId::empty_claims];
        }
        w.released(ops);
        sched_yield();
        continue;
      }
      for (int k = 0; k < claimed; ++k) {
        const std::uint32_t id = ids[k];
        w.checked(CheckId::job_once);
        if (shared_.worked[id].fetch_add(1, std::memory_order_acq_rel) != 0) {
          if (lease_ > 0) {
            ++events[EventId::duplicates];
          } else {
            w.violation(CheckId::job_once, ops);
          }
        }
        // --fault strikes while the worker holds its claims (killed: they stay claimed).
        if (w.fault_due(stop)) {
          w.strike([&] {
            if constexpr (SessionBound<T>) table_.end_session();
          });
        }
        w.inside_work();
        if constexpr (!kCompletesAll) {
          if (!table_.complete(id, token)) ++events[EventId::late_completions];
        }
        ++ops;
      }
      if constexpr (kCompletesAll) {
        events[EventId::late_completions] += static_cast<std::uint64_t>(claimed - table_.complete_all(ids, claimed, token));
      }
      w.released(ops);
    }
    return ops;
  }

 private:
  // A table kept on a server completes a claim's jobs in one statement, after they are all worked
  // on, as batch workers do (graphile-worker's completeJobs): one round trip per job would make
  // --batch save only the claim's.
  static constexpr bool kCompletesAll =
      requires(T& t, const std::uint32_t* ids, int n, std::uint64_t token) {
        { t.complete_all(ids, n, token) } -> std::same_as<int>;
      };

  T& table_;
  const JobsShared shared_;
  const std::uint32_t batch_;
  const ClaimMode mode_;
  const std::int64_t lease_;
  const StressSettings settings_;
};

inline constexpr EventId kJobsEvents[] = {EventId::duplicates, EventId::late_completions, EventId::conflicts,
                                          EventId::empty_claims};

template <JobTable T>
std::size_t jobs_workload_bytes(const RunSpec& spec) {
  const auto n = static_cast<std::size_t>(spec.workers);
  return T::footprint(spec.jobs) + alignof(T) + spec.jobs * sizeof(std::uint32_t) + 64 + n * sizeof(EventCounts) +
         alignof(EventCounts) + detail::stress_extra_bytes(spec);
}

template <JobTable T>
void run_jobs_workload(RepetitionContext& ctx) {
  const RunSpec& spec = ctx.spec;
  JobsShared shared{};
  shared.worked = ctx.arena.make_array<std::atomic<std::uint32_t>>(spec.jobs);
  shared.events = ctx.arena.make_array<EventCounts>(static_cast<std::size_t>(spec.workers));
  shared.tallies = detail::make_tallies(ctx);
  detail::mark_applies(shared.tallies, spec.workers, {CheckId::job_once});
  void* storage = ctx.arena.allocate(T::footprint(spec.jobs), alignof(T));
  T* table = nullptr;
  if constexpr (std::constructible_from<T, std::uint32_t, const BackendSettings&, Sharing>) {
    table = new (storage) T(spec.jobs, backend_settings(spec), sharing_for(spec.mode));  // kept on a server
  } else {
    table = new (storage) T(spec.jobs, sharing_for(spec.mode));
  }
  JobsLoop<T> loop(*table, shared, ctx);
  run_workers(ctx, loop);

  detail::merge_events(ctx, shared.events, kJobsEvents);
  detail::merge_tallies(ctx, shared.tallies);
  // Nobody claims any more: a job still claimed without a lease has nobody left to do it.
  CheckTally& lost = ctx.control.checks[CheckId::jobs_lost];
  lost.applies = 1;
  if (ctx.control.crash_signal == 0) {
    lost.checked = spec.jobs;
    const std::uint64_t stuck = spec.job_lease_ns == 0 ? table->claimed_count() : 0;
    if (stuck > 0) {
      lost.violations = stuck;
      const std::uint32_t killed = ctx.control.faults_injected.load(std::memory_order_relaxed);
      detail::set_note(lost, fmt::format("{} job{} left claimed, never to be done{}", stuck, stuck == 1 ? "" : "s",
                                         killed > 0 && spec.fault.kind == FaultKind::kill_holder
                                             ? fmt::format(" ({} claimers killed by --fault; --lease lets such jobs "
                                                           "come back)",
                                                           killed)
                                             : std::string()));
    }
  }
  // A table in a database: the dead rows left after the run that VACUUM could not remove (all of
  // them under --long-transaction).
  if constexpr (requires { table->dead_rows_kept(); }) {
    if (ctx.control.crash_signal == 0) {
      ctx.control.events[EventId::dead_rows_kept] = table->dead_rows_kept();
      ctx.control.events_counted |= 1U << static_cast<std::uint32_t>(EventId::dead_rows_kept);
    }
  }
  if (!spec.stress) detail::report_failed_checks(ctx);
  table->~T();
}

}  // namespace contend

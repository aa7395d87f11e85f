#pragma once
// A planted bug in job tables, for the jobs workload's "job done once" check
// (workloads/jobs_workload.hpp): jobs-mem (primitives/jobs/mem_job_table.hpp) with one decision
// changed.
//
// broken-jobs-read-then-update  a claim reads a row's state without its lock, then marks it
//                               claimed under the lock without looking again (a SELECT, then an
//                               UPDATE without `WHERE status = 'pending'`): two claimers can both
//                               take a job, and it is done twice.
//
// Process-shared: yes, as jobs-mem. Fairness: none.
#include "primitives/jobs/mem_job_table.hpp"

namespace contend {

class BrokenJobsReadThenUpdate : public MemJobTable {
 public:
  static constexpr std::string_view kName = "broken-jobs-read-then-update";
  static constexpr std::string_view kDescription = "planted bug: a claim reads the row, then updates it without re-checking";
  static constexpr Origin kOrigin = Origin::test;

  static std::size_t footprint(std::uint32_t jobs) { return MemJobTable::footprint(jobs); }
  using MemJobTable::MemJobTable;

  int claim(std::uint64_t token, std::uint32_t batch, ClaimMode mode, std::int64_t lease_ns, std::uint32_t* out) {
    return claim_rows<true>(token, batch, mode, lease_ns, out);
  }
};

}  // namespace contend

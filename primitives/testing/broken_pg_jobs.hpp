#pragma once
// Planted bug for the jobs workload on PostgreSQL: broken-pg-jobs-select-then-update claims the
// way a first version often does, in two statements and without a row lock: it SELECTs the lowest
// pending ids, then UPDATEs those ids with its token, with no re-check that they are still
// pending. Two claimers that read before either writes take the same jobs, and both do them: the
// jobs workload's "job done once" check must catch it. (pg-jobs does it in one statement that
// locks the rows FOR UPDATE SKIP LOCKED and re-checks them under the lock.)
#include <fmt/format.h>

#include <string>

#include "primitives/backends/pg_job_table.hpp"

namespace contend {

class BrokenPgJobsSelectThenUpdate : public PgJobTable {
 public:
  static constexpr std::string_view kName = "broken-pg-jobs-select-then-update";
  static constexpr std::string_view kDescription =
      "planted bug: claims by SELECT of pending ids, then UPDATE of those ids, no row lock, no re-check";
  static constexpr Origin kOrigin = Origin::test;

  using PgJobTable::PgJobTable;
  static std::size_t footprint(std::uint32_t) { return sizeof(BrokenPgJobsSelectThenUpdate); }

  int claim(std::uint64_t token, std::uint32_t batch, ClaimMode, std::int64_t, std::uint32_t* out) {
    pg::Connection& c = pg::connection(key_.conninfo);
    const pg::Result picked =
        c.must(fmt::format("SELECT id FROM {} WHERE token IS NULL ORDER BY id LIMIT {}", table_, batch));
    const int n = picked.rows();
    for (int i = 0; i < n; ++i) {
      out[i] = static_cast<std::uint32_t>(picked.integer(i, 0));
      c.must(fmt::format("UPDATE {} SET token = $1 WHERE id = $2", table_), {std::to_string(token), std::to_string(out[i])});
    }
    return n;
  }
};

}  // namespace contend

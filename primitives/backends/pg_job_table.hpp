#pragma once
// pg-jobs — a job queue kept in a PostgreSQL table, claimed the way graphile-worker, Que and Oban
// claim: one statement picks up to k pending rows `FOR UPDATE SKIP LOCKED` (or plain `FOR UPDATE`,
// or `NOWAIT`: the claim mode) in id order and marks them with the claim's token (and, with a
// lease, `locked_until`); completing a job deletes its row if the claim is still that token's.
//
// Rows: contend_jobs (space, id, token, locked_until), one per job, made by the constructor. A row
// is claimable when it has no token, or its lease ran out (locked_until has passed: the server's
// clock decides, not any client's). The claim statement, for --claim skip:
//   WITH picked AS (SELECT id FROM contend_jobs WHERE space = $1 AND (token IS NULL OR
//                   locked_until < clock_timestamp()) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
//   UPDATE contend_jobs j SET token = $3, locked_until = <now + lease, or NULL> FROM picked
//   WHERE j.space = $1 AND j.id = picked.id RETURNING j.id
// --claim block waits for a row another claim holds, then re-checks it under READ COMMITTED (a
// row claimed meanwhile is passed over, and the scan goes on to the next); --claim nowait fails
// the whole claim at once (SQLSTATE 55P03), which claim() returns as -1, a conflict.
//
// Contract (the JobTable concept, primitives/primitive.hpp). The server's guarantee: a row is
// locked by one transaction at a time, and the claim's re-check under that lock sees the last
// committed token, so two claims never both take a pending row. Fairness: none (the lowest ids
// go to whichever claim locks them first). Memory ordering: through the server's round trips
// (redis_lock.hpp says how). Process-shared: yes (each worker thread or process has its own
// session). A crash: a claimer killed mid-statement has its transaction aborted by the server (the
// rows stay pending); one killed between claim and complete leaves its rows claimed until their
// lease runs out, or for ever without one (the jobs workload reports those as lost); a server that
// dies ends the repetition with an error naming it (pg_client.hpp).
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/pg_client.hpp"
#include "primitives/backends/pg_key.hpp"
#include "primitives/family.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class PgJobTable {
 public:
  static constexpr std::string_view kName = "pg-jobs";
  static constexpr std::string_view kDescription =
      "a PostgreSQL jobs table claimed by one statement: FOR UPDATE SKIP LOCKED (or FOR UPDATE, NOWAIT) LIMIT k";
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "postgres";

  static std::size_t footprint(std::uint32_t) { return sizeof(PgJobTable); }

  PgJobTable(std::uint32_t jobs, const BackendSettings& settings, Sharing) : key_(settings) {
    pg::setup(key_.conninfo,
              fmt::format("CREATE TABLE IF NOT EXISTS contend_jobs (space bigint, id int, token bigint, "
                          "locked_until timestamptz, PRIMARY KEY (space, id)); "
                          "INSERT INTO contend_jobs (space, id) SELECT {}, g FROM generate_series(0, {}) g; "
                          "ANALYZE contend_jobs",
                          key_.space, static_cast<std::int64_t>(jobs) - 1));
  }

  int claim(std::uint64_t token, std::uint32_t batch, ClaimMode mode, std::int64_t lease_ns, std::uint32_t* out) {
    pg::Connection& c = pg::connection(key_.conninfo);
    const std::string batch_text = std::to_string(batch);
    const std::string token_text = std::to_string(token);
    const std::string lease_us = std::to_string(lease_ns / 1000);
    const pg::Result r = c.run(claim_statement(mode), {key_.space, batch_text, token_text, lease_us});
    if (!r.ok()) {
      if (mode == ClaimMode::nowait && r.sqlstate() == pg::kLockNotAvailable) return -1;
      c.fail("claim", r.error());
    }
    const int n = r.rows();
    for (int i = 0; i < n; ++i) out[i] = static_cast<std::uint32_t>(r.integer(i, 0));
    return n;
  }

  bool complete(std::uint32_t id, std::uint64_t token) {
    return pg::connection(key_.conninfo)
               .must("DELETE FROM contend_jobs WHERE space = $1 AND id = $2 AND token = $3",
                     {key_.space, std::to_string(id), std::to_string(token)})
               .affected() == 1;
  }

  std::uint32_t remaining() {
    return static_cast<std::uint32_t>(
        pg::connection(key_.conninfo).must("SELECT count(*) FROM contend_jobs WHERE space = $1", {key_.space}).integer(0, 0));
  }

  // After the run: jobs left claimed (by a claimer that never completed them).
  std::uint32_t claimed_count() {
    return static_cast<std::uint32_t>(
        pg::connection(key_.conninfo)
            .must("SELECT count(*) FROM contend_jobs WHERE space = $1 AND token IS NOT NULL", {key_.space})
            .integer(0, 0));
  }

 protected:
  PgKey key_;

 private:
  static std::string_view claim_statement(ClaimMode mode) {
#define CONTEND_PG_CLAIM(LOCKING)                                                                                  \
  "WITH picked AS (SELECT id FROM contend_jobs WHERE space = $1 AND (token IS NULL OR locked_until < "              \
  "clock_timestamp()) ORDER BY id LIMIT $2 " LOCKING                                                               \
  ") UPDATE contend_jobs j SET token = $3, locked_until = CASE WHEN $4::bigint > 0 THEN clock_timestamp() + "      \
  "$4::bigint * interval '1 microsecond' END FROM picked WHERE j.space = $1 AND j.id = picked.id RETURNING j.id"
    switch (mode) {
      case ClaimMode::block: return CONTEND_PG_CLAIM("FOR UPDATE");
      case ClaimMode::nowait: return CONTEND_PG_CLAIM("FOR UPDATE NOWAIT");
      case ClaimMode::skip: break;
    }
    return CONTEND_PG_CLAIM("FOR UPDATE SKIP LOCKED");
#undef CONTEND_PG_CLAIM
  }
};

}  // namespace contend

#pragma once
// pg-jobs — a job queue kept in a PostgreSQL table, claimed the way graphile-worker, Que and Oban
// claim: one statement picks up to k pending rows `FOR UPDATE SKIP LOCKED` (or plain `FOR UPDATE`,
// or `NOWAIT`: the claim mode) in id order and marks them with the claim's token (and, with a
// lease, `locked_until`); completing a job deletes its row if the claim is still that token's.
// The jobs workload completes a claim's jobs together (complete_all: one DELETE of the claim's ids
// and token), after working on them all, as batch workers do; complete() does one job.
//
// Rows: a table of the repetition's own, contend_jobs_<key space> (id, token, locked_until), one
// row per job, made by the constructor and dropped by the destructor. A row is claimable when it
// has no token, or its lease ran out (locked_until has passed: the server's clock decides, not any
// client's). The claim statement, for --claim skip and a batch of K:
//   WITH picked AS (SELECT id FROM contend_jobs_S WHERE token IS NULL OR locked_until <
//                   clock_timestamp() ORDER BY id LIMIT K FOR UPDATE SKIP LOCKED)
//   UPDATE contend_jobs_S j SET token = $1, locked_until = <now + lease, or NULL> FROM picked
//   WHERE j.id = picked.id RETURNING j.id
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
// dies ends the repetition with an error naming it (pg_client.hpp). A session the server ends
// between claim and complete (--fault terminate-holder) changes nothing: the claim was committed
// in the rows, and the completion runs on the new session.
//
// Cleanup: every claim leaves a dead version of its rows and every completion a dead row; the
// server removes them once no snapshot can see them (pruning as pages are read, index entries
// marked dead as scans pass, VACUUM). With --long-transaction on, the constructor opens a session
// of its own holding a REPEATABLE READ snapshot until the destructor, as a long report or a
// forgotten BEGIN would: nothing dead since is removed, and each claim's index scan from the lowest
// id steps over every row done so far. dead_rows_kept() runs VACUUM after the run, before the
// snapshot is let go, and returns the dead row versions it could not remove.
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <memory>
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

  // A table of the repetition's own, filled and analyzed before the workers start, dropped after
  // the run: no repetition claims against another's rows, dead tuples or autovacuum.
  PgJobTable(std::uint32_t jobs, const BackendSettings& settings, Sharing) : key_(settings) {
    copy_text(table_, fmt::format("contend_jobs_{}", key_.space));
    pg::setup(key_.conninfo, fmt::format("DROP TABLE IF EXISTS {0}; CREATE TABLE {0} (id int PRIMARY KEY, token bigint, "
                                         "locked_until timestamptz); INSERT INTO {0} (id) SELECT g FROM "
                                         "generate_series(0, {1}) g; ANALYZE {0}",
                                         table_, static_cast<std::int64_t>(jobs) - 1));
    if (settings.long_transaction) hold_snapshot();
  }
  ~PgJobTable() {
    long_transaction_.reset();  // its snapshot would keep the DROP waiting for its lock on the table
    pg::setup(key_.conninfo, fmt::format("DROP TABLE IF EXISTS {}", table_));
  }
  PgJobTable(const PgJobTable&) = delete;
  PgJobTable& operator=(const PgJobTable&) = delete;

  int claim(std::uint64_t token, std::uint32_t batch, ClaimMode mode, std::int64_t lease_ns, std::uint32_t* out) {
    pg::Connection& c = pg::connection(key_.conninfo);
    const std::string token_text = std::to_string(token);
    const std::string lease_us = std::to_string(lease_ns / 1000);
    const pg::Result r = c.run(claim_statement(mode, batch), {token_text, lease_us});
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
               .must(fmt::format("DELETE FROM {} WHERE id = $1 AND token = $2", table_),
                     {std::to_string(id), std::to_string(token)})
               .affected() == 1;
  }

  // Completes the claim's jobs in one statement (the jobs workload calls it after working on them
  // all): how many were still that token's.
  int complete_all(const std::uint32_t* ids, int n, std::uint64_t token) {
    std::string array = "{";
    for (int i = 0; i < n; ++i) fmt::format_to(std::back_inserter(array), "{}{}", i == 0 ? "" : ",", ids[i]);
    array += "}";
    return static_cast<int>(pg::connection(key_.conninfo)
                                .must(fmt::format("DELETE FROM {} WHERE id = ANY($1::int[]) AND token = $2", table_),
                                      {array, std::to_string(token)})
                                .affected());
  }

  void end_session() {
    pg::Connection& c = pg::connection(key_.conninfo);
    c.end_session();
    c.take_ended();  // nothing was held in the session: the claims are rows
  }

  std::uint32_t remaining() { return count(""); }

  // After the run: jobs left claimed (by a claimer that never completed them).
  std::uint32_t claimed_count() { return count(" WHERE token IS NOT NULL"); }

  // After the run: VACUUM, then the dead row versions it left (its own report to the statistics,
  // which it writes as it ends). With --long-transaction on, the snapshot is still held here.
  std::uint64_t dead_rows_kept() {
    pg::Connection& c = pg::connection(key_.conninfo);
    c.script(fmt::format("VACUUM {}", table_));  // VACUUM cannot be prepared
    return static_cast<std::uint64_t>(
        c.must(fmt::format("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = '{}'::regclass", table_))
            .integer(0, 0));
  }

 protected:
  std::uint32_t count(std::string_view where) {
    return static_cast<std::uint32_t>(
        pg::connection(key_.conninfo).must(fmt::format("SELECT count(*) FROM {}{}", table_, where)).integer(0, 0));
  }

  PgKey key_;
  char table_[48] = {};
  // --long-transaction's session: opened and closed by the repetition's process, which builds and
  // destroys the table; a forked worker never touches it.
  std::unique_ptr<pg::Connection> long_transaction_;

 private:
  // A session of its own (not this thread's: its statements must not run inside the snapshot) that
  // begins a REPEATABLE READ transaction and reads the table, which fixes its snapshot.
  void hold_snapshot() {
    std::string error;
    long_transaction_ = pg::Connection::open(key_.conninfo, error);
    if (long_transaction_ == nullptr) pg::connection(key_.conninfo).fail("--long-transaction", error);
    long_transaction_->script(
        fmt::format("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM {}", table_));
  }

  // The batch is written into the statement, not bound: a LIMIT the plan does not know is planned
  // for a tenth of the table (measured, in a first version that bound it and the key space: a
  // bitmap scan and a hash join over every row, which made each claim as slow as pgbench's claim
  // and completion together). A statement a batch size: the connection prepares each text once.
  std::string claim_statement(ClaimMode mode, std::uint32_t batch) const {
    const std::string_view locking = mode == ClaimMode::block    ? "FOR UPDATE"
                                     : mode == ClaimMode::nowait ? "FOR UPDATE NOWAIT"
                                                                 : "FOR UPDATE SKIP LOCKED";
    return fmt::format(
        "WITH picked AS (SELECT id FROM {0} WHERE token IS NULL OR locked_until < clock_timestamp() ORDER BY id "
        "LIMIT {1} {2}) UPDATE {0} j SET token = $1, locked_until = CASE WHEN $2::bigint > 0 THEN clock_timestamp() + "
        "$2::bigint * interval '1 microsecond' END FROM picked WHERE j.id = picked.id RETURNING j.id",
        table_, batch, locking);
  }
};

}  // namespace contend

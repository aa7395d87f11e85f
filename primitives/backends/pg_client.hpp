#pragma once
// A PostgreSQL client for the backend primitives kept in a database (pg_*.hpp): one libpq
// connection per server per thread of each process, made on first use (a forked worker opens its
// own), with each statement prepared once per connection. Not a primitive: its contract is the
// server's (a statement runs inside a transaction; row and advisory locks are held until commit or
// until the session ends, and a session ends when its socket closes).
//
// The server is a libpq connection string ("host=/tmp/x port=25432 user=contend dbname=postgres")
// or URI. A server that cannot be reached or closes the connection mid-run ends the calling
// process with exit status kServerLostStatus and one line on stderr naming it and libpq's error:
// the repetition then ends as an error that says so (the measured primitives cannot return
// errors: a lock() has no way to say "the server is gone"). A statement's error reply (an
// SQLSTATE) is the caller's to judge: the expected ones (55P03 lock not available, 40001
// serialization failure, 40P01 deadlock) are outcomes, any other ends the process the same way.
// No statement timeout: a lock wait is a wait, however long; a paused server is the watchdog's
// (`hang`).
// A session ended on purpose (`contend stress --fault terminate-holder`: end_session()) is the one
// loss that does not end the process: a new session replaces it at once, and the primitive that
// held something in the old one asks take_ended() before releasing it.
#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "primitives/backends/backend_settings.hpp"

namespace contend::pg {

inline constexpr int kServerLostStatus = kPostgresLostStatus;
inline constexpr int kConnectTimeoutSeconds = 2;

// SQLSTATEs the primitives and workloads treat as outcomes rather than failures.
inline constexpr std::string_view kLockNotAvailable = "55P03";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";

// A statement's result, cleared with it.
class Result {
 public:
  explicit Result(PGresult* r) : result_(r) {}
  Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  Result& operator=(Result&& other) noexcept {
    std::swap(result_, other.result_);
    return *this;
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (result_ != nullptr) PQclear(result_);
  }
  // The statement succeeded (a command, or rows).
  bool ok() const {
    const ExecStatusType s = PQresultStatus(result_);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  }
  // The error's SQLSTATE ("55P03"), empty when it succeeded or libpq had none.
  std::string_view sqlstate() const {
    const char* s = PQresultErrorField(result_, PG_DIAG_SQLSTATE);
    return s != nullptr ? std::string_view(s) : std::string_view();
  }
  std::string_view error() const { return PQresultErrorMessage(result_); }
  int rows() const { return PQntuples(result_); }
  // Rows an INSERT, UPDATE or DELETE touched.
  std::uint64_t affected() const;
  std::string_view value(int row, int column) const {
    return std::string_view(PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column)));
  }
  std::int64_t integer(int row, int column) const;

 private:
  PGresult* result_;
};

class Connection {
 public:
  // Connects; on failure returns nullptr and says why in `error`.
  static std::unique_ptr<Connection> open(std::string_view conninfo, std::string& error);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` ($1, $2, ... for the parameters, sent as text) as a statement prepared on this
  // connection at first use. A lost connection ends the process; an error reply is returned.
  Result run(std::string_view sql, std::initializer_list<std::string_view> params = {});
  // The same, for a statement whose error is never an outcome (BEGIN, COMMIT, a setup step): an
  // error reply ends the process too, naming `what`.
  Result must(std::string_view sql, std::initializer_list<std::string_view> params = {}, std::string_view what = {});
  // A statement with no parameters, unprepared (a setup script of several statements).
  Result script(std::string_view sql);
  // Ends the process (kServerLostStatus) with one line: the server, `what`, and the error.
  [[noreturn]] void fail(std::string_view what, std::string_view error) const;
  // --fault terminate-holder: has the server end this session, with pg_terminate_backend on a
  // second connection of this thread (it returns once the session is gone, polling every 100 ms),
  // then opens a new session in its place. Whatever the old one held (a transaction and its row
  // locks, advisory locks) the server has released; the caller goes on as a client that has not
  // sent its next statement yet, and learns it from take_ended(). After an end inside a
  // transaction, every statement but the ones take_ended() spares ends the process: it would run
  // outside the transaction its sender thinks it is in.
  void end_session();
  // True once after end_session(): the session the caller held something in is gone (a COMMIT or
  // an unlock would have failed: there is nothing left to release).
  bool take_ended() {
    ended_in_transaction_ = false;
    return std::exchange(ended_, false);
  }
  const std::string& conninfo() const { return conninfo_; }
  const std::string& address() const { return conninfo_; }  // for ThreadConnections
  PGconn* raw() { return conn_; }

 private:
  Connection(PGconn* c, std::string conninfo) : conn_(c), conninfo_(std::move(conninfo)) {}
  // A lost connection ends the process; else the result.
  Result checked(PGresult* r, std::string_view what);

  PGconn* conn_;
  std::string conninfo_;
  std::vector<std::string> prepared_;  // statement texts, in order: statement i is named "s<i>"
  std::unique_ptr<Connection> admin_;  // end_session()'s second connection, opened at its first use
  bool ended_ = false;                 // end_session() ran, and take_ended() has not said so yet
  bool ended_in_transaction_ = false;  // ... and the session was inside a transaction then
};

// This thread's connection to `conninfo`, opened on first use in this process and thread (never
// shared across fork()). Ends the process (kServerLostStatus) when it cannot connect.
Connection& connection(std::string_view conninfo);

// Runs `sql` (one or more statements: CREATE TABLE IF NOT EXISTS, the rows a primitive needs) in
// one transaction on a connection of its own, after an advisory lock that every contend's setup
// takes, so that two runs creating the same table at once do not collide (CREATE TABLE IF NOT
// EXISTS is not safe against a concurrent one). Ends the process when it fails. For a primitive's
// constructor, which runs before the workers start.
void setup(std::string_view conninfo, std::string_view sql);

// Why `conninfo` cannot be used, or empty: connects and runs SELECT 1 (the plan's check).
std::string probe(std::string_view conninfo);

// What the results record about the server: its version and whether it keeps what it commits
// ("PostgreSQL 15.18, fsync off, synchronous_commit off"); empty when it cannot be asked.
std::string describe(std::string_view conninfo);

}  // namespace contend::pg

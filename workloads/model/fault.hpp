#pragma once
// `--fault`: what `contend stress` does to a worker process inside its critical section, and how
// it is written on the command line ("kill-holder", "pause-holder:50ms", "terminate-holder").
//
// kill-holder   SIGKILL: the holder dies holding the lock. A robust lock must let the next
//               locker in (contend reports the time from the kill to that entry); any other
//               lock is never released, and the run ends as a hang that says so. A replacement
//               worker is forked in the dead one's place so the run goes on.
// pause-holder  SIGSTOP, and SIGCONT after the duration: the holder is frozen while holding.
// Both need worker processes (--mode processes): a signal stops or kills a whole process.
// terminate-holder  the server ends the holder's session (PostgreSQL's pg_terminate_backend,
//               asked on a second connection, waiting until the session is gone) while the
//               holder goes on with its critical section, as when an administrator or
//               idle_in_transaction_session_timeout ends a session that sat too long holding.
//               What the session held goes with it: a row or advisory lock is free at once,
//               and the holder learns only at its next statement (its COMMIT fails; contend
//               opens a new session and goes on). A lock kept in a row (pg-lock-table) or a
//               claim written to a row (pg-jobs) outlives the session. Only for primitives kept
//               in PostgreSQL; threads or processes alike.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace contend {

enum class FaultKind : std::uint32_t { none, kill_holder, pause_holder, terminate_holder };

struct Fault {
  FaultKind kind = FaultKind::none;
  std::int64_t pause_ns = 0;  // pause_holder: how long the holder stays stopped

  bool operator==(const Fault&) const = default;
};

// "kill-holder", "pause-holder:50ms", "terminate-holder", or "" for none.
std::string fault_text(const Fault& f);
// The fault a `--fault` value names, or nothing with `error` set to why not.
std::optional<Fault> parse_fault(std::string_view text, std::string& error);

}  // namespace contend

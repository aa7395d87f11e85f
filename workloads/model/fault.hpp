#pragma once
// `--fault`: what `contend stress` does to a worker process inside its critical section, and how
// it is written on the command line ("kill-holder", "pause-holder:50ms").
//
// kill-holder   SIGKILL: the holder dies holding the lock. A robust lock must let the next
//               locker in (contend reports the time from the kill to that entry); any other
//               lock is never released, and the run ends as a hang that says so. A replacement
//               worker is forked in the dead one's place so the run goes on.
// pause-holder  SIGSTOP, and SIGCONT after the duration: the holder is frozen while holding.
// Both need worker processes (--mode processes): a signal stops or kills a whole process.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace contend {

enum class FaultKind : std::uint32_t { none, kill_holder, pause_holder };

struct Fault {
  FaultKind kind = FaultKind::none;
  std::int64_t pause_ns = 0;  // pause_holder: how long the holder stays stopped

  bool operator==(const Fault&) const = default;
};

// "kill-holder", "pause-holder:50ms", or "" for none.
std::string fault_text(const Fault& f);
// The fault a `--fault` value names, or nothing with `error` set to why not.
std::optional<Fault> parse_fault(std::string_view text, std::string& error);

}  // namespace contend

#pragma once
// Ctrl-C and SIGTERM while a plan runs: the handler only records the signal; the supervisor's
// watchdog and the schedules check it between steps and stop, keeping what was measured
// (Results::complete = false), and the subcommand exits with 128 + the signal.
#include <signal.h>

namespace contend {

// Set by SIGINT/SIGTERM while a plan runs (inside an InterruptScope).
bool interrupt_requested();
int interrupt_signal();

// Installs the handlers for the duration of a plan; the destructor restores the old ones. Scopes
// nest: an inner one (a plan inside a longer schedule) leaves the outer one's handlers and flag.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct ::sigaction old_int_{};
  struct ::sigaction old_term_{};
};

}  // namespace contend

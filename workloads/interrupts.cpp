#include "workloads/interrupts.hpp"

#include <csignal>

namespace contend {
namespace {

volatile std::sig_atomic_t g_interrupt_signal = 0;

extern "C" void on_interrupt(int sig) { g_interrupt_signal = sig; }

}  // namespace

bool interrupt_requested() { return g_interrupt_signal != 0; }
int interrupt_signal() { return g_interrupt_signal; }

// Scopes nest (contend ab holds one around many plans): only the outermost installs the
// handlers and clears the flag, so a Ctrl-C between two inner plans is still seen.
namespace {
int g_interrupt_scope_depth = 0;
}

InterruptScope::InterruptScope() {
  if (g_interrupt_scope_depth++ > 0) return;
  g_interrupt_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a sleeping watchdog wakes at once
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

InterruptScope::~InterruptScope() {
  if (--g_interrupt_scope_depth > 0) return;
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

}  // namespace contend

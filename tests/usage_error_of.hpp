#pragma once
// For unit tests of option and suite parsing: the message of the UsageError a call throws.
#include <string>

#include "cli/usage_error.hpp"

namespace contend::cli {

// The UsageError's message, or "(no error)" when `f` returns normally.
template <class F>
std::string usage_error_of(F f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace contend::cli

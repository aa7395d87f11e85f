#pragma once
// Bad input from the command line: one line naming what is wrong and what is accepted.
// main() prints it and exits with code 2 before anything is written.
#include <stdexcept>
#include <string>

namespace contend::cli {

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace contend::cli

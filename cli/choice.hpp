#pragma once
// Binds a closed set of names to an enum option. CLI11 2.1 cannot bind our enums directly (its
// default-value capture finds our to_string(), which returns string_view, by ADL), so the
// option is parsed as text checked against the names — a bad value still fails while parsing,
// with the accepted names in the message — and the callback stores the enum.
#include <CLI/CLI.hpp>

#include <string>
#include <utility>
#include <vector>

namespace contend::cli {

template <class E>
using Choices = std::vector<std::pair<std::string, E>>;

template <class E>
CLI::Option* add_choice(CLI::App& cmd, const std::string& flags, E& target, const Choices<E>& choices,
                        const std::string& description) {
  std::vector<std::string> names;
  std::string current;
  for (const auto& [name, value] : choices) {
    names.push_back(name);
    if (value == target) current = name;
  }
  auto* opt = cmd.add_option_function<std::string>(
      flags,
      [&target, choices](const std::string& text) {
        for (const auto& [name, value] : choices) {
          if (name == text) target = value;
        }
      },
      description);
  opt->check(CLI::IsMember(names, CLI::ignore_case));
  if (!current.empty()) opt->default_str(current);
  return opt;
}

}  // namespace contend::cli

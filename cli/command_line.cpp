// The only file that includes CLI11 (see command_line.hpp for why).
#include "cli/command_line.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <iostream>

#include "cli/suggest.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {

Option& Option::required() {
  impl_->required();
  return *this;
}

Option& Option::excludes(const Option& other) {
  impl_->excludes(other.impl_);
  return *this;
}

Option& Option::type_name(const std::string& name) {
  impl_->type_name(name);
  return *this;
}

Option& Option::default_text(const std::string& text) {
  impl_->default_str(text);
  return *this;
}

Option& Option::description(const std::string& text) {
  impl_->description(text);
  return *this;
}

Option& Option::range(double min, double max) {
  impl_->check(CLI::Range(min, max));
  return *this;
}

Option& Option::one_of(const std::vector<std::string>& names) {
  impl_->check(CLI::IsMember(names));
  return *this;
}

Option& Option::one_value_each() {
  impl_->allow_extra_args(false);
  impl_->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return *this;
}

Command Command::subcommand(const std::string& name, const std::string& description) {
  return Command(impl_->add_subcommand(name, description));
}

Option Command::option(const std::string& flags, std::string& target, const std::string& help) {
  return Option(impl_->add_option(flags, target, help)->capture_default_str());
}

Option Command::option(const std::string& flags, int& target, const std::string& help) {
  return Option(impl_->add_option(flags, target, help)->capture_default_str());
}

Option Command::option(const std::string& flags, double& target, const std::string& help) {
  return Option(impl_->add_option(flags, target, help)->capture_default_str());
}

Option Command::option(const std::string& flags, std::vector<std::string>& target, const std::string& help) {
  return Option(impl_->add_option(flags, target, help));
}

Option Command::text_option(const std::string& flags, std::function<void(const std::string&)> take,
                            const std::string& help) {
  return Option(impl_->add_option_function<std::string>(
      flags,
      [take = std::move(take)](const std::string& text) {
        try {
          take(text);
        } catch (const UsageError& e) {
          throw CLI::ValidationError(e.what());
        }
      },
      help));
}

Option Command::flag(const std::string& flags, bool& target, const std::string& help) {
  return Option(impl_->add_flag(flags, target, help));
}

Option Command::flag(const std::string& flags, std::function<void()> on, const std::string& help) {
  return Option(impl_->add_flag_function(
      flags, [on = std::move(on)](std::int64_t count) { if (count > 0) on(); }, help));
}

Option Command::find(const std::string& name) { return Option(impl_->get_option(name)); }

void Command::footer(const std::string& text) { impl_->footer(text); }

void Command::allow_extras() { impl_->allow_extras(); }

CommandLine::CommandLine(const std::string& description, const std::string& name)
    : app_(std::make_unique<CLI::App>(description, name)) {}

CommandLine::~CommandLine() = default;

Command CommandLine::root() { return Command(app_.get()); }

void CommandLine::version(const std::string& text) { app_->set_version_flag("--version", text); }

void CommandLine::require_subcommand() { app_->require_subcommand(1); }

std::optional<int> CommandLine::parse(int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app_->get_subcommands({})) names.push_back(sub->get_name());
  // The first argument that is not an option names the subcommand: CLI11 would take an unknown
  // one for a stray positional and say only that a subcommand is required.
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    if (std::find(names.begin(), names.end(), arg) != names.end()) {
      subcommand_ = arg;
      break;
    }
    const std::string guess = did_you_mean(arg, names);
    std::cerr << fmt::format("{}: unknown subcommand '{}'; {} ({})\n", app_->get_name(), arg,
                             guess.empty() ? fmt::format("the subcommands are: {}", fmt::join(names, ", ")) : guess,
                             help_pointer());
    return 2;
  }
  try {
    app_->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app_->exit(e);  // --help, --version
    std::cerr << app_->get_name() << ": " << e.what() << " (" << help_pointer() << ")\n";
    return 2;
  }
  return std::nullopt;
}

std::string CommandLine::help_pointer() const {
  if (subcommand_.empty()) return fmt::format("see '{} --help'", app_->get_name());
  return fmt::format("see '{} {} --help'", app_->get_name(), subcommand_);
}

void CommandLine::parse(const std::vector<std::string>& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    app_->parse(reversed);
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
}

bool CommandLine::got(const std::string& subcommand) const { return app_->got_subcommand(subcommand); }

std::vector<std::string> CommandLine::remaining(const std::string& subcommand) const {
  return app_->get_subcommand(subcommand)->remaining();
}

}  // namespace contend::cli

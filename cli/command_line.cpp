// The only file that includes CLI11 (see command_line.hpp for why).
#include "cli/command_line.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

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
  try {
    app_->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app_->exit(e);  // --help, --version
    std::cerr << app_->get_name() << ": " << e.what() << " (see '" << app_->get_name() << " --help')\n";
    return 2;
  }
  return std::nullopt;
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

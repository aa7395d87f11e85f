#pragma once
// The command line's grammar: subcommands, options, flags and positionals, over CLI11.
//
// Why a facade: CLI11 2.1 (the version Debian ships) is header-only and costs about ten seconds
// of compile in every file that calls it, in each of the three builds CI makes (release, ASan,
// TSan). Behind these few classes it is compiled once, in command_line.cpp, and the subcommand
// files (one per subcommand, each an options struct, a setup function and a run function) use
// only this header. Values are typed when they are read: a bad value fails the parse with one
// line naming the option and what it accepts.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace contend::cli {

class Option {
 public:
  Option& required();
  Option& excludes(const Option& other);
  Option& type_name(const std::string& name);
  Option& default_text(const std::string& text);  // shown in --help
  Option& description(const std::string& text);
  Option& range(double min, double max);           // a number from min to max
  Option& one_of(const std::vector<std::string>& names);
  // A repeatable option takes one value each time it is given ("--plugin a.so --plugin b.so"),
  // so a value after it without the flag is an unexpected argument, not one more of its values.
  Option& one_value_each();

 private:
  friend class Command;
  explicit Option(CLI::Option* impl) : impl_(impl) {}
  CLI::Option* impl_;
};

class Command {
 public:
  Command subcommand(const std::string& name, const std::string& description);

  // Options with a typed target; a name without dashes is a positional. The target's value when
  // the option is added is its default, shown in --help.
  Option option(const std::string& flags, std::string& target, const std::string& help);
  Option option(const std::string& flags, int& target, const std::string& help);
  Option option(const std::string& flags, double& target, const std::string& help);
  Option option(const std::string& flags, std::vector<std::string>& target, const std::string& help);
  // An option whose text goes to `take`; a UsageError thrown by it fails the parse with its message.
  Option text_option(const std::string& flags, std::function<void(const std::string&)> take,
                     const std::string& help);
  Option flag(const std::string& flags, bool& target, const std::string& help);
  Option flag(const std::string& flags, std::function<void()> on, const std::string& help);

  Option find(const std::string& name);  // an option added earlier, to change its description
  void footer(const std::string& text);
  // Leaves arguments it does not know for remaining() rather than failing (micro passes them to
  // Google Benchmark).
  void allow_extras();

 private:
  friend class CommandLine;
  explicit Command(CLI::App* impl) : impl_(impl) {}
  CLI::App* impl_;
};

class CommandLine {
 public:
  CommandLine(const std::string& description, const std::string& name);
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  Command root();
  void version(const std::string& text);
  void require_subcommand();

  // Parses the program's arguments. Returns the exit code when the program ends here: --help
  // and --version print and give 0; bad usage prints one line on stderr ("contend: ... (see
  // 'contend run --help')", the subcommand's help when one was named; an unknown subcommand
  // with the nearest one) and gives 2. Returns nothing when a subcommand should run.
  std::optional<int> parse(int argc, char** argv);
  // "see 'contend run --help'": where the help for the subcommand that was parsed (or, before
  // one was, the program's) is.
  std::string help_pointer() const;
  // For tests: parses `args` (no program name); throws UsageError with the parse error's text.
  void parse(const std::vector<std::string>& args);

  bool got(const std::string& subcommand) const;
  std::vector<std::string> remaining(const std::string& subcommand) const;

 private:
  std::unique_ptr<CLI::App> app_;
  std::string subcommand_;  // the one named on the command line, once parse has seen it
};

}  // namespace contend::cli

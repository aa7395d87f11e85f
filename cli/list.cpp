// `contend list`: the primitives, their family, origin and whether they work across processes.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/choice.hpp"
#include "cli/commands.hpp"
#include "cli/plugins.hpp"

namespace contend::cli {

void setup_list(Command& app, ListOptions& o) {
  Command cmd = app.subcommand("list", "List the primitives contend can measure");
  add_choice<std::optional<Family>>(cmd, "--family", o.family,
                                    {{"lock", Family::lock},
                                     {"semaphore", Family::semaphore},
                                     {"rw", Family::rw},
                                     {"pingpong", Family::pingpong},
                                     {"queue", Family::queue},
                                     {"lease", Family::lease},
                                     {"keyed", Family::keyed},
                                     {"jobs", Family::jobs},
                                     {"tasks", Family::tasks},
                                     {"counters", Family::counters}},
                                    "Only this family: lock, semaphore, rw, pingpong, queue, lease, keyed, jobs, "
                                    "tasks or counters");
  add_choice<bool>(cmd, "--format", o.json, {{"table", false}, {"json", true}}, "table or json");
  cmd.option("--plugin", o.plugins, kPluginHelp).one_value_each().type_name("PATH");
  cmd.flag("--show-broken", o.show_broken, "Also list the planted-bug primitives used to test contend");
  cmd.footer(
      "Examples:\n"
      "  contend list\n"
      "  contend list --family semaphore --format json\n"
      "  contend list --plugin ./libmylock.so");
}

int run_list(const ListOptions& o) {
  const Registry registry = registry_with_plugins(o.plugins);
  const auto entries = registry.visible(o.family, o.show_broken);
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const RegistryEntry* e : entries) {
      out.push_back({{"name", e->info.name},
                     {"family", to_string(e->info.family)},
                     {"origin", to_string(e->info.origin)},
                     {"process_shared", e->info.process_shared},
                     {"description", e->info.description}});
    }
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  std::size_t name_width = 4;
  for (const RegistryEntry* e : entries) name_width = std::max(name_width, e->info.name.size());
  std::cout << fmt::format("{:<{}}  {:<9}  {:<7}  {:<9}  {}\n", "name", name_width, "family", "origin",
                           "processes", "description");
  for (const RegistryEntry* e : entries) {
    std::cout << fmt::format("{:<{}}  {:<9}  {:<7}  {:<9}  {}\n", e->info.name, name_width,
                             to_string(e->info.family), to_string(e->info.origin),
                             e->info.process_shared ? "yes" : "no", e->info.description);
  }
  return kExitOk;
}

}  // namespace contend::cli

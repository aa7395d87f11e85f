#include "cli/plugins.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>

#include "cli/usage_error.hpp"

namespace contend::cli {

std::vector<LoadedPlugin> load_plugins(const std::vector<std::string>& paths, const Registry& registry) {
  std::vector<LoadedPlugin> plugins;
  std::map<std::string, std::string, std::less<>> owner;  // plugin primitive -> its plugin's path
  for (const std::string& path : paths) {
    try {
      plugins.push_back(load_plugin(path));
    } catch (const PluginLoadError& e) {
      throw UsageError(e.what());
    }
    const LoadedPlugin& p = plugins.back();
    const auto claim = [&](const char* name) {
      if (registry.find(name) != nullptr) {
        throw UsageError(fmt::format("--plugin '{}': primitive '{}' is already a built-in primitive; rename it "
                                     "in the plugin (see `contend list`)",
                                     path, name));
      }
      const auto [it, fresh] = owner.emplace(name, path);
      if (!fresh) {
        throw UsageError(fmt::format("--plugin '{}': primitive '{}' is already defined by --plugin '{}'", path,
                                     name, it->second));
      }
    };
    for (const contend_lock_ops* ops : p.locks) claim(ops->name);
    for (const contend_semaphore_ops* ops : p.semaphores) claim(ops->name);
    for (const contend_queue_ops* ops : p.queues) claim(ops->name);
  }
  return plugins;
}

Registry registry_with_plugins(const std::vector<std::string>& paths) {
  Registry registry = Registry::builtin();
  for (const LoadedPlugin& plugin : load_plugins(paths, registry)) registry.add_plugin(plugin);
  return registry;
}

}  // namespace contend::cli

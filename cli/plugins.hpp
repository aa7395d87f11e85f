#pragma once
// --plugin on list, run, stress and micro: loading the libraries and checking their names.
#include <string>
#include <vector>

#include "primitives/plugin_loader.hpp"
#include "workloads/registry.hpp"

namespace contend::cli {

// Loads the --plugin libraries. A plugin that the loader refuses, or whose primitive takes a
// name already taken (by a built-in or by another plugin), is bad input: UsageError, one line,
// before anything runs.
std::vector<LoadedPlugin> load_plugins(const std::vector<std::string>& paths, const Registry& registry);

// The built-in registry plus every --plugin's primitives.
Registry registry_with_plugins(const std::vector<std::string>& paths);

// The help text of --plugin, shared by the subcommands that take it.
inline constexpr const char* kPluginHelp =
    "Also load the primitives of this plugin (a shared library exporting contend_plugin_v1, see "
    "primitives/include/contend/plugin.h); repeatable";

}  // namespace contend::cli

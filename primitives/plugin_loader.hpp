#pragma once
// Loading a user's plugin (`--plugin path.so`): the shared library's table of primitives, checked
// against the contract of primitives/include/contend/plugin.h before anything runs.
//
// A plugin is dlopen'ed with RTLD_NOW | RTLD_LOCAL, so an unresolved symbol fails here rather
// than in the middle of a run and its symbols cannot clash with contend's or another plugin's.
// It is never dlclose'd: the ops pointers stay valid for the life of the process, including in
// every repetition child and forked worker (fork() keeps the mapping at the same address).
//
// Versions (plugin.h says how they evolve): the table's `abi` says its version, and a version 1
// table is read only up to its last field (`queues`), so the fields version 2 appended are never
// read past the end of an older plugin's table.
//
// A name clash with a built-in primitive or with another plugin's is the registry's to refuse;
// the loader checks only what one plugin says about itself.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "primitives/include/contend/plugin.h"

namespace contend {

struct LoadedPlugin {
  std::string path;
  std::vector<const contend_lock_ops*> locks;
  std::vector<const contend_semaphore_ops*> semaphores;
  std::vector<const contend_queue_ops*> queues;
  std::vector<const contend_rwlock_ops*> rwlocks;    // version 2 on
  std::vector<const contend_handoff_ops*> handoffs;  // version 2 on
  std::uint32_t abi = 0;                             // the table's version
};

// A plugin contend does not accept. what() is one line, "--plugin 'PATH': ...", naming what is
// wrong and what is accepted.
class PluginLoadError : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

// Loads the plugin at `path` and checks its table; throws PluginLoadError.
LoadedPlugin load_plugin(const std::string& path);

}  // namespace contend

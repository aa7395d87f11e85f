/*
 * A plugin built against version 1 of contend/plugin.h (tests/CMakeLists.txt puts the frozen copy,
 * tests/plugins/v1/contend/plugin.h, first on the include path), as a plugin compiled before
 * version 2 existed would be: it exports contend_plugin_v1 and its table ends at `queues`.
 * contend must still load it and run its lock (plugin_gtest, e2e_stress_test).
 */
#include <contend/plugin.h>
#include <stdatomic.h>

typedef struct { atomic_bool locked; } tas_lock;

static int tas_init(void *self) {
  atomic_init(&((tas_lock *)self)->locked, 0);
  return 0;
}

static void tas_acquire(void *self) {
  while (atomic_exchange_explicit(&((tas_lock *)self)->locked, 1, memory_order_acquire)) {
  }
}

static void tas_release(void *self) { atomic_store_explicit(&((tas_lock *)self)->locked, 0, memory_order_release); }

static const contend_lock_ops locks[] = {{
    .name = "v1-tas",
    .description = "a plugin built against plugin.h version 1: test-and-set spinlock",
    .size = sizeof(tas_lock),
    .align = _Alignof(tas_lock),
    .process_shared = 1,
    .init = tas_init,
    .lock = tas_acquire,
    .unlock = tas_release,
}};

static const contend_plugin plugin = {
    .abi = CONTEND_PLUGIN_ABI, /* 1 in that header */
    .n_locks = 1,
    .locks = locks,
};

_Static_assert(CONTEND_PLUGIN_ABI == 1, "this plugin must be built against the frozen version 1 header");

__attribute__((visibility("default"))) const contend_plugin *contend_plugin_v1(void) { return &plugin; }

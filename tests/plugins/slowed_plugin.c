/*
 * The gate's test subject (scripts/bench-gate.sh): a plugin that exports a lock under the same
 * name as the example plugin, `example-ttas`, and the same algorithm, plus a deliberate cost:
 * after taking the lock it spins CONTEND_SLOWDOWN_SPINS empty iterations (read from the
 * environment when the lock is initialised; 0 or unset: no extra cost). So
 *   contend ab SUITE -p example-ttas --a-plugin libexample.so --b-plugin libslowed.so
 * runs A = the example's lock against B = the same lock made slower by a chosen amount: a known
 * regression for the gate to catch. A test fixture, not an example to copy.
 */
#define _POSIX_C_SOURCE 200809L
#include <contend/plugin.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct {
  atomic_bool locked;
  unsigned long spins; /* the extra work, per acquisition, inside the critical section */
} slowed_lock;

static int slowed_init(void *self) {
  slowed_lock *l = self;
  atomic_init(&l->locked, 0);
  const char *text = getenv("CONTEND_SLOWDOWN_SPINS");
  l->spins = text != NULL ? strtoul(text, NULL, 10) : 0;
  return 0;
}

static void slowed_acquire(void *self) {
  slowed_lock *l = self;
  while (atomic_exchange_explicit(&l->locked, 1, memory_order_acquire)) {
    while (atomic_load_explicit(&l->locked, memory_order_relaxed)) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }
  /* An empty loop the compiler must keep: one iteration is about one cycle. */
  for (unsigned long i = 0; i < l->spins; ++i) __asm__ volatile("" ::: "memory");
}

static void slowed_release(void *self) {
  atomic_store_explicit(&((slowed_lock *)self)->locked, 0, memory_order_release);
}

static const contend_lock_ops locks[] = {{
    .name = "example-ttas",
    .description = "example-ttas with CONTEND_SLOWDOWN_SPINS extra iterations per acquisition (gate test)",
    .size = sizeof(slowed_lock),
    .align = _Alignof(slowed_lock),
    .process_shared = 1,
    .init = slowed_init,
    .destroy = NULL,
    .lock = slowed_acquire,
    .unlock = slowed_release,
    .try_lock = NULL,
}};

static const contend_plugin plugin = {
    .abi = CONTEND_PLUGIN_ABI,
    .n_locks = sizeof locks / sizeof locks[0],
    .locks = locks,
};

__attribute__((visibility("default"))) const contend_plugin *contend_plugin_v1(void) { return &plugin; }

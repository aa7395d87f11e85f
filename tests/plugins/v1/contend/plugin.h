/* FROZEN: version 1 of contend/plugin.h, as released (commit 3b0247a), kept so that a test builds a
 * plugin against it and checks that this contend still loads it (tests/plugins/v1_plugin.c). Never edit.
 */
/*
 * contend's plugin interface: your own locks, semaphores and queues, measured and stress-tested
 * by contend like its built-in ones.
 *
 * A plugin is a shared library (built with -fPIC -shared) that exports one function,
 * contend_plugin_v1(), returning a table of the primitives it offers. Load it with
 *   contend run lock --plugin ./libmine.so -p my-lock
 *   contend micro --plugin ./libmine.so -p my-lock
 * tests/plugins/example_plugin.c in contend's sources is a complete plugin to copy.
 *
 * The table. Every name is 1 to 64 characters of [a-z0-9_.-], unique within the plugin and not
 * the name of a built-in primitive (`contend list` shows those). Each function named "required"
 * below must be non-NULL. `size` must be at least 1 and `align` a power of two no larger than
 * 4096. The table and everything it points to must stay valid while the library is loaded;
 * contend never unloads a plugin. A table contend does not accept is refused with one line
 * naming what is wrong, before anything runs.
 *
 * What contend guarantees to a primitive:
 *  - Storage: each instance gets `size` bytes (for a queue, footprint(capacity) bytes), aligned
 *    to `align`, zero-filled, which the instance owns until destroy() returns. Keep all state
 *    there: `self` is the only handle contend passes.
 *  - Process mode: workers may be forked processes (`--mode processes`). contend runs a plugin
 *    primitive there only when its `process_shared` is nonzero, and then the storage lies in an
 *    anonymous MAP_SHARED mapping made before fork(), at the same address in every process, so
 *    the state must work across processes (no pointers into one process's heap, pthread objects
 *    with PTHREAD_PROCESS_SHARED, futexes without FUTEX_PRIVATE_FLAG). With process_shared 0 it
 *    runs only on threads.
 *  - Lifetime: init() is called once on the storage before any worker starts; destroy(), when
 *    non-NULL, once after every worker has finished. No other call comes before init() or after
 *    destroy(). init() returns 0 on success; any other value fails that run with the value in
 *    its message.
 *  - Concurrency: every other function is called concurrently, from many threads or processes,
 *    on the same instance. A lock's unlock() is called only by the worker holding it, a
 *    semaphore's release() only by a worker holding a permit.
 *  - try_* functions return nonzero on success and 0 on failure, at once (they must not block).
 *  - Queue items are 64-bit values, never 0 (so 0 is free to mark an empty cell).
 *
 * What contend checks (in stress mode, and counts in every run): a lock gives mutual exclusion,
 * a semaphore never admits more holders than permits, a queue delivers every pushed item
 * exactly once and each producer's items in the order it pushed them. A call that happens
 * before a successful unlock()/release()/try_push() must happen-before everything after the
 * lock()/acquire()/try_pop() that follows it: use release and acquire ordering there.
 *
 * Calls go through function pointers: contend reports that indirection's cost beside the
 * built-in primitives (`contend micro` over a plugin copy of a built-in lock shows it).
 */
#ifndef CONTEND_PLUGIN_H
#define CONTEND_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface. contend refuses a table whose `abi` is another number. */
#define CONTEND_PLUGIN_ABI 1

/* A mutual-exclusion lock. */
typedef struct contend_lock_ops {
  const char *name;        /* required; how -p and the results name it */
  const char *description; /* one line for `contend list`; may be NULL */
  size_t size;             /* bytes of one instance, at least 1 */
  size_t align;            /* alignment of one instance: a power of two, at most 4096 */
  int process_shared;      /* nonzero: works in MAP_SHARED memory across fork() */
  int (*init)(void *self);    /* required; 0 = ok */
  void (*destroy)(void *self); /* may be NULL */
  void (*lock)(void *self);    /* required; returns holding the lock */
  void (*unlock)(void *self);  /* required; called by the holder only */
  int (*try_lock)(void *self); /* nonzero = acquired; may be NULL (no try_lock case then) */
} contend_lock_ops;

/* A counting semaphore. */
typedef struct contend_semaphore_ops {
  const char *name;
  const char *description;
  size_t size;
  size_t align;
  int process_shared;
  int (*init)(void *self, uint32_t permits); /* required; starts with `permits` free; 0 = ok */
  void (*destroy)(void *self);               /* may be NULL */
  void (*acquire)(void *self);               /* required; returns holding one permit */
  void (*release)(void *self);               /* required; returns one permit */
  int (*try_acquire)(void *self);            /* nonzero = took a permit; may be NULL */
} contend_semaphore_ops;

/* A bounded multi-producer multi-consumer queue of nonzero 64-bit items. */
typedef struct contend_queue_ops {
  const char *name;
  const char *description;
  size_t (*footprint)(size_t capacity); /* required; bytes of one instance of `capacity` items */
  size_t align;
  int process_shared;
  int (*init)(void *self, size_t capacity);    /* required; capacity: a power of two, >= 2 */
  void (*destroy)(void *self);                 /* may be NULL */
  int (*try_push)(void *self, uint64_t item);  /* required; nonzero = pushed, 0 = full */
  int (*try_pop)(void *self, uint64_t *item);  /* required; nonzero = popped into *item, 0 = empty */
} contend_queue_ops;

/* What a plugin offers: arrays of n_X entries (the pointer may be NULL when n_X is 0). */
typedef struct contend_plugin {
  uint32_t abi; /* CONTEND_PLUGIN_ABI */
  size_t n_locks;
  const contend_lock_ops *locks;
  size_t n_semaphores;
  const contend_semaphore_ops *semaphores;
  size_t n_queues;
  const contend_queue_ops *queues;
} contend_plugin;

/* The one symbol contend looks up (with dlsym), which the plugin defines and exports. It may be
 * called more than once and must return the same table each time. */
const contend_plugin *contend_plugin_v1(void);

#ifdef __cplusplus
}
#endif

#endif /* CONTEND_PLUGIN_H */

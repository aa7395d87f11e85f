/*
 * contend's plugin interface: your own locks, semaphores, queues, reader-writer locks and handoff
 * channels, measured and stress-tested by contend like its built-in ones.
 *
 * A plugin is a shared library (built with -fPIC -shared) that exports one function,
 * contend_plugin_v1(), returning a table of the primitives it offers: locks, semaphores, queues,
 * reader-writer locks and handoff channels. Load it with
 *   contend run lock --plugin ./libmine.so -p my-lock
 *   contend stress rw --plugin ./libmine.so -p my-rwlock
 *   contend micro --plugin ./libmine.so -p my-lock
 * tests/plugins/example_plugin.c in contend's sources is a complete plugin to copy.
 *
 * Versions. The table only grows: version N's contend_plugin is version N-1's with fields
 * appended at the end, and its first field, `abi`, says which version it is (set it to
 * CONTEND_PLUGIN_ABI and it is the version of the header you built with). contend reads the
 * fields of the version the table says and no further, so:
 *  - a plugin built against an older plugin.h keeps loading: a version 1 table ends at `queues`,
 *    and contend reads no field past it (its reader-writer locks and handoffs are none);
 *  - a plugin built against a newer plugin.h than this contend knows is refused with one line
 *    naming both versions, never misread;
 *  - the entry point's name, contend_plugin_v1, changes only if its signature ever does.
 * Version 2 added reader-writer locks and handoff channels (n_rwlocks ... handoffs).
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
 *    semaphore's release() only by a worker holding a permit, a reader-writer lock's
 *    unlock_shared() only by a worker holding it shared. A handoff channel has exactly two users,
 *    its ends 0 and 1 (see contend_handoff_ops), each on its own thread or process.
 *  - try_* functions return nonzero on success and 0 on failure, at once (they must not block).
 *  - Queue items are 64-bit values, never 0 (so 0 is free to mark an empty cell).
 *
 * What contend checks (in stress mode, and counts in every run): a lock gives mutual exclusion,
 * a semaphore never admits more holders than permits, a reader-writer lock's writer is alone
 * (no reader, no other writer) and a reader never meets a writer, a queue delivers every pushed
 * item exactly once and each producer's items in the order it pushed them, a handoff channel
 * delivers every message once, in order, to the end it was sent to, and wakes that end (a
 * receiver left asleep with its message sent is a `lost wakeup`). A call that happens before a
 * successful unlock()/unlock_shared()/release()/try_push()/send() must happen-before everything
 * after the lock()/lock_shared()/acquire()/try_pop()/receive() that follows it: use release and
 * acquire ordering there.
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

/* The version of this interface, which a table built against this header puts in `abi` (see
 * "Versions" above). This contend accepts 1 and 2. */
#define CONTEND_PLUGIN_ABI 2

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

/* A reader-writer lock (since version 2): many readers at once, or one writer alone. */
typedef struct contend_rwlock_ops {
  const char *name;
  const char *description;
  size_t size;
  size_t align;
  int process_shared;
  int (*init)(void *self);              /* required; 0 = ok */
  void (*destroy)(void *self);          /* may be NULL */
  void (*lock)(void *self);             /* required; returns holding it alone (a writer) */
  void (*unlock)(void *self);           /* required; called by the writer only */
  void (*lock_shared)(void *self);      /* required; returns holding it shared (a reader) */
  void (*unlock_shared)(void *self);    /* required; called by a reader only */
} contend_rwlock_ops;

/* A handoff channel between two ends, 0 (the initiator) and 1 (the responder), that take turns
 * (since version 2; a condition variable's, a futex's or a pipe's handoff). End 0 sends first;
 * after that each end calls send() only once its receive() has returned the other end's
 * message, so at most one message is in flight. send(self, to, m) delivers the 32-bit message m
 * to end `to` (the other end) and may return before it is received; receive(self, at) blocks
 * until the message for end `at` (the caller's own) arrives and returns it. Everything an end
 * did before send() must happen-before everything the other end does after the receive() that
 * returns the message. Messages are any 32-bit values, 0 included. contend's pingpong workload
 * runs a channel per pair of workers. */
typedef struct contend_handoff_ops {
  const char *name;
  const char *description;
  size_t size;
  size_t align;
  int process_shared;
  int (*init)(void *self);                                /* required; 0 = ok */
  void (*destroy)(void *self);                            /* may be NULL */
  void (*send)(void *self, int to, uint32_t message);     /* required; `to` is 0 or 1 */
  uint32_t (*receive)(void *self, int at);                /* required; `at` is 0 or 1 */
} contend_handoff_ops;

/* What a plugin offers: arrays of n_X entries (the pointer may be NULL when n_X is 0). */
typedef struct contend_plugin {
  uint32_t abi; /* CONTEND_PLUGIN_ABI: the version this table is */
  size_t n_locks;
  const contend_lock_ops *locks;
  size_t n_semaphores;
  const contend_semaphore_ops *semaphores;
  size_t n_queues;
  const contend_queue_ops *queues;
  /* Version 2: */
  size_t n_rwlocks;
  const contend_rwlock_ops *rwlocks;
  size_t n_handoffs;
  const contend_handoff_ops *handoffs;
} contend_plugin;

/* The one symbol contend looks up (with dlsym), which the plugin defines and exports. It may be
 * called more than once and must return the same table each time. */
const contend_plugin *contend_plugin_v1(void);

#ifdef __cplusplus
}
#endif

#endif /* CONTEND_PLUGIN_H */

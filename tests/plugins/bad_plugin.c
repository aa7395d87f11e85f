/*
 * Plugins that contend must refuse, one per -D switch (tests/CMakeLists.txt builds each), each
 * breaking one rule of contend/plugin.h in an otherwise valid table:
 *   BAD_ABI         abi is 7
 *   NULL_TABLE      contend_plugin_v1() returns NULL
 *   NO_SYMBOL       contend_plugin_v1 is not exported
 *   NULL_ARRAY      n_locks is 1 but locks is NULL
 *   NO_NAME         the lock's name is NULL
 *   BAD_NAME        the lock's name has characters outside [a-z0-9_.-]
 *   LONG_NAME       the lock's name is 65 characters long
 *   NULL_LOCK_FN    the lock's unlock is NULL
 *   NULL_QUEUE_FN   the queue's try_pop is NULL
 *   NULL_RW_FN      the reader-writer lock's unlock_shared is NULL
 *   NULL_HANDOFF_FN the handoff channel's receive is NULL
 *   ZERO_SIZE       the semaphore's size is 0
 *   BAD_ALIGN       the lock's align is 24
 *   DUPLICATE_NAME  the semaphore has the lock's name
 *   BUILTIN_NAME    the lock is named `ttas`, like a built-in lock: the loader accepts it, the
 *                   registry (and `contend micro`) refuse it
 */
#include <contend/plugin.h>

/* Each variant leaves some of these unused. */
#define MAYBE_UNUSED __attribute__((unused))

MAYBE_UNUSED static int init(void *self) {
  (void)self;
  return 0;
}
MAYBE_UNUSED static void nothing(void *self) { (void)self; }
MAYBE_UNUSED static int sem_init(void *self, uint32_t permits) {
  (void)self;
  (void)permits;
  return 0;
}
MAYBE_UNUSED static void send(void *self, int to, uint32_t message) {
  (void)self;
  (void)to;
  (void)message;
}
MAYBE_UNUSED static uint32_t receive(void *self, int at) {
  (void)self;
  (void)at;
  return 0;
}
MAYBE_UNUSED static size_t footprint(size_t capacity) { return capacity * sizeof(uint64_t); }
MAYBE_UNUSED static int queue_init(void *self, size_t capacity) {
  (void)self;
  (void)capacity;
  return 0;
}
MAYBE_UNUSED static int try_push(void *self, uint64_t item) {
  (void)self;
  (void)item;
  return 0;
}
MAYBE_UNUSED static int try_pop(void *self, uint64_t *item) {
  (void)self;
  (void)item;
  return 0;
}

#if defined(NO_NAME)
#define LOCK_NAME NULL
#elif defined(BAD_NAME)
#define LOCK_NAME "Bad Lock"
#elif defined(BUILTIN_NAME)
#define LOCK_NAME "ttas"
#elif defined(LONG_NAME)
#define LOCK_NAME "a-name-of-sixty-five-characters-which-is-one-more-than-contend-ok"
#else
#define LOCK_NAME "bad-lock"
#endif

MAYBE_UNUSED static const contend_lock_ops locks[] = {{
    .name = LOCK_NAME,
    .description = NULL,
    .size = 4,
#ifdef BAD_ALIGN
    .align = 24,
#else
    .align = 4,
#endif
    .process_shared = 1,
    .init = init,
    .lock = nothing,
#ifndef NULL_LOCK_FN
    .unlock = nothing,
#endif
}};

static const contend_semaphore_ops semaphores[] = {{
#ifdef DUPLICATE_NAME
    .name = "bad-lock",
#else
    .name = "bad-sem",
#endif
#ifdef ZERO_SIZE
    .size = 0,
#else
    .size = 4,
#endif
    .align = 4,
    .init = sem_init,
    .acquire = nothing,
    .release = nothing,
}};

static const contend_queue_ops queues[] = {{
    .name = "bad-queue",
    .footprint = footprint,
    .align = 8,
    .init = queue_init,
    .try_push = try_push,
#ifndef NULL_QUEUE_FN
    .try_pop = try_pop,
#endif
}};

static const contend_rwlock_ops rwlocks[] = {{
    .name = "bad-rw",
    .size = 4,
    .align = 4,
    .init = init,
    .lock = nothing,
    .unlock = nothing,
    .lock_shared = nothing,
#ifndef NULL_RW_FN
    .unlock_shared = nothing,
#endif
}};

static const contend_handoff_ops handoffs[] = {{
    .name = "bad-handoff",
    .size = 4,
    .align = 4,
    .init = init,
    .send = send,
#ifndef NULL_HANDOFF_FN
    .receive = receive,
#endif
}};

MAYBE_UNUSED static const contend_plugin plugin = {
#if defined(BAD_ABI)
    .abi = 7,
#else
    .abi = CONTEND_PLUGIN_ABI,
#endif
    .n_locks = 1,
#ifndef NULL_ARRAY
    .locks = locks,
#endif
    .n_semaphores = 1,
    .semaphores = semaphores,
    .n_queues = 1,
    .queues = queues,
    .n_rwlocks = 1,
    .rwlocks = rwlocks,
    .n_handoffs = 1,
    .handoffs = handoffs,
};

#ifdef NO_SYMBOL
#define EXPORT
#else
#define EXPORT __attribute__((visibility("default")))
#endif

EXPORT const contend_plugin *contend_plugin_v1(void) {
#ifdef NULL_TABLE
  return NULL;
#else
  return &plugin;
#endif
}

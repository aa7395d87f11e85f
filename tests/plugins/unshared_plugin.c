/* A planted bug as a plugin: "unshared-mutex" says process_shared but builds its pthread mutex
 * without PTHREAD_PROCESS_SHARED, so across fork() a waiter sleeps on a private futex that the
 * unlocking process never wakes. `contend stress lock` must catch it without being told
 * --mode: a plugin's process_shared claim is stressed on processes too by default. */
#include <pthread.h>
#include <stddef.h>

#include "contend/plugin.h"

static int mutex_init(void *self) {
  /* The bug: default attributes, so the mutex is private to one process. */
  return pthread_mutex_init((pthread_mutex_t *)self, NULL);
}
static void mutex_destroy(void *self) { pthread_mutex_destroy((pthread_mutex_t *)self); }
static void mutex_lock(void *self) { pthread_mutex_lock((pthread_mutex_t *)self); }
static void mutex_unlock(void *self) { pthread_mutex_unlock((pthread_mutex_t *)self); }
static int mutex_try_lock(void *self) { return pthread_mutex_trylock((pthread_mutex_t *)self) == 0; }

static const contend_lock_ops locks[] = {{
    .name = "unshared-mutex",
    .description = "planted bug: a pthread mutex without PTHREAD_PROCESS_SHARED that says process_shared",
    .size = sizeof(pthread_mutex_t),
    .align = _Alignof(pthread_mutex_t),
    .process_shared = 1,
    .init = mutex_init,
    .destroy = mutex_destroy,
    .lock = mutex_lock,
    .unlock = mutex_unlock,
    .try_lock = mutex_try_lock,
}};

static const contend_plugin plugin = {
    .abi = CONTEND_PLUGIN_ABI,
    .n_locks = 1,
    .locks = locks,
};

__attribute__((visibility("default"))) const contend_plugin *contend_plugin_v1(void) { return &plugin; }

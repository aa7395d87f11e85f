/*
 * A complete contend plugin: copy this file to start your own.
 *
 * It offers one primitive of each family:
 *   example-ttas   the same test-and-test-and-set spinlock as contend's built-in `ttas`
 *                  (primitives/locks/ttas_lock.hpp), so `contend micro -p ttas,example-ttas`
 *                  shows what calling through the plugin interface costs;
 *   example-sem    a spinning counting semaphore (a CAS-decremented permit count);
 *   example-queue  a bounded ring of 64-bit items guarded by a process-shared pthread mutex;
 *   example-rw     a spinning reader-writer lock (one word: a reader count and a writer bit);
 *   example-cv     a handoff channel: a turn and a message under a process-shared pthread
 *                  mutex, and a condition variable per end (as the built-in `cv`).
 * All five keep their whole state in the storage contend hands them (`self`) and use nothing
 * tied to one process, so all five say process_shared = 1.
 *
 * Build:   cc -std=c11 -O2 -fPIC -shared -fvisibility=hidden -I<contend>/primitives/include \
 *             example_plugin.c -o libexample.so -lpthread
 * Use:     contend run lock --plugin ./libexample.so -p example-ttas,ttas
 *          contend stress rw --plugin ./libexample.so -p example-rw
 *          contend stress pingpong --plugin ./libexample.so -p example-cv
 * The contract (what contend guarantees, what it checks) is in contend/plugin.h.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_mutexattr_setpshared under -std=c11 */
#include <contend/plugin.h>
#include <pthread.h>
#include <stdatomic.h>

/* The spin-wait hint: `pause` on x86 lets the sibling hyper-thread run while we wait. */
static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* ---- example-ttas: exchange to take the lock (acquire), spin reading while it is held,
 *      store to release it (release, so the critical section happens-before the next one). */
typedef struct { atomic_bool locked; } ttas_lock;

static int ttas_init(void *self) {
  atomic_init(&((ttas_lock *)self)->locked, 0);
  return 0;
}

static void ttas_lock_acquire(void *self) {
  ttas_lock *l = self;
  while (atomic_exchange_explicit(&l->locked, 1, memory_order_acquire)) {
    /* Relaxed: this read only decides when to try again; the exchange does the acquiring. */
    while (atomic_load_explicit(&l->locked, memory_order_relaxed)) cpu_relax();
  }
}

static int ttas_try_lock(void *self) {
  ttas_lock *l = self;
  /* Read first so a failing try_lock does not steal the line from the holder. */
  return !atomic_load_explicit(&l->locked, memory_order_relaxed) &&
         !atomic_exchange_explicit(&l->locked, 1, memory_order_acquire);
}

static void ttas_unlock(void *self) {
  atomic_store_explicit(&((ttas_lock *)self)->locked, 0, memory_order_release);
}

/* ---- example-sem: acquire CAS-decrements a positive count (acquire), spinning while it is 0;
 *      release increments it (release). */
typedef struct { atomic_uint count; } spin_sem;

static int sem_init(void *self, uint32_t permits) {
  atomic_init(&((spin_sem *)self)->count, permits);
  return 0;
}

static int sem_try_acquire(void *self) {
  spin_sem *s = self;
  unsigned c = atomic_load_explicit(&s->count, memory_order_relaxed);
  while (c > 0) {
    if (atomic_compare_exchange_weak_explicit(&s->count, &c, c - 1, memory_order_acquire, memory_order_relaxed)) {
      return 1;
    }
  }
  return 0;
}

static void sem_acquire(void *self) {
  while (!sem_try_acquire(self)) cpu_relax();
}

static void sem_release(void *self) {
  atomic_fetch_add_explicit(&((spin_sem *)self)->count, 1, memory_order_release);
}

/* ---- example-queue: a ring of `capacity` cells right after its header, all in contend's
 *      storage (footprint() says how much), under one mutex that works across processes. */
typedef struct {
  pthread_mutex_t mutex;
  size_t capacity, head, count; /* head: the oldest item's cell; count: items held */
  uint64_t cells[];
} locked_ring;

static size_t ring_footprint(size_t capacity) { return sizeof(locked_ring) + capacity * sizeof(uint64_t); }

static int ring_init(void *self, size_t capacity) {
  locked_ring *q = self;
  pthread_mutexattr_t attr;
  int rc = pthread_mutexattr_init(&attr);
  if (rc == 0) rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  if (rc == 0) rc = pthread_mutex_init(&q->mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  q->capacity = capacity;
  q->head = q->count = 0;
  return rc; /* nonzero: contend reports the run as failed, with this value */
}

static void ring_destroy(void *self) { pthread_mutex_destroy(&((locked_ring *)self)->mutex); }

static int ring_try_push(void *self, uint64_t item) {
  locked_ring *q = self;
  pthread_mutex_lock(&q->mutex);
  const int pushed = q->count < q->capacity;
  if (pushed) q->cells[(q->head + q->count++) % q->capacity] = item;
  pthread_mutex_unlock(&q->mutex);
  return pushed;
}

static int ring_try_pop(void *self, uint64_t *item) {
  locked_ring *q = self;
  pthread_mutex_lock(&q->mutex);
  const int popped = q->count > 0;
  if (popped) {
    *item = q->cells[q->head];
    q->head = (q->head + 1) % q->capacity;
    --q->count;
  }
  pthread_mutex_unlock(&q->mutex);
  return popped;
}

/* ---- example-rw: one word, the writer bit above the reader count. A writer CASes 0 -> writer
 *      (acquire); a reader CASes a count without the bit to one more (acquire); both release
 *      with a fetch-and-subtract (release). Readers are preferred: a stream of readers can keep
 *      a writer out. */
typedef struct { atomic_uint word; } spin_rw;
#define RW_WRITER 0x80000000u

static int rw_init(void *self) {
  atomic_init(&((spin_rw *)self)->word, 0);
  return 0;
}

static void rw_lock(void *self) {
  spin_rw *l = self;
  for (;;) {
    unsigned expected = 0;
    if (atomic_compare_exchange_weak_explicit(&l->word, &expected, RW_WRITER, memory_order_acquire,
                                              memory_order_relaxed)) {
      return;
    }
    while (atomic_load_explicit(&l->word, memory_order_relaxed) != 0) cpu_relax();
  }
}

static void rw_unlock(void *self) {
  atomic_fetch_sub_explicit(&((spin_rw *)self)->word, RW_WRITER, memory_order_release);
}

static void rw_lock_shared(void *self) {
  spin_rw *l = self;
  unsigned w = atomic_load_explicit(&l->word, memory_order_relaxed);
  for (;;) {
    if (w & RW_WRITER) {
      cpu_relax();
      w = atomic_load_explicit(&l->word, memory_order_relaxed);
    } else if (atomic_compare_exchange_weak_explicit(&l->word, &w, w + 1, memory_order_acquire,
                                                     memory_order_relaxed)) {
      return;
    }
  }
}

static void rw_unlock_shared(void *self) {
  atomic_fetch_sub_explicit(&((spin_rw *)self)->word, 1, memory_order_release);
}

/* ---- example-cv: the sender writes the message and the turn under the mutex and signals the
 *      receiver's condition variable; the receiver waits on it, under the mutex, until the turn
 *      is its own. The mutex orders the message (unlock releases, lock acquires). */
typedef struct {
  pthread_mutex_t mutex;
  pthread_cond_t turned[2]; /* indexed by the end that waits on it */
  int turn;                 /* the end that acts next: 0 first */
  uint32_t message;
} cv_channel;

static int cv_init(void *self) {
  cv_channel *c = self;
  pthread_mutexattr_t mattr;
  pthread_condattr_t cattr;
  int rc = pthread_mutexattr_init(&mattr);
  if (rc == 0) rc = pthread_mutexattr_setpshared(&mattr, PTHREAD_PROCESS_SHARED);
  if (rc == 0) rc = pthread_mutex_init(&c->mutex, &mattr);
  pthread_mutexattr_destroy(&mattr);
  if (rc == 0) rc = pthread_condattr_init(&cattr);
  if (rc == 0) rc = pthread_condattr_setpshared(&cattr, PTHREAD_PROCESS_SHARED);
  for (int i = 0; rc == 0 && i < 2; ++i) rc = pthread_cond_init(&c->turned[i], &cattr);
  pthread_condattr_destroy(&cattr);
  c->turn = 0;
  return rc;
}

static void cv_destroy(void *self) {
  cv_channel *c = self;
  pthread_cond_destroy(&c->turned[0]);
  pthread_cond_destroy(&c->turned[1]);
  pthread_mutex_destroy(&c->mutex);
}

static void cv_send(void *self, int to, uint32_t message) {
  cv_channel *c = self;
  pthread_mutex_lock(&c->mutex);
  c->message = message;
  c->turn = to;
  pthread_mutex_unlock(&c->mutex);
  /* After the unlock: the receiver checked the turn and began waiting under the mutex, so the
   * signal cannot come before its wait, and it does not wake into a mutex still held. */
  pthread_cond_signal(&c->turned[to]);
}

static uint32_t cv_receive(void *self, int at) {
  cv_channel *c = self;
  pthread_mutex_lock(&c->mutex);
  while (c->turn != at) pthread_cond_wait(&c->turned[at], &c->mutex); /* a loop: wake-ups may be spurious */
  const uint32_t message = c->message;
  pthread_mutex_unlock(&c->mutex);
  return message;
}

/* ---- The table contend reads. Names: 1 to 64 characters of [a-z0-9_.-]. */
static const contend_lock_ops locks[] = {{
    .name = "example-ttas",
    .description = "example plugin: test-and-test-and-set spinlock, as the built-in ttas",
    .size = sizeof(ttas_lock),
    .align = _Alignof(ttas_lock),
    .process_shared = 1,
    .init = ttas_init,
    .destroy = NULL, /* nothing to free */
    .lock = ttas_lock_acquire,
    .unlock = ttas_unlock,
    .try_lock = ttas_try_lock,
}};

static const contend_semaphore_ops semaphores[] = {{
    .name = "example-sem",
    .description = "example plugin: spinning counting semaphore (CAS on a count)",
    .size = sizeof(spin_sem),
    .align = _Alignof(spin_sem),
    .process_shared = 1,
    .init = sem_init,
    .destroy = NULL,
    .acquire = sem_acquire,
    .release = sem_release,
    .try_acquire = sem_try_acquire,
}};

static const contend_queue_ops queues[] = {{
    .name = "example-queue",
    .description = "example plugin: bounded ring under a process-shared pthread mutex",
    .footprint = ring_footprint,
    .align = _Alignof(locked_ring),
    .process_shared = 1,
    .init = ring_init,
    .destroy = ring_destroy,
    .try_push = ring_try_push,
    .try_pop = ring_try_pop,
}};

static const contend_rwlock_ops rwlocks[] = {{
    .name = "example-rw",
    .description = "example plugin: spinning reader-writer lock (reader count and writer bit in one word)",
    .size = sizeof(spin_rw),
    .align = _Alignof(spin_rw),
    .process_shared = 1,
    .init = rw_init,
    .destroy = NULL,
    .lock = rw_lock,
    .unlock = rw_unlock,
    .lock_shared = rw_lock_shared,
    .unlock_shared = rw_unlock_shared,
}};

static const contend_handoff_ops handoffs[] = {{
    .name = "example-cv",
    .description = "example plugin: handoff by a process-shared mutex and a condition variable per end",
    .size = sizeof(cv_channel),
    .align = _Alignof(cv_channel),
    .process_shared = 1,
    .init = cv_init,
    .destroy = cv_destroy,
    .send = cv_send,
    .receive = cv_receive,
}};

static const contend_plugin plugin = {
    .abi = CONTEND_PLUGIN_ABI,
    .n_locks = sizeof locks / sizeof locks[0],
    .locks = locks,
    .n_semaphores = sizeof semaphores / sizeof semaphores[0],
    .semaphores = semaphores,
    .n_queues = sizeof queues / sizeof queues[0],
    .queues = queues,
    .n_rwlocks = sizeof rwlocks / sizeof rwlocks[0],
    .rwlocks = rwlocks,
    .n_handoffs = sizeof handoffs / sizeof handoffs[0],
    .handoffs = handoffs,
};

/* The one exported symbol (the rest is hidden by -fvisibility=hidden). */
__attribute__((visibility("default"))) const contend_plugin *contend_plugin_v1(void) { return &plugin; }

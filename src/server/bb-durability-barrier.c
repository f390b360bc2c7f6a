/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-durability-barrier.c: group commit: one fdatasync of the WAL releases
 * every acknowledgement whose commit came before it.
 *
 * Everything but the fdatasync itself runs on the main thread, as do the
 * store's commits; so when a flush starts, every counted commit has been
 * written to the WAL, and "commits counted when the flush started" is
 * exactly what that flush makes durable. */
#define G_LOG_DOMAIN "bb-durability-barrier"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bb-durability-barrier.h"
#include "bb-store-private.h"

struct _BbDurabilityBarrier
{
  GObject   parent_instance;

  BbStore  *store;         /* keeps db open while the hook is set */
  sqlite3  *db;
  char     *wal_path;      /* NULL: nothing to sync */
  int       wal_fd;        /* -1 until the WAL exists */
  guint64   commits;       /* counted by the commit hook */
  guint64   durable;       /* every commit up to this one is on disk */
  guint64   flushing_to;   /* the target of the flush in progress, if any */
  gboolean  flushing;
  guint64   n_syncs;
  guint     delay_ms;      /* BEDBOARD_TEST_FSYNC_DELAY_MS: a slow disk */
  gboolean  fail;          /* BEDBOARD_TEST_FSYNC_FAIL=1: a broken disk */
  GError   *failure;       /* set for good by a failed fdatasync */
  GQueue    waiters;       /* GTask, in commit order */
};

G_DEFINE_FINAL_TYPE (BbDurabilityBarrier, bb_durability_barrier, G_TYPE_OBJECT)

typedef struct
{
  int      fd;
  guint    delay_ms;
  gboolean fail;
} FlushJob;

static void start_flush (BbDurabilityBarrier *self);

static gboolean
in_wal_mode (sqlite3 *db)
{
  sqlite3_stmt *st = NULL;
  gboolean wal = FALSE;

  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK)
    return FALSE;
  if (sqlite3_step (st) == SQLITE_ROW)
    wal = g_strcmp0 ((const char *) sqlite3_column_text (st, 0), "wal") == 0;
  sqlite3_finalize (st);
  return wal;
}

static int
on_commit_cb (gpointer data)
{
  BbDurabilityBarrier *self = data;

  self->commits++;
  return 0;  /* let the commit go ahead */
}

static guint64
waiter_commit (GTask *task)
{
  return *(guint64 *) g_task_get_task_data (task);
}

/* The WAL file to sync, (re)opened if SQLite replaced it. It persists while
 * the store's connection is open, so this opens it once in practice. */
static gboolean
ensure_wal_fd (BbDurabilityBarrier  *self,
               GError              **error)
{
  struct stat by_path, by_fd;

  if (g_stat (self->wal_path, &by_path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot find the write-ahead log %s: %s", self->wal_path, g_strerror (saved));
      return FALSE;
    }
  if (self->wal_fd >= 0 && fstat (self->wal_fd, &by_fd) == 0 &&
      by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev)
    return TRUE;

  if (self->wal_fd >= 0)
    {
      close (self->wal_fd);
      self->wal_fd = -1;
    }
  self->wal_fd = g_open (self->wal_path, O_RDWR | O_CLOEXEC, 0);
  if (self->wal_fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot open the write-ahead log %s: %s", self->wal_path, g_strerror (saved));
      return FALSE;
    }

  /* A WAL file new since the last flush: make its directory entry durable
   * too, once. */
  {
    g_autofree char *dir = g_path_get_dirname (self->wal_path);
    int dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

    if (dir_fd >= 0)
      {
        fsync (dir_fd);
        close (dir_fd);
      }
  }
  return TRUE;
}

static void
flush_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FlushJob *job = task_data;

  if (job->delay_ms > 0)
    g_usleep ((gulong) job->delay_ms * 1000);

  if (job->fail)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "fdatasync of the write-ahead log failed: %s (BEDBOARD_TEST_FSYNC_FAIL)",
                               g_strerror (EIO));
      return;
    }
  if (fdatasync (job->fd) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "fdatasync of the write-ahead log failed: %s", g_strerror (saved));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Completes the waiters up to the durable commit, or fails them all. */
static void
release_waiters (BbDurabilityBarrier *self)
{
  GTask *task;

  while ((task = g_queue_peek_head (&self->waiters)) != NULL)
    {
      if (self->failure == NULL && waiter_commit (task) > self->durable)
        break;
      g_queue_pop_head (&self->waiters);
      if (self->failure != NULL)
        g_task_return_error (task, g_error_copy (self->failure));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
on_flush_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  BbDurabilityBarrier *self = BB_DURABILITY_BARRIER (source);
  g_autoptr(GError) error = NULL;

  self->flushing = FALSE;
  self->n_syncs++;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("%s; refusing to acknowledge writes from now on", error->message);
      if (self->failure == NULL)
        self->failure = g_steal_pointer (&error);
    }
  else
    self->durable = MAX (self->durable, self->flushing_to);

  release_waiters (self);
  if (!g_queue_is_empty (&self->waiters))
    start_flush (self);
}

static void
start_flush (BbDurabilityBarrier *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  FlushJob *job;

  g_assert (!self->flushing);

  if (!ensure_wal_fd (self, &error))
    {
      g_warning ("%s; refusing to acknowledge writes from now on", error->message);
      self->failure = g_steal_pointer (&error);
      release_waiters (self);
      return;
    }

  self->flushing = TRUE;
  self->flushing_to = self->commits;

  job = g_new0 (FlushJob, 1);
  job->fd = self->wal_fd;
  job->delay_ms = self->delay_ms;
  job->fail = self->fail;
  task = g_task_new (self, NULL, on_flush_done_cb, NULL);
  g_task_set_source_tag (task, start_flush);
  g_task_set_task_data (task, job, g_free);
  g_task_run_in_thread (task, flush_thread);
}

static void
bb_durability_barrier_finalize (GObject *object)
{
  BbDurabilityBarrier *self = (BbDurabilityBarrier *) object;

  /* A flush in progress holds a reference, so none is running now, and a
   * waiter's task holds one too, so none is left. */
  g_assert (g_queue_is_empty (&self->waiters));

  /* Remove our hook only: a newer barrier on the same store may own it. */
  if (self->db != NULL)
    {
      gpointer previous = sqlite3_commit_hook (self->db, NULL, NULL);

      if (previous != NULL && previous != self)
        sqlite3_commit_hook (self->db, on_commit_cb, previous);
    }
  g_clear_object (&self->store);
  if (self->wal_fd >= 0)
    close (self->wal_fd);
  g_clear_pointer (&self->wal_path, g_free);
  g_clear_error (&self->failure);

  G_OBJECT_CLASS (bb_durability_barrier_parent_class)->finalize (object);
}

static void
bb_durability_barrier_class_init (BbDurabilityBarrierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bb_durability_barrier_finalize;
}

static void
bb_durability_barrier_init (BbDurabilityBarrier *self)
{
  const char *delay = g_getenv ("BEDBOARD_TEST_FSYNC_DELAY_MS");

  self->wal_fd = -1;
  g_queue_init (&self->waiters);
  if (delay != NULL)
    self->delay_ms = (guint) MIN (g_ascii_strtoull (delay, NULL, 10), 60000);
  self->fail = g_strcmp0 (g_getenv ("BEDBOARD_TEST_FSYNC_FAIL"), "1") == 0;
}

BbDurabilityBarrier *
bb_durability_barrier_new (BbStore *store)
{
  BbDurabilityBarrier *self;
  const char *path;
  sqlite3 *db;

  g_return_val_if_fail (BB_IS_STORE (store), NULL);

  self = g_object_new (BB_TYPE_DURABILITY_BARRIER, NULL);
  self->store = g_object_ref (store);
  self->db = db = _bb_store_get_db (store);
  sqlite3_commit_hook (db, on_commit_cb, self);

  path = sqlite3_db_filename (db, "main");
  if (path == NULL || *path == '\0' || !in_wal_mode (db))
    return self;

  /* From now on this barrier makes commits durable before they are
   * acknowledged, so the commits themselves need not wait for the disk. */
  if (sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_warning ("Could not switch %s to synchronous=NORMAL: %s; every commit keeps its own fsync",
                 path, sqlite3_errmsg (db));
      return self;
    }
  self->wal_path = g_strconcat (path, "-wal", NULL);
  return self;
}

guint64
bb_durability_barrier_get_commits (BbDurabilityBarrier *self)
{
  g_return_val_if_fail (BB_IS_DURABILITY_BARRIER (self), 0);

  return self->commits;
}

guint64
bb_durability_barrier_get_n_syncs (BbDurabilityBarrier *self)
{
  g_return_val_if_fail (BB_IS_DURABILITY_BARRIER (self), 0);

  return self->n_syncs;
}

void
bb_durability_barrier_wait_async (BbDurabilityBarrier *self,
                                  guint64              commit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint64 *data;

  g_return_if_fail (BB_IS_DURABILITY_BARRIER (self));
  g_return_if_fail (commit <= self->commits);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bb_durability_barrier_wait_async);

  if (self->failure != NULL)
    {
      g_task_return_error (task, g_error_copy (self->failure));
      return;
    }
  if (self->wal_path == NULL || commit <= self->durable)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  data = g_new (guint64, 1);
  *data = commit;
  g_task_set_task_data (task, data, g_free);
  g_queue_push_tail (&self->waiters, g_steal_pointer (&task));
  if (!self->flushing)
    start_flush (self);
}

gboolean
bb_durability_barrier_wait_finish (BbDurabilityBarrier  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (BB_IS_DURABILITY_BARRIER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

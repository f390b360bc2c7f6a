/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-table.c: reads a whole CSV file (RFC 4180 quoting, optional gzip)
 * into one buffer and splits it in place, so a 271,000-row file costs one
 * read and one pass. Cells are NUL-terminated pointers into that buffer. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include "bb-los-table.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bb-model-error.h"

struct _BbLosTable
{
  gatomicrefcount  ref_count;
  char            *name;
  char            *buffer;   /* owns every cell */
  guint            n_columns;
  guint            n_rows;
  const char     **header;   /* n_columns */
  GPtrArray       *cells;    /* row-major, n_rows * n_columns */
  GHashTable      *column_index; /* name -> index + 1 */
};

static gboolean
read_whole_file (const char  *path,
                 char       **out,
                 gsize       *out_len,
                 GError     **error)
{
  /* gzread passes plain files through unchanged, so one path reads both. */
  gzFile gz = gzopen (path, "rb");
  g_autoptr(GByteArray) bytes = NULL;
  guint8 chunk[1 << 16];
  int n;

  if (gz == NULL)
    {
      int saved = errno;
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_IO,
                   "Cannot open %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  gzbuffer (gz, 1 << 17);
  bytes = g_byte_array_sized_new (1 << 20);
  while ((n = gzread (gz, chunk, sizeof chunk)) > 0)
    g_byte_array_append (bytes, chunk, n);
  if (n < 0)
    {
      int errnum = 0;
      const char *msg = gzerror (gz, &errnum);
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_IO,
                   "Cannot read %s: %s", path, msg);
      gzclose (gz);
      return FALSE;
    }
  gzclose (gz);
  *out_len = bytes->len;
  g_byte_array_append (bytes, (const guint8 *) "", 1);
  *out = (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
  return TRUE;
}

/* Splits one record starting at *pos; pushes its cells onto cells. Returns
 * FALSE with error on a quoting error. *pos ends after the record's line end. */
static gboolean
split_record (BbLosTable  *self,
              char        *buf,
              gsize        len,
              gsize       *pos,
              GPtrArray   *cells,
              guint        record,
              GError     **error)
{
  gsize p = *pos;

  for (;;)
    {
      char *start = buf + p;

      if (p < len && buf[p] == '"')
        {
          gsize w = p;
          p++;
          for (;;)
            {
              if (p >= len)
                {
                  g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MALFORMED,
                               "%s: row %u, column %u: quoted value is not closed",
                               self->name, record, cells->len % MAX (self->n_columns, 1) + 1);
                  return FALSE;
                }
              if (buf[p] == '"')
                {
                  if (p + 1 < len && buf[p + 1] == '"')
                    {
                      buf[w++] = '"';
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              buf[w++] = buf[p++];
            }
          if (p < len && buf[p] != ',' && buf[p] != '\n' && buf[p] != '\r')
            {
              g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MALFORMED,
                           "%s: row %u: text after a closing quote", self->name, record);
              return FALSE;
            }
          {
            char sep = p < len ? buf[p] : '\n';
            buf[w] = '\0';
            g_ptr_array_add (cells, start);
            if (sep == ',')
              {
                p++;
                continue;
              }
            if (sep == '\r' && p + 1 < len && buf[p + 1] == '\n')
              p++;
            *pos = MIN (p + 1, len);
            return TRUE;
          }
        }
      else
        {
          char sep;

          while (p < len && buf[p] != ',' && buf[p] != '\n' && buf[p] != '\r')
            p++;
          sep = p < len ? buf[p] : '\n';
          buf[p] = '\0';   /* p == len writes the terminating NUL slot */
          g_ptr_array_add (cells, start);
          if (sep == ',')
            {
              p++;
              continue;
            }
          if (sep == '\r' && p + 1 < len && buf[p + 1] == '\n')
            p++;
          *pos = MIN (p + 1, len);
          return TRUE;
        }
    }
}

static BbLosTable *
parse_buffer (const char  *name,
              char        *buf,
              gsize        len,
              GError     **error)
{
  g_autoptr(BbLosTable) self = g_new0 (BbLosTable, 1);
  g_autoptr(GPtrArray) header = g_ptr_array_new ();
  gsize pos = 0;
  guint record = 0;

  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->buffer = buf;
  self->cells = g_ptr_array_sized_new (1024);
  self->column_index = g_hash_table_new (g_str_hash, g_str_equal);

  /* A UTF-8 byte order mark would otherwise become part of the first name. */
  if (len >= 3 && memcmp (buf, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  while (pos < len && (buf[pos] == '\n' || buf[pos] == '\r'))
    pos++;
  if (pos >= len)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY,
                   "%s is empty: it needs a header line and at least one row", name);
      return NULL;
    }
  if (!split_record (self, buf, len, &pos, header, 0, error))
    return NULL;
  self->n_columns = header->len;
  for (guint i = 0; i < header->len; i++)
    {
      const char *col = g_ptr_array_index (header, i);
      if (*col == '\0')
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MALFORMED,
                       "%s: header column %u has no name", name, i + 1);
          return NULL;
        }
      if (g_hash_table_contains (self->column_index, col))
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MALFORMED,
                       "%s: header names column \"%s\" twice", name, col);
          return NULL;
        }
      g_hash_table_insert (self->column_index, (char *) col, GUINT_TO_POINTER (i + 1));
    }
  self->header = (const char **) g_ptr_array_free (g_steal_pointer (&header), FALSE);

  while (pos < len)
    {
      guint before = self->cells->len;

      if (buf[pos] == '\n' || buf[pos] == '\r')
        {
          pos++;   /* blank lines carry no row */
          continue;
        }
      record++;
      if (!split_record (self, buf, len, &pos, self->cells, record, error))
        return NULL;
      if (self->cells->len - before != self->n_columns)
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MALFORMED,
                       "%s: row %u has %u values but the header has %u columns",
                       name, record, self->cells->len - before, self->n_columns);
          return NULL;
        }
    }
  self->n_rows = record;
  if (self->n_rows == 0)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY,
                   "%s has a header but no rows", name);
      return NULL;
    }
  return g_steal_pointer (&self);
}

BbLosTable *
bb_los_table_load (const char  *path,
                   GError     **error)
{
  char *buf = NULL;
  gsize len = 0;
  g_autofree char *base = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_whole_file (path, &buf, &len, error))
    return NULL;
  base = g_path_get_basename (path);
  return parse_buffer (base, buf, len, error);
}

BbLosTable *
bb_los_table_new_from_data (const char  *name,
                            const char  *data,
                            gsize        length,
                            GError     **error)
{
  char *buf;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  buf = g_malloc (length + 1);
  if (length > 0)
    memcpy (buf, data, length);
  buf[length] = '\0';
  return parse_buffer (name, buf, length, error);
}

BbLosTable *
bb_los_table_ref (BbLosTable *table)
{
  g_return_val_if_fail (table != NULL, NULL);
  g_atomic_ref_count_inc (&table->ref_count);
  return table;
}

void
bb_los_table_unref (BbLosTable *table)
{
  g_return_if_fail (table != NULL);
  if (!g_atomic_ref_count_dec (&table->ref_count))
    return;
  g_clear_pointer (&table->cells, g_ptr_array_unref);
  g_clear_pointer (&table->column_index, g_hash_table_unref);
  g_free (table->header);
  g_free (table->buffer);
  g_free (table->name);
  g_free (table);
}

const char *
bb_los_table_get_name (BbLosTable *table)
{
  g_return_val_if_fail (table != NULL, NULL);
  return table->name;
}

guint
bb_los_table_get_n_rows (BbLosTable *table)
{
  g_return_val_if_fail (table != NULL, 0);
  return table->n_rows;
}

guint
bb_los_table_get_n_columns (BbLosTable *table)
{
  g_return_val_if_fail (table != NULL, 0);
  return table->n_columns;
}

const char *
bb_los_table_get_column_name (BbLosTable *table,
                              guint       column)
{
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (column < table->n_columns, NULL);
  return table->header[column];
}

int
bb_los_table_find_column (BbLosTable *table,
                          const char *name)
{
  g_return_val_if_fail (table != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (table->column_index, name)) - 1;
}

int
bb_los_table_require_column (BbLosTable  *table,
                             const char  *name,
                             GError     **error)
{
  int col = bb_los_table_find_column (table, name);

  if (col < 0)
    g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MISSING_COLUMN,
                 "%s has no column \"%s\"", table->name, name);
  return col;
}

const char *
bb_los_table_get (BbLosTable *table,
                  guint       row,
                  guint       column)
{
  g_return_val_if_fail (table != NULL, "");
  g_return_val_if_fail (row < table->n_rows && column < table->n_columns, "");
  return g_ptr_array_index (table->cells, (gsize) row * table->n_columns + column);
}

gboolean
bb_los_table_get_double (BbLosTable  *table,
                         guint        row,
                         guint        column,
                         double      *out,
                         GError     **error)
{
  const char *s = bb_los_table_get (table, row, column);
  char *end = NULL;
  double v;

  errno = 0;
  v = g_ascii_strtod (s, &end);
  while (end != NULL && g_ascii_isspace (*end))
    end++;
  if (*s == '\0' || end == s || *end != '\0' || errno == ERANGE || !isfinite (v))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_NOT_NUMERIC,
                   "%s: row %u, column \"%s\": \"%s\" is not a number",
                   table->name, row + 1, table->header[column], s);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

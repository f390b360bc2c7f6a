/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-table.h: a CSV file (plain or gzip) read into memory as columns of
 * strings, for training and evaluating the length-of-stay models. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BbLosTable BbLosTable;

BbLosTable  *bb_los_table_load          (const char  *path,
                                         GError     **error);
/* name is used in error messages (a file name, "input"). */
BbLosTable  *bb_los_table_new_from_data (const char  *name,
                                         const char  *data,
                                         gsize        length,
                                         GError     **error);
BbLosTable  *bb_los_table_ref           (BbLosTable  *table);
void         bb_los_table_unref         (BbLosTable  *table);

const char  *bb_los_table_get_name      (BbLosTable  *table);
guint        bb_los_table_get_n_rows    (BbLosTable  *table);
guint        bb_los_table_get_n_columns (BbLosTable  *table);
const char  *bb_los_table_get_column_name (BbLosTable *table,
                                           guint       column);
/* -1 when the table has no such column. */
int          bb_los_table_find_column   (BbLosTable  *table,
                                         const char  *name);
/* Like find_column, but a missing column is a BB_MODEL_ERROR_MISSING_COLUMN. */
int          bb_los_table_require_column (BbLosTable *table,
                                          const char *name,
                                          GError    **error);
/* row counts data rows from 0 (the header is not a row). Never NULL. */
const char  *bb_los_table_get           (BbLosTable  *table,
                                         guint        row,
                                         guint        column);
/* Parses a cell as a finite number; the error names the row (1-based data
 * row, as people count them in a spreadsheet below the header) and column. */
gboolean     bb_los_table_get_double    (BbLosTable  *table,
                                         guint        row,
                                         guint        column,
                                         double      *out,
                                         GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbLosTable, bb_los_table_unref)

G_END_DECLS

/*
 * reader.h - CSV files into the dataset (libcsv streaming API).
 *
 * A file is read in 4 MiB chunks and fed to libcsv one physical line at a
 * time, which is how we know the line number of every record (libcsv counts
 * none) and keep its raw text for rejects.csv. The delimiter (, ; or tab) is
 * detected from the header line, a UTF-8 BOM is skipped, quoted fields may
 * hold delimiters, quotes and newlines, CRLF and a missing final newline are
 * normal. A file whose first chunk has carriage returns but no line feed
 * has CR-only line ends (old Mac, Excel's "CSV (Macintosh)"): its lines end
 * at CR and are numbered so. The day/month order of slash dates is detected per file from its
 * first 1,000 rows unless configured.
 *
 * Rows with the wrong field count, a bad number or date, a missing required
 * value or broken quoting are rejected: written to the rejects file with
 * file, line, column, reason and raw text, counted by reason, and the first
 * few reported through the warn callback. Reading goes on.
 *
 * Threads: by default one file is read by two threads, a worker that reads,
 * checksums and tokenizes (libcsv) and the calling thread, which converts
 * values and fills the dataset in file order; the SHA-256 is shared between
 * them. The dataset, the rejects file and the warn/progress callbacks are
 * only touched by the calling thread, and the results are the same bit for
 * bit as with opt->threads = 1. Memory in flight is a few MB per file.
 * Duplicate rows (ds->duplicates) are counted at the end of each file.
 */
#ifndef SR_READER_H
#define SR_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ingest/schema.h"
#include "model/dataset.h"
#include "util/status.h"

typedef enum { SR_DATEFMT_AUTO, SR_DATEFMT_MDY, SR_DATEFMT_DMY } sr_date_format;

/* Where rejected rows go. The file is created on the first reject only. */
typedef struct {
    const char *path;  /* rejects.csv path, or NULL to keep no file */
    FILE *fp;          /* opened lazily; closed by sr_rejects_close() */
    uint64_t count;
    sr_status status;  /* SR_EIO when writing failed */
} sr_rejects;

/* Flushes and closes the rejects file; SR_EIO if any write failed. */
sr_status sr_rejects_close(sr_rejects *rej, sr_error *err);

typedef struct {
    const sr_mapping_override *overrides;
    size_t noverrides;
    sr_shape shape;
    sr_date_format date_format;
    sr_rejects *rejects;  /* may be NULL */
    unsigned max_warnings; /* reject messages passed to warn (default 20 when 0) */
    /* 1: tokenize and convert on the calling thread only; otherwise (0, the
     * default) libcsv runs on a worker thread while the calling thread
     * converts. Results are identical either way. */
    unsigned threads;
    /* Lines without quotes are split by a fast path that gives libcsv's
     * result without its per-byte state machine; true sends every line
     * through libcsv (tests compare the two). */
    bool libcsv_only;
    /* Optional callbacks; user is passed back. */
    void (*warn)(void *user, const char *msg);
    void (*progress)(void *user, const char *path, uint64_t done, uint64_t total);
    void *user;
} sr_ingest_options;

/* Reads one CSV file into ds (the first file defines the columns; later
 * files must have the same columns, in any order). Returns SR_EINPUT for an
 * unusable file (empty, no header, missing required column, different
 * columns), SR_EIO when it cannot be read, SR_ENOMEM; details in err.
 * Rejected rows do not fail the call: see ds->rows_rejected. */
sr_status sr_ingest_file(sr_dataset *ds, const char *path, const sr_ingest_options *opt,
                         sr_error *err);

/* Same, from a memory buffer (tests); name is used in messages. */
sr_status sr_ingest_buffer(sr_dataset *ds, const char *name, const char *data, size_t len,
                           const sr_ingest_options *opt, sr_error *err);

#endif

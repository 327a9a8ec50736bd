/*
 * xlsxzip.h - faster compression of the workbook's parts.
 *
 * libxlsxwriter 1.1.4 zips every part of a workbook through minizip at
 * zlib's default level, on one thread, with no setting to change it. For a
 * large Customers sheet (1.4 GB of XML for 1M customers) that compression
 * was half of the workbook's time. xlsxzip.c defines the four minizip entry
 * points libxlsxwriter calls (zipOpenNewFileInZip4_64, zipWriteInFileInZip,
 * zipCloseFileInZip, zipClose); the dynamic linker binds libxlsxwriter to
 * ours, which are found first, in the executable. Ours open each part in
 * minizip's raw mode and compress it with util/pdeflate.h: a part that fits
 * in one block (4 MiB of XML) exactly as before, at zlib's default level; a
 * larger one at level 1 in 4 MiB blocks on every core. The zip container,
 * headers and central directory are still written by minizip itself. Parts
 * that are not plain deflate pass through untouched.
 *
 * If libxlsxwriter were built with minizip inside it, ours would simply not
 * be called and the workbook would be written as before (xlsxzip_stats
 * shows it). The output bytes do not depend on the number of cores.
 *
 * Fillers. The rows of a big sheet cost most when they go through
 * libxlsxwriter: a call, an allocation and an fprintf per cell, then the
 * whole sheet written to a temporary file, copied into a second one and read
 * back for zipping (2.8 GB of temporary files for 1M customers). A filler
 * lets the caller stream those rows itself: libxlsxwriter writes the sheet
 * with its header row only (every column setting, autofilter, frozen pane
 * and conditional format as usual, all of it small), xlsxzip holds that
 * part in memory, and when libxlsxwriter closes it sends the part on with
 * the filler's rows in front of "</sheetData>" and the <dimension> set to
 * the full range. If the part does not have that shape, closing it fails,
 * and the caller can write the workbook the ordinary way.
 */
#ifndef SR_XLSXZIP_H
#define SR_XLSXZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Block size and the level of parts larger than one block. */
enum { XLSXZIP_BLOCK = 4 << 20, XLSXZIP_LEVEL = 1 };

typedef struct {
    uint64_t parts;       /* parts compressed by us (since the process started) */
    uint64_t large_parts; /* of which larger than one block */
    uint64_t blocks;      /* blocks compressed */
} xlsxzip_stats;

xlsxzip_stats xlsxzip_get_stats(void);

/* Appends bytes to the part being written; returns 0 on success. */
typedef int (*xlsxzip_emit_fn)(void *emit_ctx, const void *data, size_t len);
/* Writes the rows (<row> elements) through emit; returns 0 on success. */
typedef int (*xlsxzip_fill_fn)(void *ctx, xlsxzip_emit_fn emit, void *emit_ctx);

/* Registers a filler for the zip part named `part` (e.g.
 * "xl/worksheets/sheet2.xml") whose dimension becomes `dimension` (e.g.
 * "A1:AE1001"). Fillers are process-wide: register them, write one
 * workbook, then clear them. Returns false when out of memory or when
 * xlsxzip is switched off. */
bool xlsxzip_add_filler(const char *part, const char *dimension, xlsxzip_fill_fn fill, void *ctx);

/* Forgets every filler; returns how many were used since they were added,
 * and in *refused (may be NULL) how many parts lacked the shape a filler
 * needs (then their workbook failed to close). */
size_t xlsxzip_clear_fillers(size_t *refused);

/* Off: every call passes straight to minizip (for benchmarks and tests).
 * Affects parts opened afterwards. On by default. */
void xlsxzip_enable(bool on);

#endif

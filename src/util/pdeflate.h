/*
 * pdeflate.h - raw deflate of one stream, compressed block by block on
 * several threads (zlib underneath).
 *
 * The input is cut into fixed blocks of `block` bytes. Each block is
 * compressed on its own, primed with the 32 KiB of input before it as the
 * dictionary, and ends with a sync flush (an empty stored block, byte
 * aligned); the last block ends the stream. Concatenated in order the blocks
 * form one valid raw deflate stream (RFC 1951) that any inflater reads.
 * Because the cuts fall at fixed offsets and each block depends only on the
 * input, the output bytes do not depend on the number of threads or on how
 * the caller chunks its writes: the same input gives the same bytes.
 *
 * A stream that ends within its first block is compressed in one piece at
 * `small_level` (the level a caller would have used without us); a longer
 * one at `level` throughout. Up to `threads` blocks are compressed at once;
 * memory is about 2 x threads x block.
 *
 * Used by report/xlsxzip.c for the workbook's large parts; any sink works.
 */
#ifndef SR_PDEFLATE_H
#define SR_PDEFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* Receives compressed bytes in stream order; returns 0 on success, any other
 * value stops the stream with SR_EIO. */
typedef int (*sr_pdeflate_sink)(void *ctx, const void *data, size_t len);

typedef struct sr_pdeflate sr_pdeflate;

/* block >= 64 KiB; levels 0..9 or -1 (zlib's default); threads >= 1.
 * Returns NULL when out of memory or on a bad argument. */
sr_pdeflate *sr_pdeflate_new(int level, int small_level, size_t block, int threads,
                             sr_pdeflate_sink sink, void *ctx);

/* Appends len bytes; full batches of blocks are compressed and sent on. */
sr_status sr_pdeflate_write(sr_pdeflate *z, const void *data, size_t len);

/* Compresses what is left, ends the stream and reports the input size and
 * its CRC-32 (as in zip headers). The stream cannot be written afterwards. */
sr_status sr_pdeflate_finish(sr_pdeflate *z, uint64_t *total_in, uint32_t *crc);

/* Blocks compressed so far (1 for a stream that fitted in one block). */
uint64_t sr_pdeflate_blocks(const sr_pdeflate *z);

void sr_pdeflate_free(sr_pdeflate *z);

#endif

/*
 * xlsx.h - the marketing workbook, out/segments.xlsx (libxlsxwriter 1.1.4).
 *
 * Role in the pipeline: a renderer. It reads only the results document
 * (report.json's tree) and customers.csv, which the pipeline has already
 * written, so `render --from report.json` can rebuild the workbook with no
 * recomputation. It never computes a figure: it copies numbers and gives
 * them a cell type and a number format.
 *
 * Sheets, in this order, each only when its data is in the document
 * (Summary, Customers and Data Quality always):
 *   Summary          key figures, run metadata, inputs, settings, a sheet
 *                    index with internal hyperlinks, notes (skipped stages,
 *                    customers split over several sheets, cut cells)
 *   Customers        customers.csv: one header row, one row per customer;
 *                    "Customers (2)", "Customers (3)", ... when there are
 *                    more rows than a sheet holds
 *   Segments         + charts "Customers by segment", "Revenue by segment"
 *   Clusters         + the k selection table and the elbow chart (inertia by k)
 *   Product Rules, Attribute Rules, Bundles, Also Bought
 *   Recommendations, Personas
 *   Sentiment        overall, by category, by product + chart "Sentiment by
 *                    category" (stacked columns)
 *   Data Quality
 * A section {"status": "skipped", "reason": ...} gets no sheet; the Summary
 * index lists it with the reason.
 *
 * Cells: numbers are numbers, dates (YYYY-MM-DD) are Excel dates with a
 * yyyy-mm-dd format, everything else is text; customer ids are always text
 * (leading zeros survive). customers.csv columns are typed from the header
 * (known columns, see xlsx.c) or, for attribute columns, from the values: a
 * column is numeric when every non-empty value is a plain decimal with at
 * most 15 digits and no leading zero, a date when every value is a valid
 * YYYY-MM-DD, otherwise text. Formats: currency (meta.currency), percent,
 * 2 decimals, thousands. Header rows are bold and frozen, tables have an
 * autofilter, column widths follow the content (capped), data bars mark
 * lift and revenue, a 3-colour scale marks the R/F/M scores.
 *
 * Limits: a sheet holds 1,048,576 rows, so at most 1,048,575 customers
 * under its header (xlsx_options.max_rows lowers this for tests). Text
 * longer than Excel's 32,767 characters (counted in UTF-16 units, as Excel
 * does) is cut and ends with XLSX_TRUNCATED_MARKER. Invalid UTF-8 bytes
 * become U+FFFD so the XML stays well-formed.
 *
 * Memory and speed: the workbook is written in libxlsxwriter's
 * constant_memory mode. Normal mode keeps every cell in memory (measured:
 * ~3 KB per customer row, 640 MB for 200k rows of 28 cells), far beyond the
 * 300 MB budget at 1M customers; constant_memory stays at a few MB. Its
 * price: every sheet is written strictly row by row (we do), strings are
 * inline (t="inlineStr", no shared-string table) and charts carry no cached
 * values (Excel and LibreOffice read the cells when they open the file).
 * The customer rows do not go through libxlsxwriter's cell calls: each
 * Customers sheet is created with its header row and settings, and its data
 * rows are streamed as XML into the zipped part by a report/xlsxzip.h
 * filler when libxlsxwriter closes the workbook: the same cells (type,
 * style, escaped text; numbers as the shortest decimal of the same value)
 * without a call, an allocation and an fprintf per cell and without 2.8 GB
 * of temporary files for 1M customers. The unit tests check that both ways
 * give the same workbook; if xlsxzip is not in use, the rows are written as
 * cells (xlsx_stats.cell_rows_retry). 1M customers: 6.6 s and 15 MB instead
 * of 27.8 s (bench/bench_xlsx.c).
 *
 * Reproducibility: the `created` document property is meta.as_of at 00:00
 * UTC (an undated document uses 1980-01-01, the date libxlsxwriter stamps on
 * every zip entry), so the same document and customers.csv give
 * byte-identical files (checked by the unit tests).
 *
 * Errors: every worksheet_write_* / set / insert return and workbook_close()
 * are checked. Any failure removes the partial file at `path` and returns
 * SR_EIO "PATH: sheet 'S' cell B7: <lxw_strerror text>" (or
 * "PATH: cannot write workbook: <lxw_strerror text>"); SR_EINPUT for a
 * malformed customers.csv (wrong field count, bad quoting), SR_ENOMEM.
 * The caller writes into a temporary folder and renames, so a failed workbook
 * never replaces a good one.
 *
 * Ownership: everything passed in is borrowed for the call.
 */
#ifndef SR_XLSX_H
#define SR_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/status.h"

/* Data rows under the header on one sheet: 1,048,576 rows minus the header. */
#define XLSX_MAX_DATA_ROWS 1048575u
/* Excel's cell text limit, in UTF-16 code units. */
#define XLSX_MAX_CELL_CHARS 32767u
/* Appended to a cut cell (U+2026 then "[truncated]": 12 characters). */
#define XLSX_TRUNCATED_MARKER "\xE2\x80\xA6[truncated]"

typedef struct {
    uint32_t max_rows;    /* customer rows per sheet; 0 = XLSX_MAX_DATA_ROWS */
    bool constant_memory; /* default true; false = libxlsxwriter normal mode */
    const char *tmpdir;   /* temporary files; NULL = the folder of path */
    bool cell_rows;       /* customer rows through libxlsxwriter's cell calls
                             instead of report/xlsxzip.h (slower; tests, bench) */
} xlsx_options;

/* What the writer did, for run.log. */
typedef struct {
    size_t customers;       /* customer rows written */
    size_t customer_sheets; /* Customers, Customers (2), ... */
    size_t sheets;          /* all sheets */
    size_t truncated_cells; /* cells cut at XLSX_MAX_CELL_CHARS */
    size_t invalid_utf8;    /* cells whose invalid UTF-8 was replaced */
    size_t zip_parts;       /* parts compressed by report/xlsxzip.c (0: bypassed) */
    size_t zip_large_parts; /* of which in several blocks, in parallel */
    size_t streamed_sheets; /* Customers sheets whose rows xlsxzip streamed */
    bool cell_rows_retry;   /* xlsxzip could not take the rows: written as cells */
} xlsx_stats;

/* Fills o with the defaults above. */
void xlsx_options_init(xlsx_options *o);

/*
 * Writes the workbook for results document `doc` and the customers table
 * `customers_csv` (the file the pipeline wrote; NULL = no customers: the
 * Customers sheet has its header and a note) to `path` (created or
 * replaced). Returns SR_OK, SR_EIO, SR_EINPUT, SR_EUSAGE (doc or path NULL),
 * SR_ENOMEM; on failure no file is left at path.
 *
 *     st = xlsx_write(run->root, "out/.tmp/customers.csv",
 *                     "out/.tmp/segments.xlsx", &err);
 */
sr_status xlsx_write(const cJSON *doc, const char *customers_csv, const char *path,
                     sr_error *err);

/* xlsx_write() with options (NULL = defaults) and statistics (may be NULL). */
sr_status xlsx_write_opt(const cJSON *doc, const char *customers_csv, const char *path,
                         const xlsx_options *opt, xlsx_stats *stats, sr_error *err);

#endif

/* output.h - the files a run writes: timeseries.csv, summary.json,
 * replicates.csv and scenario.resolved.yaml.
 *
 * The CSV columns come from one table (output.c) that gives both the header
 * and the row writer. summary.json is built as a libfyaml document from the
 * metric keys (a dotted key becomes nested objects) and emitted as JSON.
 * The files of a run are staged and swapped in as one folder (outdir.h).
 */
#ifndef CARCER_OUTPUT_H
#define CARCER_OUTPUT_H

#include <stddef.h>

#include "metrics.h"
#include "sim.h"
#include "util.h"

/* Append the CSV header of timeseries.csv (with a leading `replicate`
 * column when with_replicate). */
void cc_output_ts_header(cc_buf *b, int with_replicate);

/* Append the rows of days [0, days) of one replicate. */
void cc_output_ts_rows(cc_buf *b, const cc_scenario *s, const cc_ts_row *rows, int32_t days,
                       int replicate, int with_replicate);

/* summary.json text (malloc'd) for K replicates' metrics; with K > 1 each
 * metric becomes {mean, sd, q05, q50, q95}. run_id (16 hex digits, or
 * NULL) is written as key `run_id`. NULL when out of memory. */
char *cc_output_summary_json(const cc_scenario *s, uint64_t seed, const cc_metrics *reps,
                             int k, const char *run_id);

/* replicates.csv text: one row of scalars per replicate. */
char *cc_output_replicates_csv(const cc_metrics *reps, int k);
/* The same with the values of the uncertain inputs of s in each replicate
 * (inputs: [k][n], may be NULL) first, as columns `input:<key path>`. */
char *cc_output_replicates_inputs_csv(const cc_metrics *reps, int k, const cc_scenario *s,
                                      const double *inputs);

/* A JSON/YAML document node for a double: integers print without a
 * fraction, others with the shortest text that reads back the same value. */
void cc_format_number(double v, char out[32]);

struct fy_document;
struct fy_node;
/* A double-quoted string node of doc (so "2017" stays a string in JSON). */
struct fy_node *cc_output_string_node(struct fy_document *doc, const char *text);

/* Append s as one CSV field, quoted when it holds a comma, quote or line break. */
void cc_output_csv_field(cc_buf *b, const char *s);

#endif

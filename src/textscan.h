/* textscan.h - reading line-based text files from disk (posterior.csv, the
 * calibration checkpoint) with positions for messages.
 *
 * The scanner walks lines (a line ends at "\n"; a "\r" before it is
 * dropped) and reports errors as file:line:col, the column counted in bytes
 * from 1. Numbers are parsed from a field with nothing else in it. A field
 * quoted back in a message is shown with its non-printable bytes as \xNN and
 * cut after a few dozen bytes, so a hostile file cannot put control
 * characters or megabytes into a message.
 */
#ifndef CARCER_TEXTSCAN_H
#define CARCER_TEXTSCAN_H

#include <stddef.h>

#include "diag.h"
#include "util.h"

typedef struct cc_scan {
    const char *text, *end, *p; /* p: start of the next line */
    const char *file;
    int line;                   /* the current line, 1-based (0 before the first) */
    const char *ls, *le;        /* the current line [ls, le) */
    cc_diag *diag;
} cc_scan;

void cc_scan_init(cc_scan *s, const char *text, size_t len, const char *file, cc_diag *diag);

/* 0 when the text holds no NUL byte, else -1 with an error at the first. */
int cc_scan_no_nul(cc_scan *s);

/* Move to the next line: 1, or 0 at the end of the text. */
int cc_scan_line(cc_scan *s);

/* 1 when the rest of the text holds only line breaks and spaces. */
int cc_scan_rest_blank(const cc_scan *s);

/* An error at the byte `at` of the current line (NULL: its start). */
void cc_scan_error(cc_scan *s, const char *at, const char *fmt, ...) CC_PRINTF(3, 4);

/* The double written in [a, a+n) and nothing else: 0, or -1 when it is not
 * one (empty, trailing bytes, too long, out of range). Non-finite values are
 * returned as read ("inf", "nan"); the caller decides. */
int cc_parse_double(const char *a, size_t n, double *v);

/* A non-negative decimal integer in [a, a+n) no larger than max: 0 or -1. */
int cc_parse_uint(const char *a, size_t n, unsigned long long max, unsigned long long *v);

/* [a, a+n) shown for a message (see above). */
void cc_scan_show(const char *a, size_t n, char out[200]);

#endif

/* readfile.h - reading one input file (a scenario, an included scenario, a
 * pathogen) without trusting what the name points to (readfile.c).
 *
 * The file is opened without blocking (a FIFO with no writer would block
 * open() for ever), must be a regular file (not a FIFO, a device such as
 * /dev/zero, or a folder), must be at most `limit` bytes by fstat, and is
 * read for at most limit + 1 bytes, so a file that grows while it is read
 * is still refused rather than read without end.
 */
#ifndef CARCER_READFILE_H
#define CARCER_READFILE_H

#include <stddef.h>

/* Read `path` whole. Returns the NUL-terminated text (malloc'd, *len its
 * length), or NULL with *why saying why in a few words (a static string:
 * "not a regular file", "larger than the file size limit
 * (docs/limits.md)", strerror's text, ...). */
char *cc_read_file(const char *path, size_t limit, size_t *len, const char **why);

#endif

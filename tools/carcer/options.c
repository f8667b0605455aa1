/* options.c - options parsed, help printed and the man page written from
 * the commands' tables (see options.h).
 *
 * The terminal help is wrapped at 79 columns; the man page leaves the
 * filling to man(1). Nothing here allocates.
 */
#define _POSIX_C_SOURCE 200809L
#include "options.h"

#include <stdarg.h>
#include <string.h>

#include "schema.h" /* cc_edit_distance */

enum { WIDTH = 79, HELP_COL = 28 };

const carcer_cmd_spec *carcer_cmd_find(const char *name)
{
    for (int i = 0; carcer_cmd_specs[i]; i++)
        if (strcmp(carcer_cmd_specs[i]->name, name) == 0)
            return carcer_cmd_specs[i];
    return NULL;
}

void carcer_cmd_begin(carcer_cmd_parser *p, const carcer_cmd_spec *spec, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->spec = spec;
    p->argc = argc;
    p->argv = argv;
    /* ':' first: a missing argument is told apart from an unknown option */
    size_t ns = 0;
    p->shorts[ns++] = ':';
    int n = 0;
    for (const carcer_cmd_option *o = spec->options; o->name && n < CARCER_CMD_MAX_OPTIONS;
         o++, n++) {
        p->longs[n].name = o->name;
        p->longs[n].has_arg = o->arg ? required_argument : no_argument;
        p->longs[n].flag = NULL;
        p->longs[n].val = o->key;
        if (o->letter) {
            p->shorts[ns++] = o->letter;
            if (o->arg)
                p->shorts[ns++] = ':';
        }
    }
    p->shorts[ns] = '\0';
    optind = 1;
    opterr = 0;
}

/* The option of the table nearest to the text `name` (len bytes): the one
 * it abbreviates, else one within two edits; NULL when none is near. */
static const char *nearest(const carcer_cmd_spec *spec, const char *name, size_t len)
{
    char buf[64];
    if (len >= sizeof buf)
        return NULL;
    memcpy(buf, name, len);
    buf[len] = '\0';
    const char *best = NULL;
    int bestd = 3;
    for (const carcer_cmd_option *o = spec->options; o->name; o++) {
        if (len > 0 && strncmp(o->name, buf, len) == 0)
            return o->name;
        int d = cc_edit_distance(buf, o->name);
        if (d < bestd)
            bestd = d, best = o->name;
    }
    return best;
}

/* The "--name" part of an argument "--name=value" (its length). */
static size_t name_length(const char *text)
{
    const char *eq = strchr(text, '=');
    return eq ? (size_t)(eq - text) : strlen(text);
}

/* How many options of the table the text of argument `name` begins. */
static int prefixes(const carcer_cmd_spec *spec, const char *name)
{
    size_t len = name_length(name);
    int n = 0;
    for (const carcer_cmd_option *o = spec->options; o->name; o++)
        n += len > 0 && strncmp(o->name, name, len) == 0;
    return n;
}

static int refuse_long(const carcer_cmd_parser *p, const char *text, const char *what)
{
    size_t len = name_length(text + 2);
    const char *near = nearest(p->spec, text + 2, len);
    char hint[96] = "";
    if (near)
        snprintf(hint, sizeof hint, " (did you mean --%s?)", near);
    carcer_cmd_usage(p->spec, "%s option '%.*s'%s", what, (int)len + 2, text, hint);
    return '?';
}

int carcer_cmd_next(carcer_cmd_parser *p, const char **arg)
{
    int index = -1;
    *arg = NULL;
    int ch = getopt_long(p->argc, p->argv, p->shorts, p->longs, &index);
    if (ch == -1)
        return -1;
    if (ch == ':') {
        carcer_cmd_usage(p->spec, "option '%s' needs an argument", p->argv[optind - 1]);
        return '?';
    }
    if (ch == '?') {
        const char *text = p->argv[optind - 1];
        if (optopt == 0 && strncmp(text, "--", 2) == 0)
            return refuse_long(p, text, prefixes(p->spec, text + 2) > 1 ? "ambiguous" : "unknown");
        carcer_cmd_usage(p->spec, "unknown option '-%c'", optopt ? optopt : '?');
        return '?';
    }
    if (index >= 0) {
        /* the element that held the option: the one before the argument
         * when the argument was given apart (`--out DIR`) */
        const char *text = p->argv[optind - 1];
        if (p->longs[index].has_arg == required_argument && optarg == p->argv[optind - 1])
            text = p->argv[optind - 2];
        if (name_length(text + 2) != strlen(p->longs[index].name))
            return refuse_long(p, text, "abbreviated");
    }
    *arg = optarg;
    return ch;
}

int carcer_cmd_usage(const carcer_cmd_spec *spec, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("carcer: ", stderr);
    if (spec)
        fprintf(stderr, "%s: ", spec->name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (spec)
        fprintf(stderr, "\nsee 'carcer %s --help'\n", spec->name);
    else
        fputs("\nsee 'carcer help'\n", stderr);
    return 2;
}

/* ---- terminal help ----------------------------------------------------- */

/* Write text from column `col` (where the cursor is), words wrapped at
 * WIDTH to column `indent`; paragraphs ("\n\n") apart by an empty line. */
static void wrap(FILE *out, const char *text, int col, int indent)
{
    const char *s = text;
    while (*s) {
        if (s[0] == '\n' && s[1] == '\n') {
            fprintf(out, "\n\n%*s", indent, "");
            col = indent;
            s += 2;
            continue;
        }
        if (*s == ' ' || *s == '\n') {
            s++;
            continue;
        }
        size_t w = strcspn(s, " \n");
        if (col > indent && col + 1 + (int)w > WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fwrite(s, 1, w, out);
        col += (int)w;
        s += w;
    }
    fputc('\n', out);
}

static void print_synopsis(const carcer_cmd_spec *spec, FILE *out)
{
    const char *s = spec->synopsis;
    const char *lead = "usage: ";
    while (*s) {
        size_t n = strcspn(s, "\n");
        fprintf(out, "%scarcer %.*s\n", lead, (int)n, s);
        lead = "       ";
        s += n;
        if (*s)
            s++;
    }
}

void carcer_cmd_help(const carcer_cmd_spec *spec, FILE *out)
{
    print_synopsis(spec, out);
    fputc('\n', out);
    wrap(out, spec->summary, 0, 0);
    if (spec->description && *spec->description) {
        fputc('\n', out);
        wrap(out, spec->description, 0, 0);
    }
    if (spec->options[0].name) {
        fputs("\noptions:\n", out);
        for (const carcer_cmd_option *o = spec->options; o->name; o++) {
            int col = o->letter ? fprintf(out, "  -%c, --%s", o->letter, o->name)
                                : fprintf(out, "      --%s", o->name);
            if (o->arg)
                col += fprintf(out, " %s", o->arg);
            if (col + 2 > HELP_COL) {
                fprintf(out, "\n%*s", HELP_COL, "");
            } else {
                fprintf(out, "%*s", HELP_COL - col, "");
            }
            wrap(out, o->help, HELP_COL, HELP_COL);
        }
    }
    if (spec->examples && spec->examples[0].command) {
        fputs("\nexamples:\n", out);
        for (const carcer_cmd_example *e = spec->examples; e->command; e++) {
            fprintf(out, "  %s\n      ", e->command);
            wrap(out, e->what, 6, 6);
        }
    }
}

void carcer_cmd_help_all(FILE *out)
{
    fputs("usage: carcer COMMAND [options]\n\n"
          "Simulate a detention system under a drug-enforcement campaign, person by\n"
          "person and day by day, with infections spreading in its cells.\n\n"
          "commands:\n",
          out);
    for (int i = 0; carcer_cmd_specs[i]; i++) {
        fprintf(out, "  %-12s ", carcer_cmd_specs[i]->name);
        wrap(out, carcer_cmd_specs[i]->summary, 15, 15);
    }
    fputs("\n'carcer COMMAND --help' gives a command's options and examples;\n"
          "'man carcer' all of them.\n",
          out);
}

/* ---- man page ---------------------------------------------------------- */

/* Text as roff: backslashes and hyphens escaped, no line starting with a
 * control character, paragraphs ("\n\n") as .PP. */
static void roff(FILE *out, const char *s)
{
    int bol = 1;
    for (; *s; s++) {
        if (s[0] == '\n' && s[1] == '\n') {
            fputs("\n.PP\n", out);
            s++;
            bol = 1;
            continue;
        }
        if (bol && (*s == '.' || *s == '\''))
            fputs("\\&", out);
        bol = 0;
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else if (*s == '\n') {
            fputc('\n', out);
            bol = 1;
        } else
            fputc(*s, out);
    }
}

void carcer_cmd_man(FILE *out, const char *version)
{
    fputs(".TH CARCER 1 \"\" \"carcer ", out);
    roff(out, version);
    fputs("\" \"User Commands\"\n"
          ".SH NAME\n"
          "carcer \\- simulate a detention system under a drug\\-enforcement campaign\n"
          ".SH SYNOPSIS\n"
          ".B carcer\n"
          ".I COMMAND\n"
          "[options]\n"
          ".SH DESCRIPTION\n",
          out);
    roff(out, "carcer simulates the people held in police custody, prisons and compulsory "
              "drug rehabilitation centres, day by day, with infections spreading in their "
              "cells. A scenario is a YAML file (carcer schema prints the reference of its "
              "keys); without one, carcer runs its embedded default, Cambodia's anti-drug "
              "campaign of 2017-2021. Results go to a folder that is replaced whole when a "
              "run is done; carcer report makes a self-contained HTML page of them.");
    fputs("\n.SH COMMANDS\n", out);
    for (int i = 0; carcer_cmd_specs[i]; i++) {
        const carcer_cmd_spec *c = carcer_cmd_specs[i];
        fputs(".SS \"", out);
        roff(out, c->name);
        fputs("\"\n.nf\n", out);
        const char *s = c->synopsis;
        while (*s) {
            size_t n = strcspn(s, "\n");
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)n, s);
            fputs(".B carcer ", out);
            roff(out, line);
            fputc('\n', out);
            s += n;
            if (*s)
                s++;
        }
        fputs(".fi\n.PP\n", out);
        roff(out, c->summary);
        if (c->description && *c->description) {
            fputs("\n.PP\n", out);
            roff(out, c->description);
        }
        fputc('\n', out);
        for (const carcer_cmd_option *o = c->options; o->name; o++) {
            fputs(".TP\n", out);
            if (o->letter)
                fprintf(out, "\\fB\\-%c\\fR, ", o->letter);
            fputs("\\fB\\-\\-", out);
            roff(out, o->name);
            fputs("\\fR", out);
            if (o->arg) {
                fputs(" \\fI", out);
                roff(out, o->arg);
                fputs("\\fR", out);
            }
            fputc('\n', out);
            roff(out, o->help);
            fputc('\n', out);
        }
        if (c->examples && c->examples[0].command) {
            fputs(".PP\nExamples:\n", out);
            for (const carcer_cmd_example *e = c->examples; e->command; e++) {
                fputs(".PP\n.RS\n.nf\n", out);
                roff(out, e->command);
                fputs("\n.fi\n", out);
                roff(out, e->what);
                fputs("\n.RE\n", out);
            }
        }
    }
    fputs(".SH EXIT STATUS\n"
          ".TP\n0\nsuccess\n"
          ".TP\n1\nan error in the input or the model (messages give file, line and column), "
          "or a warning under \\-\\-strict; nothing was written\n"
          ".TP\n2\na usage error (an unknown option, a missing argument)\n"
          ".TP\n129, 130, 143\ninterrupted by SIGHUP, SIGINT or SIGTERM (128 + the signal)\n"
          ".SH FILES\n"
          ".TP\nscenarios/*.yaml\nthe shipped scenarios (carcer scenarios lists them)\n"
          ".TP\ndocs/tutorial.md\na first hour with carcer, from the default to a new "
          "country and a reform comparison\n"
          ".SH SEE ALSO\n"
          "The scenario reference (carcer schema), its JSON Schema (carcer schema \\-\\-json), "
          "docs/model.md, docs/outputs.md and docs/sources.md in the source distribution.\n",
          out);
}

/* test_cli_help.c - `carcer COMMAND --help` against the table of commands
 * (tools/carcer/commands.c, linked into this test): every option of every
 * command is in its help with its argument, `carcer help COMMAND` says the
 * same, every example uses only options of its command, long options are
 * matched exactly (an abbreviation is refused with the full name as a
 * hint), and the man page lists every command and option.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "options.h"

/* Run the tool with the shell words `args`; its stdout (malloc'd) and exit
 * status; stderr joined to stdout when `err`. */
static char *tool(const char *args, int err, int *status)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' %s %s", CARCER_TOOL, args, err ? "2>&1" : "2>/dev/null");
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 == cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

static void contains(const char *text, const char *what, const char *where)
{
    if (!strstr(text, what))
        fail_msg("%s lacks '%s':\n%s", where, what, text);
}

static void help_lists_every_option(void **state)
{
    (void)state;
    for (int i = 0; carcer_cmd_specs[i]; i++) {
        const carcer_cmd_spec *c = carcer_cmd_specs[i];
        char args[128], where[128], want[256];
        snprintf(args, sizeof args, "%s --help", c->name);
        snprintf(where, sizeof where, "carcer %s --help", c->name);
        int st;
        char *help = tool(args, 0, &st);
        assert_int_equal(st, 0);
        snprintf(want, sizeof want, "usage: carcer %s", c->name);
        contains(help, want, where);
        int nopt = 0;
        for (const carcer_cmd_option *o = c->options; o->name; o++, nopt++) {
            /* the option as the table writes it, with its argument */
            snprintf(want, sizeof want, "--%s%s%s\n", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
            char alt[256];
            snprintf(alt, sizeof alt, "--%s%s%s ", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
            if (!strstr(help, want) && !strstr(help, alt))
                fail_msg("%s lacks '--%s %s'", where, o->name, o->arg ? o->arg : "");
            if (o->letter) {
                snprintf(want, sizeof want, "-%c, --%s", o->letter, o->name);
                contains(help, want, where);
            }
            /* the first words of its help text (wrapping may split later ones) */
            snprintf(want, sizeof want, "%.*s", (int)strcspn(o->help, " "), o->help);
            contains(help, want, where);
        }
        /* and no option the table lacks: as many "--" at line starts */
        int shown = 0;
        for (const char *s = strstr(help, "\noptions:\n"); s && (s = strstr(s, "\n  ")); s++)
            if (strncmp(s, "\n  -", 4) == 0 || strncmp(s, "\n      --", 9) == 0)
                shown++;
        assert_int_equal(shown, nopt);
        int nex = 0;
        for (const carcer_cmd_example *e = c->examples; e->command; e++, nex++)
            contains(help, e->command, where);
        if (strcmp(c->name, "help") != 0 && strcmp(c->name, "version") != 0 &&
            strcmp(c->name, "scenarios") != 0 && strcmp(c->name, "report") != 0 &&
            strcmp(c->name, "schema") != 0)
            assert_true(nex >= 2); /* two or three real examples */
        /* `carcer help NAME` is the same text */
        snprintf(args, sizeof args, "help %s", c->name);
        char *again = tool(args, 0, &st);
        assert_int_equal(st, 0);
        assert_string_equal(again, help);
        free(again);
        free(help);
    }
}

/* Every option an example uses is one of its command's. */
static void examples_use_their_options(void **state)
{
    (void)state;
    for (int i = 0; carcer_cmd_specs[i]; i++) {
        const carcer_cmd_spec *c = carcer_cmd_specs[i];
        for (const carcer_cmd_example *e = c->examples; e->command; e++) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s", e->command);
            char *save = NULL;
            char *w = strtok_r(buf, " ", &save);
            assert_string_equal(w, "carcer");
            w = strtok_r(NULL, " ", &save);
            assert_string_equal(w, c->name);
            while ((w = strtok_r(NULL, " ", &save)) != NULL) {
                if (strcmp(w, "&&") == 0 || strcmp(w, ">") == 0)
                    break; /* the rest is the shell's */
                if (w[0] != '-')
                    continue;
                int found = 0;
                for (const carcer_cmd_option *o = c->options; o->name; o++) {
                    if (w[1] == '-') {
                        size_t n = strcspn(w + 2, "=");
                        found |= strlen(o->name) == n && strncmp(o->name, w + 2, n) == 0;
                    } else {
                        found |= o->letter == w[1] && w[2] == '\0';
                    }
                }
                if (!found)
                    fail_msg("the example '%s' uses '%s', not an option of %s", e->command, w,
                             c->name);
            }
        }
    }
}

/* `--replicate 3` for `--replicates 3` (and every such abbreviation) is a
 * usage error naming the option meant; the option in full is accepted
 * (it gets as far as a later check of its value). */
static void abbreviations_refused(void **state)
{
    (void)state;
    for (int i = 0; carcer_cmd_specs[i]; i++) {
        const carcer_cmd_spec *c = carcer_cmd_specs[i];
        for (const carcer_cmd_option *o = c->options; o->name; o++) {
            size_t n = strlen(o->name);
            if (n < 3)
                continue;
            char args[256], want[128];
            snprintf(args, sizeof args, "%s --%.*s%s", c->name, (int)n - 1, o->name,
                     o->arg ? " 1" : "");
            int st;
            char *err = tool(args, 1, &st);
            if (st != 2)
                fail_msg("carcer %s exited %d, expected 2:\n%s", args, st, err);
            snprintf(want, sizeof want, "--%.*s'", (int)n - 1, o->name);
            contains(err, want, args);
            /* the hint names this option, or the abbreviation is ambiguous */
            snprintf(want, sizeof want, "did you mean --%s?", o->name);
            if (!strstr(err, want) && !strstr(err, "ambiguous option"))
                fail_msg("carcer %s: no hint:\n%s", args, err);
            free(err);
            /* the same with =VALUE */
            if (o->arg) {
                snprintf(args, sizeof args, "%s --%.*s=1", c->name, (int)n - 1, o->name);
                err = tool(args, 1, &st);
                assert_int_equal(st, 2);
                free(err);
            }
        }
    }
    int st;
    char *err = tool("run --replicates=0", 1, &st);
    assert_int_equal(st, 2);
    contains(err, "--replicates expects an integer from 1 to 100000, got '0'", "run --replicates=0");
    free(err);
    err = tool("run --bogus", 1, &st);
    assert_int_equal(st, 2);
    contains(err, "unknown option '--bogus'", "run --bogus");
    free(err);
}

/* The man page has a section per command and every option of each. */
static void man_page_lists_everything(void **state)
{
    (void)state;
    int st;
    char *man = tool("help --man", 0, &st);
    assert_int_equal(st, 0);
    contains(man, ".TH CARCER 1", "the man page");
    for (int i = 0; carcer_cmd_specs[i]; i++) {
        const carcer_cmd_spec *c = carcer_cmd_specs[i];
        char want[256];
        snprintf(want, sizeof want, ".SS \"%s\"", c->name);
        contains(man, want, "the man page");
        const char *at = strstr(man, want);
        for (const carcer_cmd_option *o = c->options; o->name; o++) {
            /* roff writes '-' as '\-' */
            char esc[128] = "", *w = esc;
            for (const char *s = o->name; *s && w < esc + sizeof esc - 3; s++) {
                if (*s == '-')
                    *w++ = '\\';
                *w++ = *s;
            }
            *w = '\0';
            snprintf(want, sizeof want, "\\fB\\-\\-%s\\fR", esc);
            contains(at, want, "the man page's command section");
        }
    }
    free(man);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_lists_every_option),
        cmocka_unit_test(examples_use_their_options),
        cmocka_unit_test(abbreviations_refused),
        cmocka_unit_test(man_page_lists_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

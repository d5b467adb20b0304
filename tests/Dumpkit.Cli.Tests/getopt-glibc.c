/* The oracle of GlibcGetoptTests: glibc's getopt_long on a table given on the command line.
   usage: getopt-glibc OPTSTRING LONGSPEC ARG...   LONGSPEC: name:has_arg:index,... (index of the
   table row; the short letter of the row is in OPTSTRING). Prints "opt INDEX VALUE|-" per option,
   "err" and stops at the first error (glibc's message is on stderr), then "pos ARG" per
   non-option. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 3) return 2;
    struct option longs[64];
    int n = 0;
    char *spec = strdup(argv[2]);
    for (char *t = strtok(spec, ","); t && n < 63; t = strtok(NULL, ",")) {
        char *c1 = strchr(t, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) return 2;
        *c1 = *c2 = 0;
        longs[n].name = t;
        longs[n].has_arg = atoi(c1 + 1);
        longs[n].flag = NULL;
        longs[n].val = 1000 + atoi(c2 + 1);
        n++;
    }
    memset(&longs[n], 0, sizeof longs[n]);
    char *shorts = argv[1];
    char *rows = strchr(shorts, '/');   /* "OPTS/ROWS": the row index of each short letter, as letters 'A'+i */
    if (rows) *rows++ = 0;
    int nargs = argc - 3 + 1;
    char **args = calloc(nargs + 1, sizeof *args);
    args[0] = "p";
    for (int i = 3; i < argc; i++) args[i - 2] = argv[i];
    opterr = 1;
    int c;
    while ((c = getopt_long(nargs, args, shorts, longs, NULL)) != -1) {
        if (c == '?' || c == ':') { printf("err\n"); return 0; }
        int row = -1;
        if (c >= 1000) row = c - 1000;
        else {
            int k = 0;
            for (char *p = shorts; *p; p++) {
                if (*p == ':') continue;
                if (*p == c) { row = rows[k] - 'A'; break; }
                k++;
            }
        }
        printf("opt %d %s\n", row, optarg ? optarg : "-");
    }
    for (int i = optind; i < nargs; i++) printf("pos %s\n", args[i]);
    return 0;
}

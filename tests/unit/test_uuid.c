#include "uuid.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define DRAWS 1000

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int hex_value(char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx with N in 8..b. */
static void check_format(const char *u)
{
    cr_assert_eq(strlen(u), 36, "%s", u);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            cr_assert_eq(u[i], '-', "%s: position %d", u, i);
        else
            cr_assert(is_lower_hex(u[i]), "%s: position %d", u, i);
    }
    cr_assert_eq(u[14], '4', "%s: version nibble", u);
    cr_assert_eq(hex_value(u[19]) & 0xC, 0x8, "%s: variant bits", u);
}

Test(uuid, format_version_and_variant)
{
    for (int i = 0; i < DRAWS; i++) {
        char u[37];
        memset(u, 'X', sizeof u);
        cr_assert_eq(awsc_uuid_v4(u), 0);
        check_format(u);
    }
}

static int cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

Test(uuid, draws_are_distinct_and_random)
{
    char(*u)[37] = calloc(DRAWS, sizeof *u);
    cr_assert_not_null(u);
    for (int i = 0; i < DRAWS; i++)
        cr_assert_eq(awsc_uuid_v4(u[i]), 0);
    qsort(u, DRAWS, sizeof *u, cmp);
    for (int i = 1; i < DRAWS; i++)
        cr_assert_str_neq(u[i - 1], u[i]);

    /* Every random hex position takes many values: catches a stuck or copied nibble. */
    for (int pos = 0; pos < 36; pos++) {
        if (pos == 8 || pos == 13 || pos == 14 || pos == 18 || pos == 23)
            continue;
        int seen[16] = {0}, distinct = 0;
        for (int i = 0; i < DRAWS; i++)
            seen[hex_value(u[i][pos])] = 1;
        for (int v = 0; v < 16; v++)
            distinct += seen[v];
        /* Position 19 has only the 4 variant values; others all 16 (missing one is ~1e-26). */
        cr_assert_eq(distinct, pos == 19 ? 4 : 16, "position %d has %d values", pos, distinct);
    }
    free(u);
}

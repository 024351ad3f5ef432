/* What a server sent (error messages, codes, request ids), printed so that it cannot drive the terminal. */
#include "cli.h"

#include <string.h>

void cli_put_untrusted(FILE *f, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i]; i++) {
        unsigned char c = p[i];
        if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\x%02x", c);
        } else if (c == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
            /* U+0080..U+009F: the C1 controls, CSI (U+009B) among them */
            fprintf(f, "\\u%04x", p[i + 1]);
            i++;
        } else {
            fputc(c, f);
        }
    }
}

/*
 * A main() for the fuzz harnesses without libFuzzer: runs each file named on
 * the command line through LLVMFuzzerTestOneInput once, so a crash found by
 * the fuzzer can be reproduced under gcc, valgrind or a debugger.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        uint8_t *buf = NULL;
        size_t len = 0, cap = 0, n;
        do {
            if (len == cap) {
                cap = cap ? cap * 2 : 4096;
                uint8_t *p = realloc(buf, cap);
                if (!p)
                    return free(buf), fclose(f), 1;
                buf = p;
            }
            n = fread(buf + len, 1, cap - len, f);
            len += n;
        } while (n > 0);
        fclose(f);
        /* An exact-size copy, so reads past the end are caught. */
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact)
            return free(buf), 1;
        for (size_t k = 0; k < len; k++)
            exact[k] = buf[k];
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        printf("%s: ok\n", argv[i]);
    }
    return 0;
}

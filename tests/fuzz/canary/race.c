/* Canary for scripts/reliability: an unsynchronised counter that ThreadSanitizer must report. */
#include <pthread.h>
#include <stdio.h>

static long counter;

static void *bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        counter++;
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, bump, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%ld\n", counter);
    return 0;
}
